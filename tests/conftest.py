import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from
# that thread are still synchronous, so its async-safety guard is switched off in tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    """Every test: tasks run eagerly, files go to a throwaway folder, mail to memory."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from config.celery import app

    app.conf.task_always_eager = True
    yield


@pytest.fixture
def org_world(db):
    """Two organisations with the three roles each, and jobs that exercise the role table."""
    from tests.factories import build_world

    return build_world()
