import io
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client

from accompaniment.models import Holder
from pes21 import benchmark
from pes21.models import User


class Command(BaseCommand):
    help = "Mesure les pages principales, le rapport et l'import sur un grand jeu de données."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=50)
        parser.add_argument("--repeat", type=int, default=15)
        parser.add_argument(
            "--sqlite-import-scale",
            type=int,
            default=4,
            help="échelle de l'import mesuré dans un SQLite vide (0 : ne pas le mesurer)",
        )

    def handle(self, *args, scale: int, repeat: int, sqlite_import_scale: int, **options):
        out = self.stdout.write
        out(f"Base : {connection.vendor} · échelle ×{scale}")
        if not Holder.objects.exists():
            start = time.perf_counter()
            call_command("seed_demo", scale=scale, stdout=io.StringIO())
            out(f"Données créées en {time.perf_counter() - start:.0f} s")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # What autovacuum gives a database in service: statistics, and the visibility
                # map without which an index-only scan still visits the table.
                cursor.execute("VACUUM ANALYZE")
        for label, count in benchmark.volumes():
            out(f"  {label:<28}{count:>10,}".replace(",", "\u202f"))
        director = User.objects.get(username="direction")
        admin, _ = User.objects.get_or_create(
            username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
        )
        volunteer = User.objects.get(username="benevole")
        client, admin_client, volunteer_client = Client(), Client(), Client()
        client.force_login(director)
        admin_client.force_login(admin)
        volunteer_client.force_login(volunteer)
        goals = benchmark.Goals()
        out("")
        benchmark.run_pages(
            client,
            admin_client,
            benchmark.pages(),
            repeat,
            out,
            volunteer_client=volunteer_client,
            goals=goals,
        )
        out("")
        for line in benchmark.run_builds(goals):
            out(line)
        out("")
        out("Aller-retour export → import dans une base vide :")
        for line in benchmark.run_round_trip(goals):
            out(line)
        if sqlite_import_scale:
            for line in benchmark.run_sqlite_import(sqlite_import_scale, goals):
                out(line)
        out("")
        for line in goals.lines(scale):
            out(line)
