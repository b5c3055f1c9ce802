import pytest
from django.core.management import call_command

from candidates.models import Application, Candidate, StageChange
from dashboard.models import Organization, User
from jobs.models import Job
from screening.models import Resume, ResumeScore


def counts():
    return tuple(
        m.objects.count() for m in (Organization, User, Job, Candidate, Application, StageChange, Resume, ResumeScore)
    )


@pytest.mark.django_db
def test_seed_small_twice_duplicates_nothing(capsys):
    call_command("seed_demo", "--size", "small")
    first = counts()
    assert first[0] == 3
    assert 25 <= first[1] <= 35
    assert first[2] == 40
    assert first[3] >= 1900
    call_command("seed_demo", "--size", "small")
    assert counts() == first
    output = capsys.readouterr().out
    assert "recruiter@acme.test" in output


@pytest.mark.django_db
def test_seeded_roles_see_different_data():
    call_command("seed_demo", "--size", "small")
    admin = User.objects.get(email="admin@acme.test")
    recruiter = User.objects.get(email="recruiter@acme.test")
    manager = User.objects.get(email="manager@acme.test")
    admin_jobs = set(Job.objects.visible_to(admin))
    assert set(Job.objects.visible_to(recruiter)) < admin_jobs
    assert set(Job.objects.visible_to(manager)) < admin_jobs
    assert not set(Job.objects.visible_to(User.objects.get(email="admin@globex.test"))) & admin_jobs
    # Every current stage is the end of its history.
    application = Application.objects.filter(org=admin.org).first()
    assert application.stage_changes.order_by("-at", "-id").first().to_stage == application.stage
