import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import envbool, envint

ROOT = Path(__file__).resolve().parents[2]


def test_envbool_refuses_a_bad_value(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "peut-être")
    with pytest.raises(ImproperlyConfigured):
        envbool("SOME_FLAG", False)
    monkeypatch.setenv("SOME_FLAG", "oui")
    assert envbool("SOME_FLAG", False) is True


def test_envint_refuses_a_bad_value(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "douze")
    with pytest.raises(ImproperlyConfigured):
        envint("SOME_NUMBER", 1)


def _manage(*args, **env) -> subprocess.CompletedProcess:
    # The browser tests allow async-unsafe calls in-process; a deployment never does.
    dropped = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environ = {k: v for k, v in os.environ.items() if k not in dropped}
    environ.update(env)
    environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_in_production(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="a-long-production-secret-" + "k7Q2" * 12,
        ALLOWED_HOSTS="pes21.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_missing_production_setting_is_one_french_line_not_a_traceback():
    result = _manage("check", DEBUG="0", ALLOWED_HOSTS="pes21.example.org")
    assert result.returncode == 1
    assert result.stderr.startswith("PES 21 ne peut pas démarrer : SECRET_KEY manque")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr

    result = _manage("check", DEBUG="0", SECRET_KEY="s" * 50)
    assert result.returncode == 1
    assert "ALLOWED_HOSTS manque" in result.stderr and "Traceback" not in result.stderr


def test_the_web_server_says_it_too(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DEBUG": "0", "ALLOWED_HOSTS": "pes21.example.org"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("PES 21 ne peut pas démarrer : SECRET_KEY manque")


def test_bad_database_url_fails_loudly():
    result = _manage("check", DEBUG="1", DATABASE_URL="mysql://nope/db")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_collectstatic_works_for_production(tmp_path):
    result = _manage(
        "collectstatic",
        "--noinput",
        DEBUG="0",
        SECRET_KEY="a-long-production-secret-" + "k7Q2" * 12,
        STATIC_ROOT=str(tmp_path / "static"),
        ALLOWED_HOSTS="pes21.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()


def test_the_local_settings_make_run_writes_let_the_readme_s_commands_run(tmp_path):
    # What `make run` leaves: var/local.env; then a command typed without DEBUG=1 works.
    script = subprocess.run(
        ["sh", "scripts/local_settings.sh"],
        cwd=ROOT,
        env={**os.environ, "PES21_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "local.env" in script.stdout
    assert "DEBUG=1" in (tmp_path / "local.env").read_text()
    assert _manage("check", PES21_VAR_DIR=str(tmp_path)).returncode == 0
    # Written once: the developer's own changes stay.
    (tmp_path / "local.env").write_text("DEBUG=1\nRETENTION_MONTHS=36\n")
    subprocess.run(
        ["sh", "scripts/local_settings.sh"],
        cwd=ROOT,
        check=True,
        env={**os.environ, "PES21_VAR_DIR": str(tmp_path)},
    )
    assert "RETENTION_MONTHS=36" in (tmp_path / "local.env").read_text()


def test_the_local_settings_are_never_read_when_the_environment_sets_the_secret_key(tmp_path):
    (tmp_path / "local.env").write_text("DEBUG=1\n")
    show = "from django.conf import settings; print(settings.DEBUG)"
    local = _manage("shell", "-c", show, PES21_VAR_DIR=str(tmp_path))
    production = _manage(
        "shell",
        "-c",
        show,
        PES21_VAR_DIR=str(tmp_path),
        SECRET_KEY="a-long-production-secret-" + "k7Q2" * 12,
        ALLOWED_HOSTS="pes21.example.org",
    )
    assert local.stdout.strip().endswith("True"), local.stderr
    assert production.stdout.strip().endswith("False"), production.stderr
