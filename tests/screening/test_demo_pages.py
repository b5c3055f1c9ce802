"""The screening pages render with the demo data (shapes written by seed_demo)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from dashboard.models import User
from jobs.models import Job
from screening.models import PersonalityScreening, Resume


@pytest.mark.django_db
def test_screening_pages_render_with_demo_data(client):
    call_command("seed_demo", "--size", "small")
    admin = User.objects.get(email="admin@acme.test")
    client.force_login(admin)
    job = Job.objects.visible_to(admin).filter(resumes__isnull=False).first()
    for name in ("screening:job_resumes", "screening:job_test_logs", "screening:job_screenings"):
        for headers in ({}, {"HX-Request": "true"}):
            assert client.get(reverse(name, args=[job.pk]), headers=headers).status_code == 200, name
    resume = Resume.objects.visible_to(admin).filter(job=job).first()
    assert client.get(reverse("screening:resume_detail", args=[resume.pk])).status_code == 200
    completed = PersonalityScreening.objects.visible_to(admin).filter(status="completed").first()
    if completed is not None:
        page = client.get(reverse("screening:screening_detail", args=[completed.pk]))
        assert page.status_code == 200
    assert client.get(reverse("screening:careers", args=[admin.org.slug])).status_code == 200
