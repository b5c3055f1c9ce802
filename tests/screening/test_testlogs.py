import json
import time
from decimal import Decimal

import pytest
from django.urls import reverse

from screening import models as screening_models
from screening import services
from screening.models import AssessmentWebhook
from screening.testlogs import read_test_log_csv
from screening.webhooks import sign, webhook_secret
from tests.factories import TestLogFactory

HEADER = "candidate_email,test_name,provider,result_id,score,max_score,passed,started_at,completed_at,duration_minutes,proctoring_flags,report_url\n"


def csv_for(world, extra_rows=""):
    email = world.app_own.candidate.email
    return (
        HEADER
        + f"{email},Python coding,codility,r-1,85,100,yes,2026-03-01 10:00,2026-03-01 11:00,,tab-switch;face-missing,https://codility.example/r-1\n"
        + extra_rows
    )


def test_csv_preview_names_each_problem_per_row(org_world):
    text = csv_for(
        org_world,
        "stranger@example.com,SQL,codility,r-2,5,10,yes,,,,,\n"
        f"{org_world.app_own.candidate.email},SQL,codility,r-3,150,100,maybe,yesterday,,,,not-a-url\n",
    )
    preview = read_test_log_csv(job=org_world.job_own, text=text)
    assert [row.line for row in preview.valid_rows] == [2]
    errors = {row.line: " ".join(row.errors) for row in preview.invalid_rows}
    assert "No applicant to this job has the email stranger@example.com" in errors[3]
    assert "passed “maybe” must be yes or no" in errors[4]
    assert "started_at “yesterday”" in errors[4]
    assert "report_url" in errors[4]
    assert not preview.can_import


def test_csv_without_required_columns_is_refused(org_world):
    preview = read_test_log_csv(job=org_world.job_own, text="email,score\na@b.c,1\n")
    assert preview.errors == ["Missing column(s): candidate_email, test_name."]


def test_import_view_previews_then_imports_and_is_idempotent(client, org_world):
    client.force_login(org_world.recruiter)
    url = reverse("screening:test_log_import", args=[org_world.job_own.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    preview = client.post(url, {"file": SimpleUploadedFile("results.csv", csv_for(org_world).encode())})
    assert preview.status_code == 200
    assert "Import 1 result" in preview.content.decode()
    assert not screening_models.TestLog.objects.exists()
    for _ in range(2):
        response = client.post(url, {"csv_text": csv_for(org_world), "confirm": "1"})
        assert response.status_code == 302
    log = screening_models.TestLog.objects.get()
    assert log.candidate == org_world.app_own.candidate
    assert log.percentage == 85.0
    assert log.passed is True
    assert log.duration.total_seconds() == 3600
    assert log.proctoring_flags == ["tab-switch", "face-missing"]


def test_import_with_errors_imports_nothing(client, org_world):
    client.force_login(org_world.recruiter)
    url = reverse("screening:test_log_import", args=[org_world.job_own.pk])
    response = client.post(url, {"csv_text": csv_for(org_world, "nobody@example.com,SQL,,,,,,,,,,\n"), "confirm": "1"})
    assert response.status_code == 400
    assert "No applicant to this job" in response.content.decode()
    assert not screening_models.TestLog.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("manager", 403), ("recruiter", 200)])
def test_import_needs_a_staff_role(client, org_world, role, status):
    client.force_login(getattr(org_world, role))
    assert client.get(reverse("screening:test_log_import", args=[org_world.job_shared.pk])).status_code == status


