import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from candidates.models import Application, Candidate
from jobs.models import Job
from screening.models import Resume
from tests.factories import JobFactory
from tests.screening.conftest import resume_upload


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def job(db):
    return JobFactory(title="Staff accountant", published=True, status=Job.Status.OPEN)


def application_data(**overrides):
    data = {
        "name": "Ngozi Okonkwo",
        "email": "Ngozi@Example.com",
        "phone": "+234 803 123 4567",
        "resume": resume_upload("08-ngozi-okonkwo-pdf-caps-name.pdf"),
        "cover_letter": "I would love to join.",
        "linkedin_url": "https://www.linkedin.com/in/ngozi",
        "portfolio_url": "",
        "website": "",
    }
    data.update(overrides)
    return data


def test_careers_page_lists_only_published_open_jobs(client, job):
    JobFactory(org=job.org, title="Hidden draft", published=False, status=Job.Status.DRAFT)
    JobFactory(title="Other org job")
    response = client.get(reverse("screening:careers", args=[job.org.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Staff accountant" in body and "Hidden draft" not in body and "Other org job" not in body
    assert reverse("screening:apply", args=[job.public_token]) in body
    assert client.get(reverse("screening:careers", args=["no-such-org"])).status_code == 404


def test_apply_creates_candidate_application_resume_and_confirms(client, job, django_capture_on_commit_callbacks):
    token = job.public_token
    url = reverse("screening:apply", args=[token])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, application_data())
    assert response.status_code == 302
    assert response.url == reverse("screening:apply_done", args=[token])
    candidate = Candidate.objects.get(org=job.org)
    assert candidate.email == "ngozi@example.com"
    assert candidate.source == Candidate.Source.CAREERS
    application = Application.objects.get(candidate=candidate, job=job)
    assert application.stage == job.pipeline.first_stage()
    resume = Resume.objects.get(application=application)
    assert resume.status == Resume.Status.PARSED
    assert resume.parsed["cover_letter"] == "I would love to join."
    assert resume.score is not None
    assert [m.to for m in mail.outbox] == [["ngozi@example.com"]]
    assert "Staff accountant" in mail.outbox[0].subject
    assert client.get(response.url).status_code == 200


def test_applying_twice_never_makes_two_people(client, job, django_capture_on_commit_callbacks):
    url = reverse("screening:apply", args=[job.public_token])
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, application_data())
    assert Candidate.objects.filter(org=job.org).count() == 1
    assert Resume.objects.filter(job=job, is_current=True).count() == 1
    assert Resume.objects.filter(job=job).count() == 2


def test_bad_file_is_a_form_error_and_nothing_is_created(client, job):
    response = client.post(
        reverse("screening:apply", args=[job.public_token]),
        application_data(resume=SimpleUploadedFile("cv.pdf", b"\x89PNG\r\n\x1a\n" + bytes(200))),
    )
    assert response.status_code == 400
    assert "not a supported document type" in response.content.decode()
    assert not Candidate.objects.exists()
    assert not Application.objects.exists()


def test_honeypot_looks_successful_but_stores_nothing(client, job):
    response = client.post(
        reverse("screening:apply", args=[job.public_token]), application_data(website="spam.example")
    )
    assert response.status_code == 302
    assert not Candidate.objects.exists()


def test_per_ip_rate_limit(client, job, settings):
    settings.APPLY_RATE_LIMIT_PER_HOUR = 2
    url = reverse("screening:apply", args=[job.public_token])
    statuses = [client.post(url, {"name": ""}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    other_ip = client.post(url, {"name": ""}, REMOTE_ADDR="10.9.8.7")
    assert other_ip.status_code == 400


@pytest.mark.parametrize("token", ["not-a-token", "closed"])
def test_invalid_or_closed_job_link(client, job, token):
    if token == "closed":
        job.status = Job.Status.CLOSED
        job.save()
        token = job.public_token
    response = client.get(reverse("screening:apply", args=[token]))
    assert response.status_code == 404
    assert "not accepting applications" in response.content.decode()


def test_apply_page_needs_no_login_and_shows_the_job(client, job):
    response = client.get(reverse("screening:apply", args=[job.public_token]))
    assert response.status_code == 200
    assert job.title in response.content.decode()
    assert 'name="website"' in response.content.decode()
