"""A worker SIGKILLed in the middle of a resume parse: the task comes back and completes once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.core.files.base import ContentFile
from django.db import connection

from screening.models import Resume, ResumeScore
from tests.factories import ApplicationFactory
from tests.integrations.test_celery_redis import _fresh_pools

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("HB_TEST_KILL_REDIS_URL", "redis://127.0.0.1:6379/14")
SAMPLE = next((ROOT / "tests" / "data" / "resumes").glob("*.pdf"), None)


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker process needs a shared PostgreSQL"),
    pytest.mark.skipif(not _redis_up() and not os.environ.get("CI"), reason="needs Redis"),
    pytest.mark.skipif(SAMPLE is None, reason="no sample resume"),
]


def _start_worker(queue: str, tmp_path: Path, settings, **options) -> subprocess.Popen:
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": REDIS_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    command = [sys.executable, str(ROOT / "tests/support/worker.py"), queue]
    for name, value in options.items():
        command += [f"--{name.replace('_', '-')}", str(value)]
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL)


def _stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.mark.django_db(transaction=True)
def test_parse_survives_a_worker_killed_mid_task(settings, tmp_path, monkeypatch):
    from config.celery import app
    from screening.tasks import parse_resume_task

    application = ApplicationFactory()
    resume = Resume.objects.create(
        org=application.org,
        candidate=application.candidate,
        job=application.job,
        application=application,
        original_name=SAMPLE.name,
        status=Resume.Status.PENDING,
    )
    resume.file.save(SAMPLE.name, ContentFile(SAMPLE.read_bytes()), save=True)

    queue = f"hb-kill-{uuid.uuid4().hex[:8]}"
    marker = tmp_path / "started"
    doomed = _start_worker(queue, tmp_path, settings, pause_before_task=60, started_marker=marker)
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_transport_options")}
    survivor = None
    try:
        # Celery reads CELERY_BROKER_URL from the environment before its own settings.
        monkeypatch.setenv("CELERY_BROKER_URL", REDIS_URL)
        app.conf.update(
            broker_url=REDIS_URL, task_always_eager=False, broker_transport_options={"visibility_timeout": 4}
        )
        parse_resume_task.apply_async(args=[resume.pk], queue=queue)
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert marker.exists(), "the worker never started the task"
        _stop(doomed, signal.SIGKILL)  # the whole worker, parent and child, mid-task
        resume.refresh_from_db()
        assert resume.status == Resume.Status.PENDING

        survivor = _start_worker(queue, tmp_path, settings)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            resume.refresh_from_db()
            if resume.status == Resume.Status.PARSED:
                break
            time.sleep(0.5)
        assert resume.status == Resume.Status.PARSED, resume.status_text
        assert ResumeScore.objects.filter(resume=resume).count() == 1
        assert Resume.objects.filter(candidate=application.candidate, job=application.job, is_current=True).count() == 1
    finally:
        _stop(doomed, signal.SIGKILL)
        if survivor is not None:
            _stop(survivor)
        app.conf.update(saved)
        app.pool.force_close_all()
        _fresh_pools(app)
