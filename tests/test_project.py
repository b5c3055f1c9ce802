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
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "p" * 20 + "-a-long-random-production-secret-key-0123456789",
        "DJANGO_ALLOWED_HOSTS": "hireboard.example.com",
        "DJANGO_SECURE_COOKIES": "1",
        "DJANGO_HSTS_SECONDS": "31536000",
        "DJANGO_SECURE_SSL_REDIRECT": "1",
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
