import pytest

from candidates.models import Application, Candidate, StageChange
from candidates.signals import application_moved
from screening import models as screening_models
from tests.factories import ApplicationFactory, CandidateFactory

pytestmark = pytest.mark.django_db


def test_post_candidate_with_job_applies_them(world, api_as):
    client = api_as(world.recruiter)
    payload = {"name": "Ada Lovelace", "email": "Ada@Example.com", "phone": "+442079460000", "job_id": world.job_own.pk}
    response = client.post("/api/v1/candidates", payload, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["success"] is True
    data = body["data"]
    assert data["email"] == "ada@example.com" and data["created"] is True and data["source"] == "api"
    assert data["application"]["job"]["id"] == world.job_own.pk
    assert data["application"]["stage"]["name"] == "Applied"
    application = Application.objects.get(pk=data["application"]["id"])
    assert application.stage_changes.get().source == StageChange.Source.API


def test_an_existing_email_updates_that_person_instead_of_creating_one(world, api_as):
    existing = world.app_own.candidate
    client = api_as(world.recruiter)
    payload = {"name": "Someone", "email": existing.email.upper(), "phone": "+15551234567", "job_id": world.job_own.pk}
    response = client.post("/api/v1/candidates", payload, format="json")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["id"] == existing.pk and data["created"] is False
    assert data["application"]["id"] == world.app_own.pk
    existing.refresh_from_db()
    assert existing.phone == "+15551234567"
    assert Candidate.objects.filter(org=world.org_a, email__iexact=existing.email).count() == 1


def test_only_admins_create_candidates_without_a_job(world, api_as):
    payload = {"name": "Free Agent", "email": "free@example.org"}
    assert api_as(world.recruiter).post("/api/v1/candidates", payload, format="json").status_code == 403
    response = api_as(world.admin).post("/api/v1/candidates", payload, format="json")
    assert response.status_code == 201
    assert response.json()["data"]["application"] is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "a@example.org"}, "name"),
        ({"name": "A"}, "email"),
        ({"name": "A", "email": "not-an-email"}, "email"),
        ({"name": "A", "email": "a@example.org", "job_id": "x"}, "job_id"),
        ({"name": "A", "email": "a@example.org", "job_id": 10**30}, "job_id"),
        ({"name": "A" * 201, "email": "a@example.org"}, "name"),
        ({"name": "A", "email": "a@example.org", "linkedin_url": "javascript:alert(1)"}, "linkedin_url"),
    ],
)
def test_candidate_validation_errors(world, api_as, payload, field):
    response = api_as(world.admin).post("/api/v1/candidates", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False and body["error"] == "validation_error"
    assert field in body["details"]
    assert body["message"].startswith(field)
    assert not Candidate.objects.filter(email="a@example.org").exists()


def test_malformed_json_and_wrong_content_type(world, api_as):
    client = api_as(world.admin)
    response = client.generic("POST", "/api/v1/candidates", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == "parse_error"
    response = client.generic("POST", "/api/v1/candidates", "<xml/>", content_type="application/xml")
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"


def test_a_job_of_another_org_is_a_404_in_the_body_too(world, api_as):
    payload = {"name": "A", "email": "a@example.org", "job_id": world.job_b.pk}
    response = api_as(world.admin).post("/api/v1/candidates", payload, format="json")
    assert response.status_code == 404
    assert not Candidate.objects.filter(email="a@example.org").exists()


def test_create_application_in_a_chosen_stage_and_duplicates(world, api_as):
    candidate = CandidateFactory(org=world.org_a)
    ApplicationFactory(job=world.job_shared, candidate=candidate)  # makes the candidate visible to the recruiter
    assessment = world.job_own.stages().get(name="Assessment")
    client = api_as(world.recruiter)
    payload = {"candidate_id": candidate.pk, "job_id": world.job_own.pk, "stage": assessment.pk}
    response = client.post("/api/v1/applications", payload, format="json")
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["stage"]["id"] == assessment.pk
    assert [change["to_stage"]["name"] for change in data["stage_history"]] == ["Assessment"]
    again = client.post("/api/v1/applications", payload, format="json")
    assert again.status_code == 409
    assert again.json()["error"] == "duplicate" and again.json()["details"] == {"id": data["id"]}


def test_create_application_refuses_a_stage_of_another_pipeline(world, api_as):
    from jobs.services import create_pipeline

    other_pipeline = create_pipeline(org=world.org_a, name="Interns")
    stage = other_pipeline.stages.first()
    candidate = CandidateFactory(org=world.org_a)
    payload = {"candidate_id": candidate.pk, "job_id": world.job_own.pk, "stage": stage.pk}
    response = api_as(world.admin).post("/api/v1/applications", payload, format="json")
    assert response.status_code == 400
    assert "stage" in response.json()["details"]


def test_move_uses_the_board_service_and_shows_the_history(world, api_as):
    heard = []

    def listener(sender, application, stage_change, **kwargs):
        heard.append(stage_change.source)

    application_moved.connect(listener)
    try:
        interview = world.job_own.stages().get(name="Interview")
        response = api_as(world.recruiter).post(
            f"/api/v1/applications/{world.app_own.pk}/move", {"stage": interview.pk, "reason": "Strong"}, format="json"
        )
    finally:
        application_moved.disconnect(listener)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["stage"]["name"] == "Interview"
    last = data["stage_history"][-1]
    assert last["to_stage"]["name"] == "Interview" and last["source"] == "api" and last["reason"] == "Strong"
    assert last["actor"] == world.recruiter.get_full_name()
    assert heard == ["api"]


def test_move_to_a_stage_of_another_org_or_pipeline_is_refused(world, api_as):
    client = api_as(world.admin)
    foreign = world.job_b.stages().first()
    response = client.post(f"/api/v1/applications/{world.app_own.pk}/move", {"stage": foreign.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["details"] == {"stage": ["No such stage."]}
    response = client.post(f"/api/v1/applications/{world.app_own.pk}/move", {}, format="json")
    assert response.status_code == 400


def test_a_resent_result_updates_the_same_test_log(world, api_as):
    client = api_as(world.recruiter)
    payload = {
        "candidate_id": world.app_own.candidate_id,
        "job_id": world.job_own.pk,
        "test_name": "Python",
        "provider": "codility",
        "external_id": "abc-1",
        "score": 80,
        "max_score": 100,
        "passed": True,
        "duration": "00:45:00",
        "proctoring_flags": ["tab_switch"],
        "raw_payload": {"raw": True},
    }
    response = client.post("/api/v1/test-logs", payload, format="json")
    assert response.status_code == 201
    assert response.json()["data"]["score"] == 80.0
    again = client.post("/api/v1/test-logs", {**payload, "score": 90}, format="json")
    assert again.status_code == 200
    assert again.json()["data"]["id"] == response.json()["data"]["id"]
    assert again.json()["data"]["score"] == 90.0
    assert screening_models.TestLog.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"score": 120}, "score"),
        ({"completed_at": "2026-01-01T00:00:00Z", "started_at": "2026-02-01T00:00:00Z"}, "completed_at"),
        ({"report_url": "ftp://x"}, "report_url"),
    ],
)
def test_test_log_validation(world, api_as, change, field):
    payload = {
        "candidate_id": world.app_own.candidate_id,
        "job_id": world.job_own.pk,
        "test_name": "T",
        "max_score": 100,
    }
    response = api_as(world.admin).post("/api/v1/test-logs", {**payload, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()["details"]


def test_unknown_paths_and_methods_answer_in_the_envelope(world, api_as):
    client = api_as(world.admin)
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    response = client.get("/api/v1/jobs/abc")
    assert response.status_code == 404
    response = client.delete(f"/api/v1/jobs/{world.job_own.pk}")
    assert response.status_code == 405 and response.json()["error"] == "method_not_allowed"


def test_nul_characters_are_refused_before_the_database(world, api_as):
    client = api_as(world.admin)
    payload = {"candidate_id": world.app_own.candidate_id, "job_id": world.job_own.pk, "test_name": "T"}
    response = client.post("/api/v1/test-logs", {**payload, "raw_payload": {"note": "a\x00b"}}, format="json")
    assert response.status_code == 400 and "raw_payload" in response.json()["details"]
    response = client.post("/api/v1/candidates", {"name": "a\x00b", "email": "n@example.org"}, format="json")
    assert response.status_code == 400 and "name" in response.json()["details"]
    assert client.get("/api/v1/jobs", {"q": "a\x00b"}).status_code == 400


def test_candidate_detail_lists_only_the_applications_the_user_sees(world, api_as):
    person = world.app_own.candidate
    ApplicationFactory(job=world.job_private, candidate=person)
    ApplicationFactory(job=world.job_shared, candidate=person)

    def jobs_seen(user):
        data = api_as(user).get(f"/api/v1/candidates/{person.pk}").json()["data"]
        return {application["job"]["title"] for application in data["applications"]}

    assert jobs_seen(world.admin) == {"Backend engineer", "Data analyst", "Secret project lead"}
    assert jobs_seen(world.recruiter) == {"Backend engineer", "Data analyst"}
    assert jobs_seen(world.manager) == {"Data analyst"}
