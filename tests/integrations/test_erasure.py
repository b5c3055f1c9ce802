"""A candidate's erasure reaches the ATS through the outbox, over real HTTP to the sandboxes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from candidates.privacy import erase_candidate
from dashboard.audit.models import AuditEvent
from integrations import services
from integrations.models import SyncEvent
from integrations.providers.base import RetryableError
from tests.integrations.conftest import link_sandbox

pytestmark = pytest.mark.django_db


def erasure_events(candidate):
    return list(
        SyncEvent.objects.unscoped()
        .filter(application__candidate=candidate, kind=SyncEvent.Kind.CANDIDATE_ERASED)
        .order_by("pk")
    )


def remote_audit(candidate):
    return [
        event.details
        for event in AuditEvent.objects.unscoped()
        .filter(action=AuditEvent.Action.CANDIDATE_ERASED, target_id=str(candidate.pk))
        .order_by("pk")
        if "ats" in event.details
    ]


def remote_candidate_id(application):
    from integrations.models import ApplicationLink

    return ApplicationLink.objects.unscoped().get(application=application).remote_candidate_id


def synced_application(linked, outbox, email="ada@example.test"):
    application = linked.apply(email=email)
    linked.move(application, "Resume Screening")
    outbox.drain()
    return application


def test_greenhouse_candidate_is_anonymised_remotely(org_world, run_sandbox, outbox):
    linked = link_sandbox(org_world, run_sandbox("greenhouse", rate_limit=0))
    application = synced_application(linked, outbox)
    remote_id = remote_candidate_id(application)
    store = linked.running.app.store
    assert store.candidates[remote_id]["email"] == "ada@example.test"

    erase_candidate(candidate=application.candidate, actor=org_world.admin)
    outbox.drain()

    [event] = erasure_events(application.candidate)
    assert (event.status, event.payload) == ("delivered", {"remote_candidate_id": remote_id})
    remote = store.candidates[remote_id]
    assert remote["first_name"] == "Anonymized" and remote["last_name"] == remote_id
    assert remote["email"] == "" and remote["attachments"] == []
    assert "notes" in remote["anonymized_fields"]
    assert remote_audit(application.candidate) == [
        {"ats": "greenhouse", "remote_candidate_id": remote_id, "outcome": "erased", "message": ""}
    ]


def test_zoho_candidate_is_deleted_remotely(org_world, run_sandbox, outbox):
    linked = link_sandbox(org_world, run_sandbox("zoho", rate_limit=0))
    application = synced_application(linked, outbox)
    other = synced_application(linked, outbox, email="grace@example.test")
    store = linked.running.app.store
    remote_id = remote_candidate_id(application)
    assert remote_id in store.candidates

    erase_candidate(candidate=application.candidate, actor=None)
    outbox.drain()

    [event] = erasure_events(application.candidate)
    assert event.status == "delivered"
    assert remote_id not in store.candidates
    assert not [app for app in store.applications.values() if app.candidate_id == remote_id]
    assert linked.remote(other)["candidate_id"] in store.candidates, "only the erased person goes"
    assert remote_audit(application.candidate)[0]["outcome"] == "erased"


def test_zoho_candidate_already_gone_is_recorded_as_such(org_world, run_sandbox, outbox):
    linked = link_sandbox(org_world, run_sandbox("zoho", rate_limit=0))
    application = synced_application(linked, outbox)
    remote_id = remote_candidate_id(application)
    linked.running.app.store.candidates.pop(remote_id)  # deleted in Zoho by someone

    erase_candidate(candidate=application.candidate, actor=org_world.admin)
    outbox.drain()

    [event] = erasure_events(application.candidate)
    assert event.status == "delivered" and f"no longer has candidate {remote_id}" in event.last_error
    assert remote_audit(application.candidate)[0]["outcome"] == "already_absent"


def test_workable_erasure_is_skipped_with_instructions_on_the_health_page(client, org_world, run_sandbox, outbox):
    linked = link_sandbox(org_world, run_sandbox("workable", rate_limit=0))
    application = synced_application(linked, outbox)
    remote_id = remote_candidate_id(application)
    requests_before = linked.running.app.stats()["requests"]

    erase_candidate(candidate=application.candidate, actor=org_world.admin)
    outbox.drain()

    [event] = erasure_events(application.candidate)
    assert event.status == "skipped"
    assert event.last_error.startswith("Workable has no erasure API: erase the candidate in Workable by hand")
    assert remote_id in event.last_error
    assert linked.running.app.stats()["requests"] == requests_before, "nothing was sent"
    assert remote_audit(application.candidate)[0]["outcome"] == "not_supported"

    client.force_login(org_world.admin)
    page = client.get(reverse("integrations:health")).content.decode()
    assert "Erasures to do by hand in Workable" in page and "Workable has no erasure API" in page


def test_candidate_without_links_writes_no_event(linked, outbox):
    from tests.factories import JobFactory

    unlinked_job = JobFactory(org=linked.world.org_a, owner=linked.world.admin)
    application = linked.apply(job=unlinked_job)
    erase_candidate(candidate=application.candidate, actor=linked.world.admin)
    assert erasure_events(application.candidate) == []
    assert remote_audit(application.candidate) == []


def test_server_errors_are_retried_by_the_outbox(org_world, run_sandbox, outbox):
    linked = link_sandbox(org_world, run_sandbox("greenhouse", rate_limit=0))
    application = synced_application(linked, outbox)
    remote_id = remote_candidate_id(application)

    erase_candidate(candidate=application.candidate, actor=org_world.admin)
    [event] = erasure_events(application.candidate)
    linked.running.app.configure(fail_rate=1.0)
    with pytest.raises(RetryableError):
        services.deliver_event(event_id=event.pk, worker_id="test-worker", timeout=(0.5, 1.0))
    event.refresh_from_db()
    assert event.status == "pending" and event.attempts == 1 and "HTTP 5" in event.last_error
    assert linked.running.app.store.candidates[remote_id]["first_name"] != "Anonymized"
    assert remote_audit(application.candidate) == [], "no outcome while it is still being retried"

    linked.running.app.reset_faults()
    outbox.drain()
    event.refresh_from_db()
    assert event.status == "delivered" and event.attempts == 2
    assert linked.running.app.store.candidates[remote_id]["first_name"] == "Anonymized"
    assert [entry["outcome"] for entry in remote_audit(application.candidate)] == ["erased"]


def test_queued_events_of_the_person_are_not_sent_after_the_erasure(org_world, run_sandbox, outbox):
    from candidates import services as candidate_services

    linked = link_sandbox(org_world, run_sandbox("greenhouse", rate_limit=0))
    application = synced_application(linked, outbox)
    # The note and the rejection are still queued (the drain below is the first delivery).
    candidate_services.add_note(
        candidate=application.candidate, author=org_world.admin, body="Private remark", application=application
    )
    linked.move(application, "Rejected", reason="Salary expectations")

    erase_candidate(candidate=application.candidate, actor=org_world.admin)
    outbox.drain()

    events = list(SyncEvent.objects.unscoped().filter(application=application).order_by("sequence"))
    assert [(e.kind, e.status) for e in events[-3:]] == [
        ("note_added", "skipped"),
        ("rejected", "skipped"),
        ("candidate_erased", "delivered"),
    ]
    assert all("body" not in e.payload and "reason" not in e.payload for e in events)
    assert linked.remote(application)["notes"] == []
    # Later moves of the anonymous application stay local.
    linked.move(application, "Interview")
    assert SyncEvent.objects.unscoped().filter(application=application).count() == len(events)


def test_erasing_twice_sends_once(org_world, run_sandbox, outbox):
    linked = link_sandbox(org_world, run_sandbox("greenhouse", rate_limit=0))
    application = synced_application(linked, outbox)
    for _ in range(2):
        erase_candidate(candidate=application.candidate, actor=org_world.admin)
        outbox.drain()
    assert len(erasure_events(application.candidate)) == 1
    assert linked.running.app.stats()["candidates_anonymized"] == 1
