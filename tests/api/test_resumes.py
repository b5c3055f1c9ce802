import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from screening.models import Resume

pytestmark = pytest.mark.django_db

RESUME_TEXT = b"""Grace Hopper
grace@example.org  +1 415 555 0100

Experience
Senior Python Developer, Acme Corp, 2018 - 2024
Built Django and PostgreSQL services.

Skills: Python, Django, PostgreSQL, Docker

Education
BSc Computer Science, Yale University, 2010
"""


def _upload(name="resume.txt", content=RESUME_TEXT):
    return SimpleUploadedFile(name, content, content_type="text/plain")


def test_upload_to_a_job_answers_202_and_the_resume_gets_scored(world, api_as, django_capture_on_commit_callbacks):
    client = api_as(world.recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/jobs/{world.job_own.pk}/resumes",
            {"file": _upload(), "name": "Grace Hopper", "email": "grace@example.org"},
        )
    assert response.status_code == 202
    data = response.json()["data"]
    resume = Resume.objects.get(pk=data["id"])
    assert data["application_id"] == resume.application_id
    detail = client.get(f"/api/v1/resumes/{resume.pk}").json()["data"]
    assert detail["status"] == "parsed", detail["status_text"]
    assert detail["candidate"]["email"] == "grace@example.org"
    assert 0 <= detail["score"]["overall_score"] <= 10
    assert "Python" in detail["parsed"]["skills"]
    ranked = client.get("/api/v1/resumes", {"job_id": world.job_own.pk}).json()["data"]
    assert [row["id"] for row in ranked] == [resume.pk]
    assert "feedback" not in ranked[0]["score"] and "parsed" not in ranked[0]


def test_post_candidate_with_a_resume(world, api_as, django_capture_on_commit_callbacks):
    client = api_as(world.recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/candidates",
            {"name": "Grace Hopper", "email": "grace@example.org", "job_id": world.job_own.pk, "resume": _upload()},
        )
    assert response.status_code == 201
    resume = Resume.objects.get(pk=response.json()["data"]["resume_id"])
    assert resume.candidate.email == "grace@example.org"
    assert resume.status == Resume.Status.PARSED


def test_a_resume_needs_a_job(world, api_as):
    response = api_as(world.admin).post(
        "/api/v1/candidates", {"name": "G", "email": "g@example.org", "resume": _upload()}
    )
    assert response.status_code == 400
    assert "resume" in response.json()["details"]


def test_an_unsupported_file_is_a_415_and_leaves_nothing_behind(world, api_as):
    client = api_as(world.admin)
    binary = SimpleUploadedFile("cv.exe", b"MZ\x90\x00\x03" + bytes(range(256)) * 4, content_type="application/pdf")
    response = client.post(
        "/api/v1/candidates", {"name": "G", "email": "g@example.org", "job_id": world.job_own.pk, "resume": binary}
    )
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"
    assert not Resume.objects.exists()
    assert not world.job_own.applications.filter(candidate__email="g@example.org").exists()


def test_a_file_over_the_limit_is_a_413(world, api_as, settings):
    settings.RESUME_MAX_UPLOAD_BYTES = 100
    response = api_as(world.admin).post(
        f"/api/v1/jobs/{world.job_own.pk}/resumes", {"file": _upload(), "candidate_id": world.app_own.candidate_id}
    )
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
    assert not Resume.objects.exists()


def test_upload_access(world, api_as):
    def post(user, job):
        return api_as(user).post(
            f"/api/v1/jobs/{job.pk}/resumes", {"file": _upload(), "email": "x@example.org", "name": "X"}
        )

    assert post(world.manager, world.job_shared).status_code == 403
    assert post(world.manager, world.job_own).status_code == 404
    assert post(world.recruiter, world.job_private).status_code == 404
    assert post(world.admin, world.job_b).status_code == 404
    assert not Resume.objects.exists()


def test_upload_validation(world, api_as):
    client = api_as(world.admin)
    url = f"/api/v1/jobs/{world.job_own.pk}/resumes"
    assert "file" in client.post(url, {"email": "x@example.org"}).json()["details"]
    assert "candidate_id" in client.post(url, {"file": _upload()}).json()["details"]
    response = client.post(url, {"file": _upload(), "candidate_id": world.app_b.candidate_id})
    assert response.status_code == 404
    response = client.post(url, {"name": "x"}, format="json")
    assert response.status_code == 415
