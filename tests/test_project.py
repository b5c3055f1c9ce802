"""Project hygiene: migrations match the models, production settings pass check --deploy."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_makemigrations_is_clean():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


def test_check_deploy_with_production_settings_has_no_warnings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "p" * 20 + "-a-long-random-production-secret-key-0123456789",
        "DJANGO_ALLOWED_HOSTS": "hireboard.example.com",
        "DJANGO_SECURE_COOKIES": "1",
        "DJANGO_HSTS_SECONDS": "31536000",
        "DJANGO_SECURE_SSL_REDIRECT": "1",
        "FIELD_ENCRYPTION_KEYS": "q4Sx0vMhXgb0pT0lYh6c5gPZ9Dq0u1d1mL3Y9kqFZ3Q=",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_warns_without_encryption_keys():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "p" * 20 + "-a-long-random-production-secret-key-0123456789",
        "FIELD_ENCRYPTION_KEYS": "",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--tag", "security"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "hireboard.W001" in result.stdout + result.stderr


def test_gunicorn_config_loads_and_workers_freeze_what_they_loaded():
    import gc
    import runpy

    config = runpy.run_path(str(Path(__file__).resolve().parents[1] / "config" / "gunicorn.py"))
    assert config["workers"] >= 1 and config["timeout"] > 0
    try:
        config["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
