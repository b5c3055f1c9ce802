import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from candidates.models import Application, Candidate
from dashboard.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


def _apply(client, key, email="retry@example.org", **extra):
    payload = {"name": "Retry Person", "email": email, "job_id": extra.pop("job_id")}
    return client.post("/api/v1/candidates", payload, format="json", HTTP_IDEMPOTENCY_KEY=key, **extra)


def test_a_retry_returns_the_first_result_and_creates_nothing(world, api_as):
    client = api_as(world.recruiter)
    first = _apply(client, "key-1", job_id=world.job_own.pk)
    assert first.status_code == 201
    retry = _apply(client, "key-1", job_id=world.job_own.pk)
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert Candidate.objects.filter(email="retry@example.org").count() == 1
    assert Application.objects.filter(candidate__email="retry@example.org").count() == 1


def test_a_new_key_is_a_new_request(world, api_as):
    client = api_as(world.recruiter)
    _apply(client, "key-1", job_id=world.job_own.pk)
    second = _apply(client, "key-2", job_id=world.job_own.pk)
    # Same person again without a key match: the service updates them (200), still one row.
    assert second.status_code == 200
    assert "Idempotent-Replayed" not in second


def test_reusing_a_key_for_another_request_is_a_422(world, api_as):
    client = api_as(world.recruiter)
    _apply(client, "key-1", job_id=world.job_own.pk)
    response = _apply(client, "key-1", email="someone-else@example.org", job_id=world.job_own.pk)
    assert response.status_code == 422
    assert response.json()["error"] == "idempotency_key_reused"
    assert not Candidate.objects.filter(email="someone-else@example.org").exists()


def test_errors_are_replayed_too_but_keys_are_per_user(world, api_as):
    manager = api_as(world.manager)
    refused = _apply(manager, "shared-key", job_id=world.job_shared.pk)
    assert refused.status_code == 403
    assert _apply(manager, "shared-key", job_id=world.job_shared.pk).json() == refused.json()
    # The same key from another user is their own request.
    assert _apply(api_as(world.recruiter), "shared-key", job_id=world.job_shared.pk).status_code == 201


def test_a_key_still_in_progress_is_a_409(world, api_as):
    client = api_as(world.recruiter)
    payload = {"name": "Retry Person", "email": "retry@example.org", "job_id": world.job_own.pk}
    first = client.post("/api/v1/candidates", payload, format="json", HTTP_IDEMPOTENCY_KEY="k")
    # As if the first request were still running.
    IdempotencyRecord.objects.filter(key="k").update(status_code=None, response_body=None)
    response = client.post("/api/v1/candidates", payload, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert first.status_code == 201
    assert response.status_code == 409
    assert response.json()["error"] == "idempotency_in_progress"


def test_multipart_requests_are_idempotent(world, api_as):
    client = api_as(world.admin)

    def post():
        return client.post(
            "/api/v1/candidates",
            {"name": "Multi Part", "email": "multi@example.org"},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="mp-1",
        )

    assert post().status_code == 201
    assert post()["Idempotent-Replayed"] == "true"
    assert Candidate.objects.filter(email="multi@example.org").count() == 1


def test_an_empty_or_huge_key_is_a_400(world, api_as):
    client = api_as(world.admin)
    for key in ("   ", "x" * 300):
        response = _apply(client, key, job_id=world.job_own.pk)
        assert response.status_code == 400
        assert "Idempotency-Key" in response.json()["details"]


def test_throttling_is_per_token_with_retry_after(world, api_as, settings):
    settings.API_THROTTLE_RATE = "3/minute"
    first_token, second_token = api_as(world.recruiter), api_as(world.recruiter)
    for _ in range(3):
        assert first_token.get("/api/v1/jobs").status_code == 200
    throttled = first_token.get("/api/v1/jobs")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    body = throttled.json()
    assert body["success"] is False and body["error"] == "throttled"
    assert body["details"]["wait_seconds"] > 0
    # Another token (even of the same user) has its own budget.
    assert second_token.get("/api/v1/jobs").status_code == 200


def test_a_throttled_post_is_not_stored_for_replay(world, api_as, settings):
    settings.API_THROTTLE_RATE = "1/minute"
    client = api_as(world.admin)
    assert client.get("/api/v1/jobs").status_code == 200
    assert _apply(client, "later", job_id=world.job_own.pk).status_code == 429
    assert not IdempotencyRecord.objects.filter(key="later").exists()


def test_an_oversized_body_is_a_413(world, api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = api_as(world.admin)
    payload = {"name": "Big", "email": "big@example.org", "location": "x" * 5000}
    response = client.post("/api/v1/candidates", payload, format="json")
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
    upload = SimpleUploadedFile("cv.txt", b"y" * 10)
    response = client.post(
        "/api/v1/candidates", {"name": "Big", "email": "big@example.org", "location": "x" * 5000, "resume": upload}
    )
    assert response.status_code == 413


def test_housekeeping_forgets_old_keys_and_old_deliveries(world, api_as, settings):
    from datetime import timedelta

    from django.utils import timezone

    from dashboard import webhooks_out
    from dashboard.models import WebhookDelivery
    from dashboard.tasks import api_housekeeping

    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    client = api_as(world.recruiter)
    _apply(client, "old-key", job_id=world.job_own.pk)
    _apply(client, "new-key", email="new@example.org", job_id=world.job_own.pk)
    IdempotencyRecord.objects.filter(key="old-key").update(created_at=timezone.now() - timedelta(days=2))
    endpoint, _ = webhooks_out.create_webhook_endpoint(
        org=world.org_a, actor=world.admin, url="http://127.0.0.1:9/x", events=["application.created"]
    )
    old, pending, recent = (webhooks_out.send_test_event(endpoint=endpoint) for _ in range(3))
    WebhookDelivery.objects.filter(pk__in=[old.pk, recent.pk]).update(status=WebhookDelivery.Status.SUCCEEDED)
    WebhookDelivery.objects.filter(pk__in=[old.pk, pending.pk]).update(created_at=timezone.now() - timedelta(days=40))
    api_housekeeping.delay()
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new-key"]
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {pending.pk, recent.pk}
