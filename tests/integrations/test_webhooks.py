"""Inbound webhooks: signatures the provider's way, replay window, duplicates, echoes,
and the periodic pull for a provider without webhooks. Bodies are what the sandboxes
really sent; they are replayed into the view with the test client."""

from __future__ import annotations

import json
import time

import pytest
from django.urls import reverse

from candidates.models import StageChange
from integrations import services
from integrations.models import ApplicationLink, SyncEvent, WebhookEvent
from integrations.providers import lever as lever_provider
from tests.integrations.conftest import WEBHOOK_SECRET, link_sandbox

pytestmark = pytest.mark.django_db


def post(client, connection, body: bytes, headers: dict[str, str]):
    url = reverse("integrations:webhook", args=[connection.provider, connection.webhook_token])
    extra = {
        f"HTTP_{name.upper().replace('-', '_')}": value
        for name, value in headers.items()
        if name.lower() != "content-type"
    }
    return client.post(url, data=body, content_type=headers.get("Content-Type", "application/json"), **extra)


def remote_move(linked, receiver, application, stage_name):
    app = linked.running.app
    app.webhook_url, app.webhook_secret = receiver.url, WEBHOOK_SECRET
    state = linked.remote(application)
    stage_id = next(s["id"] for s in app.store.stages[state["job_id"]] if s["name"] == stage_name)
    app.remote_move(state["id"], stage_id)
    app.wait_for_webhooks()
    headers, body = receiver.received[-1]
    return body, headers


@pytest.fixture
def synced_application(linked, outbox):
    application = linked.apply()
    outbox.drain()
    return application


def test_remote_move_moves_the_local_card_and_is_not_sent_back(
    client, linked, synced_application, receiver, outbox, django_capture_on_commit_callbacks
):
    body, headers = remote_move(linked, receiver, synced_application, "Interview")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, linked.connection, body, headers)
    assert response.status_code == 200 and response.json() == {"received": True, "duplicate": False}
    synced_application.refresh_from_db()
    assert synced_application.stage.name == "Interview"
    change = StageChange.objects.unscoped().filter(application=synced_application).latest("at")
    assert change.source == StageChange.Source.WEBHOOK and change.actor is None
    assert (
        not SyncEvent.objects.unscoped()
        .filter(application=synced_application, kind=SyncEvent.Kind.STAGE_MOVED)
        .exists()
    )
    assert WebhookEvent.objects.unscoped().get().result == "moved"


def test_bad_signature_is_refused(client, linked, synced_application, receiver):
    body, headers = remote_move(linked, receiver, synced_application, "Interview")
    response = post(client, linked.connection, body, dict(headers, **{"X-Workable-Signature": "0" * 64}))
    assert response.status_code == 401
    assert post(client, linked.connection, body.replace(b"Interview", b"Offer"), headers).status_code == 401
    assert not WebhookEvent.objects.unscoped().exists()


def test_missing_secret_is_forbidden(client, linked, synced_application, receiver):
    body, headers = remote_move(linked, receiver, synced_application, "Interview")
    linked.connection.webhook_secret = ""
    credentials = linked.connection.credentials
    credentials["token"] = ""
    linked.connection.credentials = credentials
    linked.connection.save()
    assert post(client, linked.connection, body, headers).status_code == 403


def test_unknown_endpoint_and_wrong_method(client, linked):
    assert (
        client.post(
            reverse("integrations:webhook", args=["workable", "nope"]), data=b"{}", content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("integrations:webhook", args=["workable", linked.connection.webhook_token])).status_code
        == 405
    )


def test_replay_outside_the_window_is_refused(client, linked, synced_application, receiver):
    from integrations.providers.workable import sign_webhook

    body, headers = remote_move(linked, receiver, synced_application, "Interview")
    payload = json.loads(body)
    payload["fired_at"] = "2020-01-01T00:00:00Z"
    old = json.dumps(payload).encode()
    response = post(client, linked.connection, old, {"X-Workable-Signature": sign_webhook(WEBHOOK_SECRET, old)})
    assert response.status_code == 400 and "replay" in response.json()["error"]


def test_duplicate_event_is_ignored(client, linked, synced_application, receiver, django_capture_on_commit_callbacks):
    body, headers = remote_move(linked, receiver, synced_application, "Interview")
    with django_capture_on_commit_callbacks(execute=True):
        first = post(client, linked.connection, body, headers)
        second = post(client, linked.connection, body, headers)
    assert first.json()["duplicate"] is False and second.json()["duplicate"] is True
    assert WebhookEvent.objects.unscoped().count() == 1
    assert StageChange.objects.unscoped().filter(application=synced_application, source="webhook").count() == 1


