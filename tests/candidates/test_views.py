"""Candidate list and detail, notes, resume preview: role table, HTMX partials, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from candidates.models import Note
from tests.factories import (
    ApplicationFactory,
    NoteFactory,
    ResumeFactory,
    ResumeScoreFactory,
    StageChangeFactory,
    TestLogFactory,
)

HTMX = {"HX-Request": "true"}
QUERY_BOUND = 14


@pytest.mark.django_db
class TestCandidateList:
    @pytest.mark.parametrize("who, count", [("admin", 3), ("recruiter", 2), ("manager", 1), ("b_admin", 1)])
    def test_scoped(self, client, org_world, who, count):
        client.force_login(getattr(org_world, who))
        response = client.get(reverse("candidates:list"))
        assert response.status_code == 200
        assert response.context["table"].paginator.count == count

    def test_search_and_htmx_partial(self, client, org_world):
        candidate = org_world.app_own.candidate
        client.force_login(org_world.recruiter)
        response = client.get(
            reverse("candidates:list"), {"q": candidate.email}, headers={**HTMX, "HX-Target": "results"}
        )
        assert response.content.lstrip().startswith(b'<section id="results"')
        assert [row.record for row in response.context["table"].paginated_rows] == [candidate]

    @pytest.mark.parametrize("rows", [5, 200])
    def test_query_count(self, client, org_world, rows, django_assert_max_num_queries):
        ApplicationFactory.create_batch(rows, job=org_world.job_own)
        client.force_login(org_world.recruiter)
        with django_assert_max_num_queries(QUERY_BOUND):
            response = client.get(reverse("candidates:list"), {"sort": "-applications_count"})
        assert response.context["table"].paginator.count == rows + 2


@pytest.mark.django_db
class TestCandidateDetail:
    @pytest.mark.parametrize(
        "who, app, status",
        [
            ("admin", "app_private", 200),
            ("recruiter", "app_own", 200),
            ("recruiter", "app_shared", 200),
            ("recruiter", "app_private", 404),
            ("manager", "app_shared", 200),
            ("manager", "app_own", 404),
            ("b_admin", "app_own", 404),
        ],
    )
    def test_role_table(self, client, org_world, who, app, status):
        client.force_login(getattr(org_world, who))
        candidate = getattr(org_world, app).candidate
        assert client.get(reverse("candidates:detail", args=[candidate.pk])).status_code == status

    def test_shows_only_visible_applications_and_their_parts(self, client, org_world):
        candidate = org_world.app_own.candidate
        hidden = ApplicationFactory(job=org_world.job_private, candidate=candidate)
        ResumeScoreFactory(resume__application=org_world.app_own, overall_score=6.5)
        ResumeFactory(application=hidden, original_name="hidden.pdf")
        TestLogFactory(job=org_world.job_own, candidate=candidate, test_name="SQL basics")
        TestLogFactory(job=org_world.job_private, candidate=candidate, test_name="Secret test")
        NoteFactory(candidate=candidate, application=hidden, body="Private-job note")
        NoteFactory(candidate=candidate, body="General note")
        StageChangeFactory(application=org_world.app_own, reason="Strong profile")
        client.force_login(org_world.recruiter)
        body = client.get(reverse("candidates:detail", args=[candidate.pk])).content.decode()
        assert "Backend engineer" in body and "Secret project lead" not in body
        assert "6.5/10" in body and "hidden.pdf" not in body
        assert "SQL basics" in body and "Secret test" not in body
        assert "General note" in body and "Private-job note" not in body
        assert "Strong profile" in body

    def test_recruiters_move_from_the_candidate_page(self, client, org_world):
        app = org_world.app_shared
        offer = app.job.pipeline.stages.get(name="Offer")
        url = reverse("candidates:detail", args=[app.candidate_id])
        client.force_login(org_world.manager)
        assert "Move to…" not in client.get(url).content.decode()
        client.force_login(org_world.recruiter)
        body = client.get(url).content.decode()
        assert "Move to…" in body and f'<option value="{offer.pk}"' in body
        response = client.post(reverse("candidates:move", args=[app.pk]), {"stage": offer.pk, "next": url})
        assert response["Location"] == url
        app.refresh_from_db()
        assert app.stage == offer

    @pytest.mark.parametrize("rows", [5, 200])
    def test_query_count(self, client, org_world, rows, django_assert_max_num_queries):
        candidate = org_world.app_own.candidate
        NoteFactory.create_batch(rows, candidate=candidate)
        StageChangeFactory.create_batch(rows, application=org_world.app_own)
        TestLogFactory.create_batch(rows, job=org_world.job_own, candidate=candidate)
        client.force_login(org_world.recruiter)
        with django_assert_max_num_queries(QUERY_BOUND):
            response = client.get(reverse("candidates:detail", args=[candidate.pk]))
        assert response.status_code == 200


@pytest.mark.django_db
class TestNotes:
    def test_htmx_note_returns_the_notes_partial(self, client, org_world):
        candidate = org_world.app_shared.candidate
        client.force_login(org_world.manager)
        response = client.post(
            reverse("candidates:add_note", args=[candidate.pk]), {"body": "Great portfolio"}, headers=HTMX
        )
        assert response.status_code == 200
        assert response.content.lstrip().startswith(b'<section class="card notes" id="notes"')
        assert b"Great portfolio" in response.content
        assert Note.objects.get(candidate=candidate).author == org_world.manager

    def test_plain_post_redirects_and_empty_is_refused(self, client, org_world):
        candidate = org_world.app_own.candidate
        client.force_login(org_world.recruiter)
        url = reverse("candidates:add_note", args=[candidate.pk])
        assert client.post(url, {"body": "Call back Monday"}).status_code == 302
        response = client.post(url, {"body": "   "}, headers=HTMX)
        assert b"errorlist" in response.content
        assert Note.objects.filter(candidate=candidate).count() == 1

    def test_out_of_scope_is_404(self, client, org_world):
        client.force_login(org_world.recruiter)
        url = reverse("candidates:add_note", args=[org_world.app_private.candidate.pk])
        assert client.post(url, {"body": "x"}).status_code == 404


@pytest.mark.django_db
def test_resumes_link_to_their_preview_and_review_page(client, org_world):
    resume = ResumeFactory(application=org_world.app_own)
    client.force_login(org_world.recruiter)
    body = client.get(reverse("candidates:detail", args=[org_world.app_own.candidate_id])).content.decode()
    assert reverse("screening:resume_detail", args=[resume.pk]) in body
