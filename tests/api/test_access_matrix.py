"""Every endpoint × role × object: visible objects answer, invisible ones (another
recruiter's private job, another organisation's rows) are a 404, and a visible object the
role may not change is a 403."""

import pytest

from tests.factories import CandidateFactory, ResumeScoreFactory, TestLogFactory

pytestmark = pytest.mark.django_db

JOBS = ("job_own", "job_shared", "job_private", "job_b")
APPS = {"job_own": "app_own", "job_shared": "app_shared", "job_private": "app_private", "job_b": "app_b"}
ROLES = ("admin", "recruiter", "manager", "b_admin")
# Which jobs each role sees (the role table of DESIGN.md).
SEES = {
    "admin": {"job_own", "job_shared", "job_private"},
    "recruiter": {"job_own", "job_shared"},
    "manager": {"job_shared"},
    "b_admin": {"job_b"},
}
# Which of those jobs each role may change (move, add candidates, upload, record results).
CHANGES = {
    "admin": {"job_own", "job_shared", "job_private"},
    "recruiter": {"job_own", "job_shared"},
    "manager": set(),
    "b_admin": {"job_b"},
}


@pytest.fixture
def rows(world):
    """A scored resume and a test log for every job's application."""
    resumes, test_logs = {}, {}
    for job_name, app_name in APPS.items():
        application = getattr(world, app_name)
        resumes[job_name] = ResumeScoreFactory(
            resume__application=application, resume__candidate=application.candidate
        ).resume
        test_logs[job_name] = TestLogFactory(job=application.job, candidate=application.candidate)
    return {"resumes": resumes, "test_logs": test_logs}


def _detail_urls(world, rows, job_name):
    job = getattr(world, job_name)
    application = getattr(world, APPS[job_name])
    return [
        f"/api/v1/jobs/{job.pk}",
        f"/api/v1/jobs/{job.pk}/stages",
        f"/api/v1/applications/{application.pk}",
        f"/api/v1/candidates/{application.candidate_id}",
        f"/api/v1/resumes/{rows['resumes'][job_name].pk}",
        f"/api/v1/test-logs/{rows['test_logs'][job_name].pk}",
    ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("job_name", JOBS)
def test_detail_endpoints(world, rows, api_as, role, job_name):
    client = api_as(getattr(world, role))
    expected = 200 if job_name in SEES[role] else 404
    for url in _detail_urls(world, rows, job_name):
        response = client.get(url)
        assert response.status_code == expected, url
        assert response.json()["success"] is (expected == 200)
        if expected == 404:
            assert response.json()["error"] == "not_found"


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_exactly_the_visible_rows(world, rows, api_as, role):
    client = api_as(getattr(world, role))
    visible = SEES[role]

    def ids(url):
        response = client.get(url)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["data"]}

    assert ids("/api/v1/jobs") == {getattr(world, name).pk for name in visible}
    assert ids("/api/v1/applications") == {getattr(world, APPS[name]).pk for name in visible}
    assert ids("/api/v1/candidates") == {getattr(world, APPS[name]).candidate_id for name in visible}
    assert ids("/api/v1/resumes") == {rows["resumes"][name].pk for name in visible}
    assert ids("/api/v1/test-logs") == {rows["test_logs"][name].pk for name in visible}


def _expected_write_status(role, job_name, success):
    if job_name not in SEES[role]:
        return 404
    return success if job_name in CHANGES[role] else 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("job_name", JOBS)
def test_move(world, api_as, role, job_name):
    application = getattr(world, APPS[job_name])
    interview = application.job.stages().get(name="Interview")
    response = api_as(getattr(world, role)).post(
        f"/api/v1/applications/{application.pk}/move", {"stage": interview.pk}, format="json"
    )
    assert response.status_code == _expected_write_status(role, job_name, 200)
    application.refresh_from_db()
    assert (application.stage_id == interview.pk) is (response.status_code == 200)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("job_name", JOBS)
def test_create_candidate_for_job(world, api_as, role, job_name):
    job = getattr(world, job_name)
    payload = {"name": "New Person", "email": f"new-{role}@example.org", "job_id": job.pk}
    response = api_as(getattr(world, role)).post("/api/v1/candidates", payload, format="json")
    assert response.status_code == _expected_write_status(role, job_name, 201)
    assert job.applications.filter(candidate__email=payload["email"]).exists() is (response.status_code == 201)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("job_name", JOBS)
def test_create_application(world, api_as, role, job_name):
    job = getattr(world, job_name)
    # A candidate the role can see: the one already applied to this job.
    candidate = getattr(world, APPS[job_name]).candidate
    other_job_for_candidate = job  # a fresh application needs a job they have not applied to
    fresh = CandidateFactory(org=job.org)
    payload = {"candidate_id": candidate.pk, "job_id": other_job_for_candidate.pk}
    client = api_as(getattr(world, role))
    response = client.post("/api/v1/applications", payload, format="json")
    expected = _expected_write_status(role, job_name, 409)  # already applied: a duplicate
    assert response.status_code == expected
    if expected == 409:
        assert response.json()["details"] == {"id": getattr(world, APPS[job_name]).pk}
    # An invisible candidate (no application yet) is a 404 for everyone but admins.
    response = client.post("/api/v1/applications", {"candidate_id": fresh.pk, "job_id": job.pk}, format="json")
    if role == "admin" and job_name != "job_b" or role == "b_admin" and job_name == "job_b":
        assert response.status_code == 201
    else:
        assert response.status_code in (403, 404)
        assert response.status_code == 404 or job_name in SEES[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("job_name", JOBS)
def test_record_test_log(world, api_as, role, job_name):
    application = getattr(world, APPS[job_name])
    payload = {
        "candidate_id": application.candidate_id,
        "job_id": application.job_id,
        "test_name": "SQL",
        "provider": "hackerrank",
        "external_id": f"r-{role}",
        "score": "42.5",
        "max_score": 50,
    }
    response = api_as(getattr(world, role)).post("/api/v1/test-logs", payload, format="json")
    assert response.status_code == _expected_write_status(role, job_name, 201)
