"""The role table of DESIGN.md, row by row, including other orgs and unshared jobs."""

import pytest
from django.urls import reverse

from candidates.models import Application, Candidate, StageChange
from dashboard import access
from jobs.models import Job
from screening.models import Resume
from tests.factories import ResumeFactory


def visible_job_titles(user):
    return set(Job.objects.visible_to(user).values_list("title", flat=True))


@pytest.mark.django_db
class TestJobsSeen:
    def test_admin_sees_every_job_in_their_org_only(self, org_world):
        assert visible_job_titles(org_world.admin) == {"Backend engineer", "Data analyst", "Secret project lead"}

    def test_recruiter_sees_owned_and_shared_jobs(self, org_world):
        assert visible_job_titles(org_world.recruiter) == {"Backend engineer", "Data analyst"}

    def test_hiring_manager_sees_only_jobs_shared_with_them(self, org_world):
        assert visible_job_titles(org_world.manager) == {"Data analyst"}

    def test_other_org_sees_none_of_ours(self, org_world):
        assert visible_job_titles(org_world.b_admin) == {"Globex accountant"}

    def test_anonymous_and_inactive_see_nothing(self, org_world):
        from django.contrib.auth.models import AnonymousUser

        assert not Job.objects.visible_to(AnonymousUser()).exists()
        org_world.admin.is_active = False
        assert not Job.objects.visible_to(org_world.admin).exists()


@pytest.mark.django_db
class TestChildrenFollowTheirJob:
    def test_applications(self, org_world):
        assert set(Application.objects.visible_to(org_world.recruiter)) == {org_world.app_own, org_world.app_shared}
        assert set(Application.objects.visible_to(org_world.manager)) == {org_world.app_shared}
        assert set(Application.objects.visible_to(org_world.admin)) == {
            org_world.app_own,
            org_world.app_shared,
            org_world.app_private,
        }

    def test_candidates(self, org_world):
        assert set(Candidate.objects.visible_to(org_world.manager)) == {org_world.app_shared.candidate}
        assert org_world.app_b.candidate not in Candidate.objects.visible_to(org_world.admin)

    def test_resumes(self, org_world):
        private = ResumeFactory(application=org_world.app_private)
        shared = ResumeFactory(application=org_world.app_shared)
        assert list(Resume.objects.visible_to(org_world.manager)) == [shared]
        assert private in Resume.objects.visible_to(org_world.admin)
        assert private not in Resume.objects.visible_to(org_world.recruiter)

    def test_stage_changes(self, org_world):
        change = StageChange.objects.create(
            org=org_world.org_b, application=org_world.app_b, to_stage=org_world.app_b.stage
        )
        assert change not in StageChange.objects.visible_to(org_world.admin)
        assert change in StageChange.objects.visible_to(org_world.b_admin)


@pytest.mark.django_db
class TestPermissions:
    @pytest.mark.parametrize(
        "who, job, edit, share, move, review",
        [
            ("admin", "job_private", True, True, True, True),
            ("recruiter", "job_own", True, True, True, True),
            ("recruiter", "job_shared", True, False, True, True),
            ("recruiter", "job_private", False, False, False, False),
            ("manager", "job_shared", False, False, False, True),
            ("manager", "job_own", False, False, False, False),
            ("b_admin", "job_own", False, False, False, False),
        ],
    )
    def test_role_table(self, org_world, who, job, edit, share, move, review):
        user, job = getattr(org_world, who), getattr(org_world, job)
        assert access.can_edit_job(user, job) is edit
        assert access.can_share_job(user, job) is share
        assert access.can_move_stage(user, job) is move
        assert access.can_upload_resume(user, job) is move
        assert access.can_invite_screening(user, job) is move
        assert access.can_review_resume(user, job) is review

    def test_only_admins_manage_the_org(self, org_world):
        assert access.can_manage_org(org_world.admin)
        assert not access.can_manage_org(org_world.recruiter)
        assert not access.can_manage_org(org_world.manager)

    def test_hiring_managers_cannot_create_jobs(self, org_world):
        assert access.can_create_job(org_world.recruiter)
        assert not access.can_create_job(org_world.manager)


@pytest.mark.django_db
class TestHomePage:
    def test_login_required(self, client):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]

    @pytest.mark.parametrize("who, jobs", [("admin", 3), ("recruiter", 2), ("manager", 1), ("b_admin", 1)])
    def test_counts_are_scoped(self, client, org_world, who, jobs, django_assert_max_num_queries):
        user = getattr(org_world, who)
        client.force_login(user)
        with django_assert_max_num_queries(10):
            response = client.get(reverse("home"))
        assert response.status_code == 200
        assert response.context["summary"]["visible_jobs_count"] == jobs
        assert user.org.name in response.content.decode()

    def test_login_with_email_and_password(self, client, org_world):
        from tests.factories import TEST_PASSWORD

        response = client.post(reverse("login"), {"username": "Recruiter@acme.test", "password": TEST_PASSWORD})
        assert response.status_code == 302
        assert client.get(reverse("home")).status_code == 200

    def test_wrong_password_is_a_form_error(self, client, org_world):
        response = client.post(reverse("login"), {"username": "recruiter@acme.test", "password": "nope"})
        assert response.status_code == 200
        assert "correct email" in response.content.decode().lower() or response.context["form"].errors
