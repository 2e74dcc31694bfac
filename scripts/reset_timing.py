"""Times the password-reset page for an address with an account and one without, against a
slow SMTP sink (each message takes 200 ms to be accepted), to check that the answer tells
nothing: `python scripts/reset_timing.py [--rounds 40]`.

Two ways are timed on the same fresh SQLite database: the application as it is (the request
queues a task; a worker sends), and the reset task run inside the request (what the page did
before: look the account up and talk to the mail server while the person waits). The worker
then sends the queued messages to the sink, which counts them.
"""

import argparse
import os
import socketserver
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SINK_DELAY = 0.2
received: list[float] = []


class SlowSmtp(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend; every message is accepted 200 ms late."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 lent ESMTP")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 lent")
            elif command == "DATA":
                self.reply("354 allez-y")
                while self.rfile.readline().rstrip(b"\r\n") != b".":
                    pass
                time.sleep(SINK_DELAY)
                received.append(time.time())
                self.reply("250 accepté")
            elif command == "QUIT":
                self.reply("221 au revoir")
                return
            else:
                self.reply("250 ok")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=40)
    rounds = parser.parse_args().rounds
    sink = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SlowSmtp)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    folder = tempfile.mkdtemp(prefix="pes21-reset-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="1",
        PES21_VAR_DIR=folder,
        DATABASE_URL=f"sqlite:///{folder}/db.sqlite3",
        ALLOWED_HOSTS="testserver",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink.server_address[1]),
        EMAIL_USE_TLS="0",
        PASSWORD_RESET_PER_ADDRESS="100000",
        PASSWORD_RESET_PER_CLIENT="100000",
        LOG_LEVEL="ERROR",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from pes21.models import User

    call_command("migrate", verbosity=0)
    User.objects.create_user("existe", email="existe@example.org", password="x" * 20)
    client = Client()
    client.get("/compte/oubli/")  # warm up: templates, first connection

    def time_page(rounds: int) -> dict[str, list[float]]:
        times: dict[str, list[float]] = {"existe@example.org": [], "inconnu@example.org": []}
        for _ in range(rounds):
            for email in times:  # interleaved, so that the machine's load hits both alike
                started = time.perf_counter()
                response = client.post("/compte/oubli/", {"email": email})
                times[email].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 302, response.status_code
        return times

    def show(title: str, times: dict[str, list[float]]) -> None:
        print(title)
        for email, values in times.items():
            values = sorted(values)
            p90 = values[int(len(values) * 0.9) - 1]
            print(
                f"  {email:<22} médiane {statistics.median(values):6.1f} ms, "
                f"90e centile {p90:6.1f} ms ({len(values)} demandes)"
            )
        gap = statistics.median(times["existe@example.org"]) - statistics.median(
            times["inconnu@example.org"]
        )
        print(f"  écart des médianes : {gap:+.1f} ms")

    queued = time_page(rounds)
    show("Application (la requête confie l'envoi à une tâche) :", queued)
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate):
        show("Envoi dans la requête (comme avant) :", time_page(rounds))
    before = len(received)
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    print(f"Le processus de travail a remis {len(received) - before} courriel(s) au serveur lent.")


if __name__ == "__main__":
    main()
