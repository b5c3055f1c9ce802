"""Outbound webhooks, delivered over real HTTP to a receiver on loopback, verified with the
signature check published in docs/API.md."""

import contextlib
import json
import re
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from dashboard import webhooks_out
from dashboard.events import resume_scored, test_log_created
from dashboard.models import WebhookDelivery, WebhookEndpoint
from dashboard.tasks import deliver_webhook
from tests.factories import ResumeScoreFactory, TestLogFactory

pytestmark = pytest.mark.django_db

ALL_EVENTS = list(WebhookEndpoint.Event.values)


def docs_signature_verifier():
    """The verification function exactly as docs/API.md publishes it."""
    text = (Path(django_settings.BASE_DIR) / "docs" / "API.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    source = next(block for block in blocks if "def verify_hireboard_signature" in block)
    namespace: dict = {}
    exec(compile(source, "docs/API.md", "exec"), namespace)  # noqa: S102 -- our own documentation
    return namespace["verify_hireboard_signature"]


class Receiver:
    """A webhook receiver on 127.0.0.1 that records requests and answers `status`."""

    def __init__(self):
        self.requests = []
        self.status = 200
        self.statuses = []  # answered first, one per request, then `status`
        self.body = b"thanks"
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else receiver.status)
                self.end_headers()
                with contextlib.suppress(ConnectionError):  # the sender stopped reading (a size limit)
                    self.wfile.write(receiver.body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/hireboard"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def celery_retries_run(monkeypatch):
    """Eager tasks re-run on retry (without waiting) only when errors do not propagate."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


@pytest.fixture
def endpoint(world, receiver):
    endpoint, secret = webhooks_out.create_webhook_endpoint(
        org=world.org_a, actor=world.admin, url=receiver.url, events=ALL_EVENTS
    )
    endpoint.plain_secret = secret
    return endpoint


# --- registering endpoints ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost:8000/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "ftp://93.184.216.34/hook",
        "file:///etc/passwd",
        "http://user:secret@93.184.216.34/hook",
        "https:///nohost",
    ],
)
def test_unsafe_urls_are_refused_in_production(settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    with pytest.raises(ValidationError):
        webhooks_out.check_webhook_url(url)


def test_public_https_urls_are_accepted(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    webhooks_out.check_webhook_url("https://93.184.216.34/hook")


def test_admin_registers_an_endpoint_on_the_settings_page(world, client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    client.force_login(world.admin)
    assert client.get("/settings/webhooks/").status_code == 200
    refused = client.post("/settings/webhooks/", {"url": "http://127.0.0.1:9/x", "events": ["application.created"]})
    assert refused.status_code == 400
    assert "private network" in refused.content.decode()
    response = client.post(
        "/settings/webhooks/",
        {"url": "https://93.184.216.34/hook", "events": ["application.created", "test_log.created"]},
    )
    assert response.status_code == 200
    secret = response.context["new_secret"]
    assert secret.startswith("whsec_") and secret in response.content.decode()
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["application.created", "test_log.created"]
    assert secret not in endpoint.secret_encrypted
    assert webhooks_out.endpoint_secret(endpoint) == secret
    assert secret not in client.get(f"/settings/webhooks/{endpoint.pk}/").content.decode()


def test_webhook_settings_are_for_admins_of_the_org(world, client, endpoint):
    client.force_login(world.recruiter)
    assert client.get("/settings/webhooks/").status_code == 403
    assert client.post(f"/settings/webhooks/{endpoint.pk}/test/").status_code == 403
    client.force_login(world.b_admin)
    assert client.get(f"/settings/webhooks/{endpoint.pk}/").status_code == 404
    assert client.post(f"/settings/webhooks/{endpoint.pk}/delete/").status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_an_unknown_event_or_none_is_refused(world):
    with pytest.raises(ValidationError):
        webhooks_out.create_webhook_endpoint(org=world.org_a, actor=world.admin, url="https://93.184.216.34", events=[])
    with pytest.raises(ValidationError):
        webhooks_out.create_webhook_endpoint(
            org=world.org_a, actor=world.admin, url="https://93.184.216.34", events=["job.deleted"]
        )


# --- delivering --------------------------------------------------------------------------


def test_a_stage_move_is_delivered_signed(world, api_as, endpoint, receiver, django_capture_on_commit_callbacks):
    verify = docs_signature_verifier()
    interview = world.job_own.stages().get(name="Interview")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.recruiter).post(
            f"/api/v1/applications/{world.app_own.pk}/move", {"stage": interview.pk}, format="json"
        )
    assert response.status_code == 200
    [request] = receiver.requests
    headers, body = request["headers"], request["body"]
    assert headers["X-Hireboard-Event"] == "application.stage_changed"
    assert verify(endpoint.plain_secret, body, headers["X-Hireboard-Signature"])
    assert not verify("wrong-secret-wrong-secret", body, headers["X-Hireboard-Signature"])
    assert not verify(endpoint.plain_secret, body + b" ", headers["X-Hireboard-Signature"])
    event = json.loads(body)
    assert event["type"] == "application.stage_changed"
    assert event["id"] == headers["X-Hireboard-Delivery"]
    assert event["data"]["application"]["id"] == world.app_own.pk
    assert event["data"]["change"]["to_stage"]["name"] == "Interview"
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.response_status == 200 and delivery.attempts == 1


def test_the_docs_verifier_refuses_old_timestamps():
    verify = docs_signature_verifier()
    old = webhooks_out.sign(secret="s" * 20, timestamp=int(timezone.now().timestamp()) - 3600, body=b"{}")
    assert not verify("s" * 20, b"{}", old)
    assert not verify("s" * 20, b"{}", "garbage")


def test_events_follow_subscriptions(world, api_as, endpoint, receiver, django_capture_on_commit_callbacks):
    webhooks_out.update_webhook_endpoint(endpoint=endpoint, url=endpoint.url, events=["application.created"])
    client = api_as(world.recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/api/v1/candidates",
            {"name": "Hook", "email": "hook@example.org", "job_id": world.job_own.pk},
            format="json",
        )
        client.post(
            f"/api/v1/applications/{world.app_own.pk}/move",
            {"stage": world.job_own.stages().get(name="Offer").pk},
            format="json",
        )
    assert [json.loads(r["body"])["type"] for r in receiver.requests] == ["application.created"]
    assert json.loads(receiver.requests[0]["body"])["data"]["application"]["candidate"]["email"] == "hook@example.org"


def test_other_orgs_do_not_hear_our_events(world, api_as, endpoint, receiver, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api_as(world.b_admin).post(
            f"/api/v1/applications/{world.app_b.pk}/move",
            {"stage": world.job_b.stages().get(name="Offer").pk},
            format="json",
        )
    assert receiver.requests == []


def test_screening_events(world, api_as, endpoint, receiver, django_capture_on_commit_callbacks):
    # Sent by the screening services when they score a resume or store a result.
    score = ResumeScoreFactory(resume__application=world.app_own, resume__candidate=world.app_own.candidate)
    test_log = TestLogFactory(job=world.job_own, candidate=world.app_own.candidate, test_name="SQL")
    with django_capture_on_commit_callbacks(execute=True):
        resume_scored.send(sender=type(score.resume), resume=score.resume)
        test_log_created.send(sender=type(test_log), test_log=test_log)
    events = [json.loads(r["body"]) for r in receiver.requests]
    assert [event["type"] for event in events] == ["resume.scored", "test_log.created"]
    assert events[0]["data"]["resume"]["score"]["overall_score"] == 7.0
    assert events[1]["data"]["test_log"]["test_name"] == "SQL"


def test_screening_completed_event(world, endpoint, receiver, django_capture_on_commit_callbacks):
    from screening import services as screening_services
    from screening.models import Instrument

    instrument = Instrument.objects.get(slug="hireboard-big-five", version="1")
    with django_capture_on_commit_callbacks(execute=True):
        screening = screening_services.invite_to_screening(
            job=world.job_own, application=world.app_own, instrument=instrument, actor=world.recruiter
        )
    answers = {str(item.pk): 4 for item in instrument.items.all()}
    with django_capture_on_commit_callbacks(execute=True):
        screening_services.save_screening_answers(screening=screening, answers=answers, finish=True)
    [event] = [json.loads(r["body"]) for r in receiver.requests if "screening" in json.loads(r["body"])["type"]]
    assert event["type"] == "screening.completed"
    assert event["data"]["screening"]["id"] == screening.pk
    assert set(event["data"]["screening"]["trait_scores"]) >= {"openness", "conscientiousness"}


def test_send_test_event_button_and_delivery_log(world, client, endpoint, receiver, django_capture_on_commit_callbacks):
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/settings/webhooks/{endpoint.pk}/test/")
    assert response.status_code == 302
    [request] = receiver.requests
    assert request["headers"]["X-Hireboard-Event"] == "webhook.test"
    page = client.get(f"/settings/webhooks/{endpoint.pk}/").content.decode()
    assert "webhook.test" in page and "Delivered" in page and ">200<" in page


def test_failures_are_retried_by_celery_then_the_endpoint_is_disabled_and_admins_told(
    world, endpoint, receiver, settings, celery_retries_run, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    receiver.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        webhooks_out.send_test_event(endpoint=endpoint)
    # Celery's autoretry re-ran the task (eagerly here) until the endpoint was switched off.
    assert len(receiver.requests) == 3
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.response_status == 500 and delivery.attempts == 3
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "3 failed deliveries" in endpoint.disabled_reason
    [notice] = mail.outbox
    assert notice.to == [world.admin.email] and endpoint.url in notice.subject
    # Nothing more is sent to a disabled endpoint until an admin enables it again.
    with django_capture_on_commit_callbacks(execute=True):
        webhooks_out.queue_event(org_id=world.org_a.pk, event_type="application.created", data={})
    assert len(receiver.requests) == 3
    webhooks_out.set_webhook_endpoint_active(endpoint=endpoint, active=True)
    receiver.status = 204
    with django_capture_on_commit_callbacks(execute=True):
        webhooks_out.send_test_event(endpoint=endpoint)
    assert len(receiver.requests) == 4
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


def test_a_recovering_receiver_gets_the_event_on_a_retry(
    world, endpoint, receiver, celery_retries_run, django_capture_on_commit_callbacks
):
    receiver.statuses = [503, 502]
    with django_capture_on_commit_callbacks(execute=True):
        delivery = webhooks_out.send_test_event(endpoint=endpoint)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts == 3 and delivery.response_status == 200
    assert len({r["headers"]["X-Hireboard-Delivery"] for r in receiver.requests}) == 1
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0 and endpoint.is_active


def test_retries_back_off_exponentially_up_to_an_hour(world, endpoint, receiver, monkeypatch):
    from celery.exceptions import Retry

    receiver.status = 500
    countdowns = []

    def record_retry(*args, countdown=None, **kwargs):
        countdowns.append(countdown)
        return Retry(when=countdown)

    monkeypatch.setattr(deliver_webhook, "retry", record_retry)
    monkeypatch.setattr("dashboard.tasks.get_exponential_backoff_interval", _no_jitter_backoff)
    delivery = webhooks_out.send_test_event(endpoint=endpoint)
    for retries in (0, 3, 10):
        with pytest.raises(Retry):
            deliver_webhook.apply(args=[delivery.pk], retries=retries, throw=True)
    assert countdowns == [60, 480, 3600]


def _no_jitter_backoff(*, factor, retries, maximum, full_jitter):
    from celery.utils.time import get_exponential_backoff_interval

    assert full_jitter is True
    return get_exponential_backoff_interval(factor=factor, retries=retries, maximum=maximum, full_jitter=False)


def test_deliveries_give_up_after_24_hours(world, endpoint, receiver):
    delivery = webhooks_out.send_test_event(endpoint=endpoint)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(created_at=timezone.now() - timedelta(hours=25))
    deliver_webhook.delay(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED and "24 hours" in delivery.error
    assert receiver.requests == []


def test_a_delivery_is_sent_once_even_if_the_task_runs_twice(world, endpoint, receiver):
    delivery = webhooks_out.send_test_event(endpoint=endpoint)
    deliver_webhook.delay(delivery.pk)
    deliver_webhook.delay(delivery.pk)
    assert len(receiver.requests) == 1


def test_urls_are_checked_again_at_delivery(world, endpoint, receiver, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    delivery = webhooks_out.send_test_event(endpoint=endpoint)
    with pytest.raises(webhooks_out.DeliveryFailed):
        webhooks_out.attempt_delivery(delivery=delivery)
    delivery.refresh_from_db()
    assert "private network" in delivery.error
    assert receiver.requests == []


def test_a_secret_that_cannot_be_decrypted_fails_the_delivery_cleanly(world, endpoint, receiver):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(secret_encrypted="not-a-fernet-token")
    delivery = webhooks_out.send_test_event(endpoint=endpoint)
    deliver_webhook.delay(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED and "decrypted" in delivery.error
    assert receiver.requests == []


def test_admin_edits_disables_enables_and_deletes_an_endpoint(world, client, endpoint):
    client.force_login(world.admin)
    page = f"/settings/webhooks/{endpoint.pk}/"
    response = client.post(page, {"url": endpoint.url, "events": ["resume.scored"], "description": "CRM"})
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.events == ["resume.scored"] and endpoint.description == "CRM"
    assert client.post(page, {"url": "ftp://x", "events": ["resume.scored"]}).status_code == 400
    client.post(f"{page}active/", {"active": "0"})
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_reason == "Disabled by an admin."
    assert "Enable again" in client.get(page).content.decode()
    client.post(f"{page}active/", {"active": "1"})
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.disabled_at is None
    assert client.post(f"{page}delete/").status_code == 302
    assert not WebhookEndpoint.objects.exists()


def test_screening_services_announce_scores_and_results_end_to_end(
    world, api_as, endpoint, receiver, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.api.test_resumes import RESUME_TEXT

    client = api_as(world.recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/api/v1/jobs/{world.job_own.pk}/resumes",
            {"file": SimpleUploadedFile("cv.txt", RESUME_TEXT), "candidate_id": world.app_own.candidate_id},
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/api/v1/test-logs",
            {"candidate_id": world.app_own.candidate_id, "job_id": world.job_own.pk, "test_name": "SQL", "score": 7},
            format="json",
        )
    events = {json.loads(r["body"])["type"]: json.loads(r["body"])["data"] for r in receiver.requests}
    assert events["resume.scored"]["resume"]["status"] == "parsed"
    assert events["resume.scored"]["resume"]["score"]["overall_score"] >= 0
    assert events["test_log.created"]["test_log"]["test_name"] == "SQL"


def test_deliveries_that_never_reached_a_worker_are_sent_by_the_sweep(world, endpoint, receiver):
    from dashboard.tasks import redeliver_stuck_webhooks

    # Created without its on-commit enqueue (as if the broker was down at commit time).
    lost = webhooks_out.send_test_event(endpoint=endpoint)
    fresh = webhooks_out.send_test_event(endpoint=endpoint)
    WebhookDelivery.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    redeliver_stuck_webhooks.delay()
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == WebhookDelivery.Status.SUCCEEDED
    assert fresh.status == WebhookDelivery.Status.PENDING  # its own task may still be on its way
    assert len(receiver.requests) == 1


def test_a_broker_outage_at_commit_does_not_fail_the_move(
    world, api_as, endpoint, monkeypatch, django_capture_on_commit_callbacks
):
    from dashboard.tasks import deliver_webhook

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(deliver_webhook, "apply_async", broker_down)
    interview = world.job_own.stages().get(name="Interview")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = api_as(world.recruiter).post(
            f"/api/v1/applications/{world.app_own.pk}/move", {"stage": interview.pk}, format="json"
        )
    assert callbacks
    assert response.status_code == 200
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.PENDING


def test_a_huge_answer_is_read_only_as_far_as_the_log_needs(
    world, endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.body = b"x" * 5_000_000
    with django_capture_on_commit_callbacks(execute=True):
        delivery = webhooks_out.send_test_event(endpoint=endpoint)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert len(delivery.response_body) == webhooks_out.RESPONSE_EXCERPT_CHARS


def test_endpoints_per_org_are_limited(world, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    for n in range(webhooks_out.MAX_ENDPOINTS_PER_ORG):
        webhooks_out.create_webhook_endpoint(
            org=world.org_a, actor=world.admin, url=f"http://127.0.0.1/{n}", events=ALL_EVENTS
        )
    with pytest.raises(ValidationError):
        webhooks_out.create_webhook_endpoint(
            org=world.org_a, actor=world.admin, url="http://127.0.0.1/x", events=ALL_EVENTS
        )
