import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

RESUMES = Path(__file__).resolve().parents[1] / "data" / "resumes"


def resume_upload(file_name: str, *, as_name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(as_name or file_name, (RESUMES / file_name).read_bytes())


def expected(file_name: str) -> dict:
    return json.loads((RESUMES / f"{file_name}.expected.json").read_text())


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on_commit callbacks (file writes, eager Celery tasks) as a real commit would."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Test users are created by the dozen; the real hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