@pytest.mark.parametrize("rows", [5, 60])
def test_test_logs_tab_lists_with_bounded_queries(client, org_world, django_assert_max_num_queries, rows):
    for _ in range(rows):
        TestLogFactory(job=org_world.job_shared, candidate=org_world.app_shared.candidate)
    client.force_login(org_world.manager)
    with django_assert_max_num_queries(8):
        response = client.get(
            reverse("screening:job_test_logs", args=[org_world.job_shared.pk]), headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert response.content.decode().count("Python coding") == min(rows, 50)
    client.force_login(org_world.b_admin)
    assert client.get(reverse("screening:job_test_logs", args=[org_world.job_shared.pk])).status_code == 404


def test_record_test_log_service_validates(org_world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.record_test_log(
            job=org_world.job_own,
            candidate=org_world.app_own.candidate,
            values=services.TestLogInput(test_name="SQL", score=Decimal(11), max_score=Decimal(10)),
        )


# --- webhook ------------------------------------------------------------------------


@pytest.fixture
def webhook(org_world):
    return services.ensure_assessment_webhook(org=org_world.org_a, provider="codility", actor=org_world.admin)


def payload(world, **overrides):
    body = {
        "result_id": "cod-77",
        "job_id": world.job_own.pk,
        "candidate_email": world.app_own.candidate.email,
        "test_name": "Algorithms",
        "score": 42,
        "max_score": 50,
        "passed": True,
        "started_at": "2026-03-01T10:00:00Z",
        "completed_at": "2026-03-01T10:45:00Z",
        "proctoring_flags": ["copy-paste"],
        "report_url": "https://codility.example/cod-77",
    }
    body.update(overrides)
    return json.dumps(body).encode()


def post_signed(client, webhook, body, *, timestamp=None, secret=None):
    timestamp = str(timestamp or int(time.time()))
    signature = sign(secret or webhook_secret(webhook), timestamp, body)
    return client.post(
        reverse("screening:assessment_webhook", args=[webhook.key]),
        body,
        content_type="application/json",
        HTTP_X_HIREBOARD_TIMESTAMP=timestamp,
        HTTP_X_HIREBOARD_SIGNATURE=signature,
    )


def test_signed_webhook_records_result(client, org_world, webhook):
    response = post_signed(client, webhook, payload(org_world))
    assert response.status_code == 201, response.content
    log = screening_models.TestLog.objects.get()
    assert (log.provider, log.external_id, log.score, log.passed) == ("codility", "cod-77", Decimal(42), True)
    assert log.duration.total_seconds() == 45 * 60
    assert log.proctoring_flags == ["copy-paste"]


def test_webhook_replay_is_refused_and_same_result_id_updates(client, org_world, webhook):
    body = payload(org_world)
    timestamp = int(time.time())
    assert post_signed(client, webhook, body, timestamp=timestamp).status_code == 201
    replay = post_signed(client, webhook, body, timestamp=timestamp)
    assert replay.status_code == 409
    assert replay.json()["error"] == "replay"
    update = post_signed(client, webhook, payload(org_world, score=48), timestamp=timestamp + 1)
    assert update.status_code == 200
    assert screening_models.TestLog.objects.get().score == 48


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("stale", 401, "stale"),
        ("bad_signature", 401, "bad_signature"),
        ("unsigned", 401, "unsigned"),
        ("unknown_candidate", 422, "unknown_candidate"),
        ("other_org_job", 422, "unknown_job"),
    ],
)
def test_webhook_refusals(client, org_world, webhook, case, status, code):
    body = payload(org_world)
    url = reverse("screening:assessment_webhook", args=[webhook.key])
    if case == "stale":
        response = post_signed(client, webhook, body, timestamp=int(time.time()) - 3600)
    elif case == "bad_signature":
        response = post_signed(client, webhook, body, secret="wrong")
    elif case == "unsigned":
        response = client.post(url, body, content_type="application/json")
    elif case == "unknown_candidate":
        response = post_signed(client, webhook, payload(org_world, candidate_email="nobody@example.com"))
    elif case == "huge_job_id":
        response = post_signed(client, webhook, payload(org_world, job_id="9" * 40))
    else:
        response = post_signed(client, webhook, payload(org_world, job_id=org_world.job_b.pk))
    assert response.status_code == status
    assert response.json()["error"] == code
    assert not screening_models.TestLog.objects.exists()


def test_webhook_admin_page_is_admin_only(client, org_world, webhook):
    client.force_login(org_world.admin)
    page = client.get(reverse("screening:assessment_webhooks"))
    assert page.status_code == 200
    assert webhook_secret(webhook) in page.content.decode()
    client.post(reverse("screening:assessment_webhooks"), {"provider": "codility", "rotate": "1"})
    assert AssessmentWebhook.objects.get().key != webhook.key
    client.force_login(org_world.recruiter)
    assert client.get(reverse("screening:assessment_webhooks")).status_code == 403


def test_candidate_test_logs_follow_job_visibility(client, org_world):
    candidate = org_world.app_shared.candidate
    TestLogFactory(job=org_world.job_shared, candidate=candidate, test_name="Shared job test")
    TestLogFactory(job=org_world.job_private, candidate=candidate, test_name="Private job test")
    url = reverse("screening:candidate_test_logs", args=[candidate.pk])
    client.force_login(org_world.manager)
    body = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Shared job test" in body and "Private job test" not in body
    client.force_login(org_world.admin)
    assert "Private job test" in client.get(url).content.decode()
    client.force_login(org_world.b_admin)
    assert client.get(url).status_code == 404