def test_echo_of_our_own_move_changes_nothing(
    client, linked, synced_application, receiver, outbox, django_capture_on_commit_callbacks
):
    linked.running.app.webhook_url, linked.running.app.webhook_secret = receiver.url, WEBHOOK_SECRET
    linked.move(synced_application, "Offer")
    outbox.drain()
    linked.running.app.wait_for_webhooks()
    headers, body = receiver.received[-1]
    assert json.loads(body)["event_type"] == "candidate_moved"
    changes_before = StageChange.objects.unscoped().filter(application=synced_application).count()
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, linked.connection, body, headers).status_code == 200
    assert StageChange.objects.unscoped().filter(application=synced_application).count() == changes_before
    assert WebhookEvent.objects.unscoped().get().result == "no change"


def test_stale_webhook_cannot_move_the_card_back(
    client, linked, synced_application, receiver, outbox, django_capture_on_commit_callbacks
):
    body, headers = remote_move(linked, receiver, synced_application, "Assessment")
    remote_move(linked, receiver, synced_application, "Offer")
    # the older delivery arrives last: processing reads the current remote state
    with django_capture_on_commit_callbacks(execute=True):
        post(client, linked.connection, body, headers)
    synced_application.refresh_from_db()
    assert synced_application.stage.name == "Offer"


def test_remote_disqualification_rejects_locally(linked, synced_application):
    state = linked.remote(synced_application)
    linked.running.app.disqualify(state["id"], reason_id=linked.running.app.store.reasons[0]["id"])
    link = ApplicationLink.objects.unscoped().get(application=synced_application)
    remote_state = services.provider_for(linked.connection).get_application(services._ref(link))
    assert services.apply_remote_state(connection=linked.connection, state=remote_state, source="webhook") == "moved"
    synced_application.refresh_from_db()
    assert synced_application.stage.kind == "rejected"


def test_greenhouse_signed_webhook_moves_the_card(
    client, org_world, run_sandbox, receiver, outbox, django_capture_on_commit_callbacks
):
    linked = link_sandbox(org_world, run_sandbox("greenhouse", rate_limit=0))
    application = linked.apply()
    outbox.drain()
    body, headers = remote_move(linked, receiver, application, "Interview")
    assert post(client, linked.connection, body, {"Signature": "sha256 " + "0" * 64}).status_code == 401
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, linked.connection, body, headers).status_code == 200
    application.refresh_from_db()
    assert application.stage.name == "Interview"


def test_lever_signature_lives_in_the_body_and_old_events_are_refused(
    client, org_world, run_sandbox, receiver, outbox, django_capture_on_commit_callbacks
):
    linked = link_sandbox(org_world, run_sandbox("lever", rate_limit=0))
    application = linked.apply()
    outbox.drain()
    body, headers = remote_move(linked, receiver, application, "Offer")
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, linked.connection, body, headers).status_code == 200
    application.refresh_from_db()
    assert application.stage.name == "Offer"
    payload = json.loads(body)
    payload["triggeredAt"] = int((time.time() - 3600) * 1000)
    payload["token"] = "fresh-token"
    payload["signature"] = lever_provider.sign_webhook(WEBHOOK_SECRET, payload["token"], payload["triggeredAt"])
    assert post(client, linked.connection, json.dumps(payload).encode(), {}).status_code == 400


def test_zoho_shared_token_webhook(
    client, org_world, run_sandbox, receiver, outbox, django_capture_on_commit_callbacks
):
    linked = link_sandbox(org_world, run_sandbox("zoho"))
    application = linked.apply()
    outbox.drain()
    body, headers = remote_move(linked, receiver, application, "Interview")
    bad = body.replace(WEBHOOK_SECRET.encode(), b"guessed")
    assert post(client, linked.connection, bad, headers).status_code == 401
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, linked.connection, body, headers).status_code == 200
    application.refresh_from_db()
    assert application.stage.name == "Interview"


def test_skailer_changes_are_pulled(org_world, run_sandbox, outbox):
    linked = link_sandbox(org_world, run_sandbox("skailer"))
    application = linked.apply()
    linked.move(application, "Assessment")
    outbox.drain()
    assert linked.remote_stage_name(application) == "Assessment"
    state = linked.remote(application)
    offer = next(s["id"] for s in linked.running.app.store.stages[state["job_id"]] if s["name"] == "Offer")
    linked.running.app.remote_move(state["id"], offer)
    assert services.pull_remote_changes(connection=linked.connection) == 1
    application.refresh_from_db()
    assert application.stage.name == "Offer"
    assert StageChange.objects.unscoped().filter(application=application).latest("at").source == "ats"
    assert services.pull_remote_changes(connection=linked.connection) == 0  # nothing new: no echo


def test_body_size_limit(client, linked):
    url = reverse("integrations:webhook", args=["workable", linked.connection.webhook_token])
    assert client.post(url, data=b"x" * (300 * 1024), content_type="application/json").status_code == 413
