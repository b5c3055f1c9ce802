"""Home KPIs, funnel and activity; members, invitations; friendly error pages."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from candidates.services import move_application
from dashboard.models import User
from tests.factories import ApplicationFactory, ResumeFactory, UserFactory

HTMX = {"HX-Request": "true"}


@pytest.mark.django_db
class TestHome:
    def test_kpis_funnel_and_activity(self, client, org_world):
        app = org_world.app_own
        move_application(
            application=app, to_stage=app.job.pipeline.stages.get(name="Interview"), actor=org_world.recruiter
        )
        ResumeFactory(application=org_world.app_shared)
        client.force_login(org_world.recruiter)
        response = client.get(reverse("home"))
        summary = response.context["summary"]
        assert summary["open_jobs_count"] == 2 and summary["applicants_today_count"] == 2
        assert summary["awaiting_review_count"] == 1
        funnel = {step.name: step.count for step in response.context["funnel"]}
        assert funnel == {"Applied": 1, "Interview": 1}
        body = response.content.decode()
        assert "<svg" in body and 'class="funnel"' in body
        assert "to Interview" in body and "Resume uploaded" in body
        assert "Secret project lead" not in body

    @pytest.mark.parametrize("rows", [5, 200])
    def test_query_count(self, client, org_world, rows, django_assert_max_num_queries):
        for application in ApplicationFactory.create_batch(rows, job=org_world.job_own):
            ResumeFactory(application=application)
        client.force_login(org_world.recruiter)
        with django_assert_max_num_queries(12):
            response = client.get(reverse("home"))
        assert len(response.context["activity"]) == min(rows, 12)

    def test_empty_states(self, client, db):
        client.force_login(UserFactory(role=User.Role.RECRUITER))
        body = client.get(reverse("home")).content.decode()
        assert "No applications yet" in body and "Nothing has happened yet" in body


@pytest.mark.django_db
class TestMembers:
    @pytest.mark.parametrize("who, status", [("admin", 200), ("recruiter", 403), ("manager", 403)])
    def test_admins_only(self, client, org_world, who, status):
        client.force_login(getattr(org_world, who))
        assert client.get(reverse("members")).status_code == status
        assert client.get(reverse("invite_member")).status_code == status

    def test_lists_own_org_only(self, client, org_world):
        client.force_login(org_world.admin)
        body = client.get(reverse("members")).content.decode()
        assert "recruiter@acme.test" in body and "globex" not in body

    @pytest.mark.parametrize("rows", [5, 200])
    def test_query_count(self, client, org_world, rows, django_assert_max_num_queries):
        UserFactory.create_batch(rows, org=org_world.org_a)
        client.force_login(org_world.admin)
        with django_assert_max_num_queries(8):
            assert client.get(reverse("members")).status_code == 200

    def test_invite_email_and_accept(self, client, org_world, django_capture_on_commit_callbacks):
        client.force_login(org_world.admin)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("invite_member"), {"email": "New.Person@Acme.test", "name": "", "role": "hiring_manager"}
            )
        assert response.status_code == 302
        invited = User.objects.get(email="new.person@acme.test")
        assert not invited.is_active and not invited.has_usable_password()
        assert invited.org == org_world.org_a and invited.role == "hiring_manager"
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.person@acme.test"]
        link = re.search(r"https?://\S+", mail.outbox[0].body).group()
        path = link.split("://", 1)[1].split("/", 1)[1]
        client.logout()
        page = client.get("/" + path)
        assert page.status_code == 200 and "Join Acme" in page.content.decode()
        bad = client.post("/" + path, {"name": "New Person", "password1": "short", "password2": "short"})
        assert bad.status_code == 200 and b"errorlist" in bad.content
        done = client.post(
            "/" + path,
            {"name": "New Person", "password1": "a-long-fine-passphrase", "password2": "a-long-fine-passphrase"},
        )
        assert done.status_code == 302
        invited.refresh_from_db()
        assert invited.is_active and invited.name == "New Person" and invited.check_password("a-long-fine-passphrase")
        assert client.get(reverse("home")).status_code == 200
        client.logout()
        assert client.get("/" + path).status_code == 404  # the link works once

    def test_invite_refuses_existing_accounts(self, client, org_world):
        client.force_login(org_world.admin)
        response = client.post(reverse("invite_member"), {"email": "admin@globex.test", "role": "recruiter"})
        assert response.status_code == 400
        assert "already has an account" in response.content.decode()
        assert mail.outbox == []

    def test_tampered_link_is_404(self, client, org_world):
        assert client.get(reverse("accept_invite", args=["MQ", "abc-123"])).status_code == 404

    def test_withdrawn_invitation_link_stops_working(self, client, org_world, django_capture_on_commit_callbacks):
        client.force_login(org_world.admin)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("invite_member"), {"email": "later@acme.test", "role": "recruiter"})
        link = re.search(r"https?://\S+", mail.outbox[0].body).group()
        invited = User.objects.get(email="later@acme.test")
        client.post(reverse("set_member_active", args=[invited.pk]), {"active": "0"})
        path = "/" + link.split("://", 1)[1].split("/", 1)[1]
        assert client.get(path).status_code == 404

    def test_change_role_and_deactivate(self, client, org_world):
        client.force_login(org_world.admin)
        response = client.post(
            reverse("change_role", args=[org_world.recruiter.pk]), {"role": "hiring_manager"}, headers=HTMX
        )
        assert response.content.lstrip().startswith(b'<section id="members-panel"')
        org_world.recruiter.refresh_from_db()
        assert org_world.recruiter.role == "hiring_manager"
        client.post(reverse("set_member_active", args=[org_world.recruiter.pk]), {"active": "0"})
        org_world.recruiter.refresh_from_db()
        assert not org_world.recruiter.is_active
        client.post(reverse("set_member_active", args=[org_world.recruiter.pk]), {"active": "1"})
        org_world.recruiter.refresh_from_db()
        assert org_world.recruiter.is_active

    def test_last_admin_and_self_are_protected(self, client, org_world):
        client.force_login(org_world.admin)
        response = client.post(reverse("change_role", args=[org_world.admin.pk]), {"role": "recruiter"}, follow=True)
        assert "at least one active admin" in response.content.decode()
        client.post(reverse("set_member_active", args=[org_world.admin.pk]), {"active": "0"})
        org_world.admin.refresh_from_db()
        assert org_world.admin.role == "admin" and org_world.admin.is_active

    def test_other_org_member_is_404(self, client, org_world):
        client.force_login(org_world.admin)
        assert (
            client.post(reverse("change_role", args=[org_world.b_admin.pk]), {"role": "recruiter"}).status_code == 404
        )
        assert (
            client.post(reverse("set_member_active", args=[org_world.b_admin.pk]), {"active": "0"}).status_code == 404
        )


@pytest.mark.django_db
class TestErrorPages:
    def test_404_is_friendly(self, client, org_world):
        client.force_login(org_world.recruiter)
        response = client.get("/jobs/999999/")
        assert response.status_code == 404
        assert "can't find that page" in response.content.decode()

    def test_403_is_friendly(self, client, org_world):
        client.force_login(org_world.manager)
        response = client.get(reverse("jobs:create"))
        assert response.status_code == 403
        assert "can't do that here" in response.content.decode()

    def test_500_page_renders_standalone(self, rf):
        from dashboard.views import server_error

        response = server_error(rf.get("/"))
        assert response.status_code == 500 and b"Something went wrong" in response.content

    def test_messages_area_on_every_page(self, client, org_world):
        client.force_login(org_world.recruiter)
        assert b'id="messages"' in client.get(reverse("jobs:list")).content
