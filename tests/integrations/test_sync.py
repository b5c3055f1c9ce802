"""The outbox against a sandbox over real HTTP: delivery, ordering, coalescing, faults."""

from __future__ import annotations

import pytest

from integrations import services
from integrations.models import ApplicationLink, SyncEvent

pytestmark = pytest.mark.django_db


def events(application):
    return list(SyncEvent.objects.unscoped().filter(application=application).order_by("sequence"))


def test_import_links_jobs_and_prefills_stage_mappings(linked):
    from integrations.models import StageMapping

    assert len(linked.links) == 2
    mappings = StageMapping.objects.unscoped().filter(job_link=linked.links[0]).select_related("stage")
    by_name = {m.stage.name: m.remote_stage_id for m in mappings}
    assert by_name["Interview"] == "interview"
    assert by_name["Rejected"] == ""  # rejection is a disqualify, not a stage


def test_reimport_updates_without_duplicating(linked):
    from integrations.models import JobLink
    from jobs.models import Job

    before = Job.objects.unscoped().count()
    linked.links[0].job.title = "Renamed locally"
    linked.links[0].job.save()
    result = services.import_jobs(
        connection=linked.connection, actor=linked.world.admin, remote_ids=[link.remote_id for link in linked.links]
    )
    assert (result.created, result.updated) == (0, 2)
    assert Job.objects.unscoped().count() == before
    assert JobLink.objects.unscoped().get(pk=linked.links[0].pk).job.title == "Sandbox role 1"


def test_application_and_moves_are_delivered_in_order(linked, outbox):
    application = linked.apply()
    linked.move(application, "Resume Screening")
    outbox.drain()
    assert [e.status for e in events(application)] == ["delivered", "delivered"]
    assert linked.remote_stage_name(application) == "Resume Screening"
    assert linked.running.app.stats()["applications_created"] == 1


def test_unlinked_job_writes_no_event(linked, outbox):
    from tests.factories import JobFactory

    other = JobFactory(org=linked.world.org_a, owner=linked.world.admin)
    application = linked.apply(job=other)
    assert events(application) == []


def test_five_quick_moves_end_at_the_last_stage(linked, outbox):
    application = linked.apply()
    outbox.drain()
    for stage in ["Resume Screening", "Assessment", "Personality Screening", "Interview", "Offer"]:
        linked.move(application, stage)
    outbox.drain()
    statuses = [e.status for e in events(application)]
    assert statuses[-1] == "delivered"
    assert statuses.count("skipped") == 4  # superseded before they were sent
    remote = linked.remote(application)
    assert linked.remote_stage_name(application) == "Offer"
    assert remote["moves"] == ["offer"]


def test_rejection_disqualifies_with_the_reason_and_notes_follow(linked, outbox):
    from candidates import services as candidate_services

    application = linked.apply()
    linked.move(application, "Rejected", reason="Withdrew from the process")
    candidate_services.add_note(
        candidate=application.candidate, author=linked.world.admin, body="Call back in spring", application=application
    )
    outbox.drain()
    remote = linked.remote(application)
    assert remote["disqualified"] and remote["disqualify_note"] == "Withdrew from the process"
    assert remote["notes"] == ["Call back in spring"]


def test_unmapped_stage_fails_permanently_with_a_clear_message(linked, outbox):
    from integrations.models import StageMapping

    StageMapping.objects.unscoped().filter(job_link=linked.links[0], stage__name="Offer").update(remote_stage_id="")
    application = linked.apply()
    linked.move(application, "Offer")
    outbox.drain()
    failed = events(application)[-1]
    assert failed.status == "failed" and "not mapped" in failed.last_error


def test_permanent_provider_error_keeps_the_providers_message_and_retry_works(linked, outbox):
    from integrations.models import StageMapping

    StageMapping.objects.unscoped().filter(job_link=linked.links[0], stage__name="Offer").update(
        remote_stage_id="no-such-stage"
    )
    application = linked.apply()
    linked.move(application, "Offer")
    outbox.drain()
    failed = events(application)[-1]
    assert failed.status == "failed" and "unknown stage no-such-stage" in failed.last_error
    StageMapping.objects.unscoped().filter(job_link=linked.links[0], stage__name="Offer").update(
        remote_stage_id="offer"
    )
    assert services.retry_failed_events(connection=linked.connection, actor=linked.world.admin) == 1
    outbox.drain()
    assert events(application)[-1].status == "delivered"
    assert linked.remote_stage_name(application) == "Offer"


def test_broker_down_at_commit_then_the_sweep_delivers(linked, outbox):
    outbox.broker_up = False
    application = linked.apply()
    linked.move(application, "Interview")
    assert outbox.enqueued == []
    assert all(e.status == "pending" for e in events(application))
    outbox.broker_up = True
    assert services.sweep_stale_events() == 0  # not stale yet: it may still be in flight
    outbox.drain()
    assert linked.remote_stage_name(application) == "Interview"


def test_worker_killed_mid_delivery_never_duplicates(linked, outbox):
    application = linked.apply()
    outbox.drain()
    linked.move(application, "Interview")
    event = events(application)[-1]
    # A worker claims the event, the ATS applies the move, then the worker dies.
    outcome, claimed = services._claim(event.pk, "worker-that-dies")
    assert outcome == "claimed"
    link = ApplicationLink.objects.unscoped().get(application=application)
    services.provider_for(linked.connection).move_application(application=services._ref(link), stage_id="interview")
    # A different worker cannot steal it while the lease runs...
    assert services.deliver_event(event_id=event.pk, worker_id="another-worker") == "busy"
    # ...acks-late redelivers the same message (same task id) to a live worker:
    assert services.deliver_event(event_id=event.pk, worker_id="worker-that-dies") == "delivered"
    assert linked.remote(application)["moves"] == ["interview"]  # checked, not re-sent


