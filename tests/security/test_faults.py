"""Faults: concurrent moves, a database connection that drops mid-request."""

import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from candidates.models import Application, StageChange
from candidates.services import move_application
from tests.factories import ApplicationFactory

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and parallel connections need PostgreSQL"
)


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_moves_of_one_application_keep_a_consistent_history():
    application = ApplicationFactory()
    recruiter = application.job.owner
    stages = list(application.job.stages().exclude(kind="rejected"))
    errors: list[BaseException] = []
    barrier = threading.Barrier(20)

    def mover(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            move_application(
                application=Application.objects.get(pk=application.pk),
                to_stage=stages[index % len(stages)],
                actor=recruiter,
            )
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=mover, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    history = list(StageChange.objects.filter(application=application).order_by("at", "id"))
    # Each move starts where the previous one ended: no lost update, no fork in the history.
    for earlier, later in zip(history, history[1:], strict=False):
        assert later.from_stage_id == earlier.to_stage_id
    application.refresh_from_db()
    assert application.stage_id == history[-1].to_stage_id
    assert len(history) >= 2


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_connection_dropped_mid_request_fails_cleanly_and_next_request_works(monkeypatch):
    from candidates import signals

    application = ApplicationFactory()
    recruiter = application.job.owner
    target = application.job.stages()[2]
    client = Client()
    client.force_login(recruiter)

    def kill_my_connection(**kwargs):
        pid = connection.connection.info.backend_pid
        import psycopg2
        from django.conf import settings

        db = settings.DATABASES["default"]
        other = psycopg2.connect(
            dbname=connection.settings_dict["NAME"],
            user=db.get("USER") or None,
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
        )
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        other.close()

    signals.application_moved.connect(kill_my_connection, dispatch_uid="kill-test")
    try:
        before = StageChange.objects.count()
        response = client.post(reverse("candidates:move", args=[application.pk]), {"stage": target.pk})
        assert response.status_code == 503
    finally:
        signals.application_moved.disconnect(dispatch_uid="kill-test")
    connections.close_all()
    # Nothing half-written: the StageChange of the failed move was rolled back with it.
    assert StageChange.objects.count() == before
    application.refresh_from_db()
    assert application.stage_id != target.pk
    # The next request works on a fresh connection.
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_unknown_user_data_is_never_marked_safe_in_templates():
    import pathlib

    offenders = [
        str(path)
        for path in pathlib.Path("templates").rglob("*.html")
        if "|safe" in path.read_text() and "help_text|safe" not in path.read_text()
    ]
    assert not offenders, f"Templates marking data safe: {offenders}"


def test_enqueue_with_the_broker_down_gives_up_quickly_without_raising(monkeypatch):
    from celery import Celery

    from config.tasks import enqueue_now

    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # Celery prefers it to the argument
    down = Celery("broker-down", broker="redis://127.0.0.1:1/0")
    down.conf.broker_url = "redis://127.0.0.1:1/0"
    down.conf.broker_connection_timeout = 1
    down.conf.broker_connection_retry = False

    @down.task(name="tests.noop")
    def noop(value):
        return value

    started = time.monotonic()
    assert enqueue_now(noop, 1) is False
    assert time.monotonic() - started < 10