def test_expired_lease_is_swept_and_delivered_once(linked, outbox):
    from datetime import timedelta

    from django.utils import timezone

    application = linked.apply()
    outbox.drain()
    linked.move(application, "Offer")
    event = events(application)[-1]
    services._claim(event.pk, "dead-worker")
    SyncEvent.objects.unscoped().filter(pk=event.pk).update(claimed_at=timezone.now() - timedelta(minutes=5))
    outbox.enqueued.clear()
    outbox.drain()
    assert events(application)[-1].status == "delivered"
    assert linked.remote(application)["moves"] == ["offer"]


def test_twenty_percent_server_errors_still_deliver_everything_once(linked, outbox):
    linked.running.app.configure(fail_rate=0.2)
    applications = [linked.apply(email=f"c{n}@example.test", name=f"Candidate {n}") for n in range(8)]
    for n, application in enumerate(applications):
        linked.move(application, ["Assessment", "Interview", "Offer"][n % 3])
    outbox.drain(timeout=120)
    assert outbox.retryable_errors > 0
    for n, application in enumerate(applications):
        assert linked.remote_stage_name(application) == ["Assessment", "Interview", "Offer"][n % 3]
        assert len(linked.remote(application)["moves"]) == 1
    assert linked.running.app.stats()["applications_created"] == 8


def test_429_storm_is_waited_out_with_retry_after(linked, outbox):
    application = linked.apply()
    outbox.drain()
    linked.running.app.configure(storm_seconds=1.5)
    linked.move(application, "Interview")
    outbox.drain(max_sleep=2)
    assert outbox.retryable_errors >= 1
    assert linked.remote(application)["moves"] == ["interview"]
    assert "429" in events(application)[-1].last_error or events(application)[-1].status == "delivered"


def test_timeouts_after_the_effect_do_not_duplicate(linked, outbox):
    application = linked.apply()
    outbox.drain()
    linked.running.app.configure(timeout_rate=1.0, hang_seconds=1.2, hang_after_effect=True)
    linked.move(application, "Interview")
    with pytest.raises(Exception, match="timed out"):
        services.deliver_event(event_id=events(application)[-1].pk, worker_id="w", timeout=(0.5, 0.5))
    linked.running.app.configure(timeout_rate=0.0)
    outbox.enqueued.clear()
    outbox.drain()
    assert linked.remote(application)["moves"] == ["interview"]  # the second attempt only checked


def test_downtime_then_recovery(linked, outbox):
    application = linked.apply()
    outbox.drain()
    linked.running.app.configure(down_seconds=1.0)
    linked.move(application, "Offer")
    outbox.drain(max_sleep=0.3)
    assert linked.remote_stage_name(application) == "Offer"
    assert linked.running.app.stats()["dropped"] >= 1


def test_paused_connection_writes_no_events(linked, outbox):
    services.set_connection_status(connection=linked.connection, active=False, actor=linked.world.admin)
    application = linked.apply()
    assert events(application) == []


def test_sweep_and_pull_tasks_run(linked, outbox):
    from datetime import timedelta

    from django.utils import timezone

    from integrations.tasks import pull_remote_changes, sweep_sync_events

    outbox.broker_up = False
    application = linked.apply()
    SyncEvent.objects.unscoped().filter(application=application).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    outbox.broker_up = True
    assert sweep_sync_events.apply().get() == 1
    assert outbox.enqueued
    outbox.drain()
    remote = linked.remote(application)
    stages = linked.running.app.store.stages[remote["job_id"]]
    linked.running.app.remote_move(remote["id"], next(s["id"] for s in stages if s["name"] == "Assessment"))
    assert pull_remote_changes.apply().get() == 1
    application.refresh_from_db()
    assert application.stage.name == "Assessment"


def test_chaos_every_remote_stage_equals_the_local_one(linked, outbox):
    """Random moves under 20 % 5xx, a 429 storm, hung requests and a downtime window."""
    import random

    from integrations.models import StageMapping

    rng = random.Random(5)
    names = ["Resume Screening", "Assessment", "Personality Screening", "Interview", "Offer"]
    applications = [linked.apply(email=f"x{n}@example.test", name=f"Chaos {n}") for n in range(6)]
    linked.running.app.configure(fail_rate=0.2, timeout_rate=0.05, hang_seconds=1.2)
    for round_number in range(4):
        for application in applications:
            linked.move(application, rng.choice(names))
        if round_number == 1:
            linked.running.app.configure(storm_seconds=1)
        if round_number == 2:
            linked.running.app.configure(down_seconds=0.5)
        outbox.drain(timeout=120, max_sleep=1.5)
    mapping = {m.stage_id: m.remote_stage_id for m in StageMapping.objects.unscoped().filter(job_link=linked.links[0])}
    for application in applications:
        application.refresh_from_db()
        remote = linked.remote(application)
        assert remote["stage_id"] == mapping[application.stage_id]
        sent = [e for e in events(application) if e.kind == "stage_moved" and e.status == "delivered"]
        assert len(remote["moves"]) <= len(sent)  # never more moves than delivered events
    assert not SyncEvent.objects.unscoped().filter(status__in=["pending", "delivering", "failed"]).exists()
