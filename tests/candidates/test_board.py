"""The pipeline board: columns and counts, moves (HTMX and plain POST), bulk moves, load more."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from candidates.models import Application, StageChange
from candidates.selectors import BOARD_PAGE_SIZE
from jobs.models import Stage
from jobs.services import create_pipeline
from tests.factories import ApplicationFactory, ResumeScoreFactory, TestLogFactory

HTMX = {"HX-Request": "true"}
BOARD_QUERY_BOUND = 12


def stage_named(job, name):
    return job.pipeline.stages.get(name=name)


def board_url(job):
    return reverse("jobs:board", args=[job.pk])


def move_url(application):
    return reverse("candidates:move", args=[application.pk])


@pytest.mark.django_db
class TestBoard:
    def test_columns_counts_and_card_badges(self, client, org_world):
        job = org_world.job_own
        app = org_world.app_own
        ResumeScoreFactory(resume__application=app, overall_score=8.5)
        TestLogFactory(job=job, candidate=app.candidate, passed=True)
        ApplicationFactory.create_batch(2, job=job, stage=stage_named(job, "Interview"))
        client.force_login(org_world.recruiter)
        response = client.get(board_url(job))
        columns = {column.stage.name: column for column in response.context["columns"]}
        assert list(columns) == [stage.name for stage in job.stages()]
        assert columns["Applied"].count == 1 and columns["Interview"].count == 2
        card = columns["Applied"].cards[0]
        assert float(card.overall_score) == 8.5 and card.has_test and card.test_passed is True
        body = response.content.decode()
        assert "8.5/10" in body and "Test ✓" in body and app.candidate.name in body

    def test_first_cards_per_column_and_load_more(self, client, org_world):
        job = org_world.job_own
        ApplicationFactory.create_batch(BOARD_PAGE_SIZE + 5, job=job)
        client.force_login(org_world.recruiter)
        response = client.get(board_url(job))
        applied = response.context["columns"][0]
        assert applied.count == BOARD_PAGE_SIZE + 6
        assert len(applied.cards) == BOARD_PAGE_SIZE and applied.has_more
        more_url = reverse("candidates:stage_column", args=[job.pk, applied.stage.pk])
        assert f"{more_url}?offset={BOARD_PAGE_SIZE}" in response.content.decode()

        more = client.get(more_url, {"offset": BOARD_PAGE_SIZE}, headers=HTMX)
        assert b"<html" not in more.content
        assert len(more.context["cards"]) == 6
        assert b'id="more-stage-' in more.content and b'hx-swap-oob="true"' in more.content
        shown = {card.pk for card in applied.cards} | {card.pk for card in more.context["cards"]}
        assert len(shown) == BOARD_PAGE_SIZE + 6

        page = client.get(more_url, {"offset": BOARD_PAGE_SIZE})
        assert b"<html" in page.content and page.status_code == 200

    @pytest.mark.parametrize("rows", [5, 200])
    def test_query_count_does_not_grow(self, client, org_world, rows, django_assert_max_num_queries):
        job = org_world.job_own
        stages = list(job.stages())
        for index, application in enumerate(ApplicationFactory.create_batch(rows, job=job)):
            if index % 3 == 0:
                ResumeScoreFactory(resume__application=application)
            if index % 4 == 0:
                Application.objects.filter(pk=application.pk).update(stage=stages[index % len(stages)])
        client.force_login(org_world.recruiter)
        with django_assert_max_num_queries(BOARD_QUERY_BOUND):
            response = client.get(board_url(job))
        assert sum(column.count for column in response.context["columns"]) == rows + 1
        stage = stages[0]
        with django_assert_max_num_queries(BOARD_QUERY_BOUND):
            client.get(reverse("candidates:stage_column", args=[job.pk, stage.pk]), {"offset": 5})

    @pytest.mark.parametrize(
        "who, job, status",
        [
            ("admin", "job_private", 200),
            ("recruiter", "job_private", 404),
            ("manager", "job_shared", 200),
            ("b_admin", "job_own", 404),
        ],
    )
    def test_stage_column_access(self, client, org_world, who, job, status):
        job = getattr(org_world, job)
        client.force_login(getattr(org_world, who))
        url = reverse("candidates:stage_column", args=[job.pk, job.pipeline.first_stage().pk])
        assert client.get(url).status_code == status

    def test_stage_of_another_pipeline_is_404(self, client, org_world):
        other = create_pipeline(org=org_world.org_a, name="Other")
        client.force_login(org_world.admin)
        url = reverse("candidates:stage_column", args=[org_world.job_own.pk, other.stages.first().pk])
        assert client.get(url).status_code == 404


@pytest.mark.django_db
class TestMove:
    def test_plain_post_moves_and_redirects_back_to_the_board(self, client, org_world):
        app = org_world.app_own
        interview = stage_named(app.job, "Interview")
        client.force_login(org_world.recruiter)
        response = client.post(move_url(app), {"stage": interview.pk, "next": board_url(app.job)})
        assert response.status_code == 302 and response["Location"] == board_url(app.job)
        app.refresh_from_db()
        assert app.stage == interview
        change = StageChange.objects.get(application=app, to_stage=interview)
        assert change.actor == org_world.recruiter and change.source == "dashboard"
        board = client.get(board_url(app.job))
        assert "moved to Interview" in board.content.decode()

    def test_next_must_be_local(self, client, org_world):
        client.force_login(org_world.recruiter)
        app = org_world.app_own
        response = client.post(
            move_url(app), {"stage": stage_named(app.job, "Offer").pk, "next": "https://evil.example/"}
        )
        assert response["Location"] == board_url(app.job)

    def test_htmx_move_returns_card_and_column_counts_out_of_band(self, client, org_world):
        app = org_world.app_own
        interview = stage_named(app.job, "Interview")
        client.force_login(org_world.recruiter)
        response = client.post(move_url(app), {"stage": interview.pk}, headers={**HTMX, "HX-Target": f"card-{app.pk}"})
        assert response.status_code == 200
        body = response.content.decode()
        assert f'hx-swap-oob="afterbegin:#cards-stage-{interview.pk}"' in body
        assert f'id="card-{app.pk}"' in body
        for stage in app.job.stages():
            expected = 1 if stage == interview else 0
            assert f'<span class="count" id="count-stage-{stage.pk}" hx-swap-oob="true">{expected}</span>' in body
        assert 'id="messages"' in body and "moved to Interview" in body
        app.refresh_from_db()
        assert app.stage == interview

    def test_rejection_needs_a_reason_and_snaps_back(self, client, org_world):
        app = org_world.app_own
        applied, rejected = app.stage, stage_named(app.job, "Rejected")
        client.force_login(org_world.recruiter)
        response = client.post(move_url(app), {"stage": rejected.pk, "reason": "  "}, headers=HTMX)
        body = response.content.decode()
        assert "reason for the rejection" in body
        assert f"afterbegin:#cards-stage-{applied.pk}" in body  # the card goes back to its column
        app.refresh_from_db()
        assert app.stage == applied
        client.post(move_url(app), {"stage": rejected.pk, "reason": "Needs a visa we cannot sponsor"}, headers=HTMX)
        app.refresh_from_db()
        assert app.stage == rejected and app.rejection_reason == "Needs a visa we cannot sponsor"

    def test_stage_of_another_pipeline_is_refused(self, client, org_world):
        other = create_pipeline(org=org_world.org_a, name="Other")
        client.force_login(org_world.recruiter)
        response = client.post(move_url(org_world.app_own), {"stage": other.stages.first().pk}, headers=HTMX)
        assert response.status_code == 200
        assert "Choose one of this job" in response.content.decode()
        assert not StageChange.objects.filter(application=org_world.app_own, from_stage__isnull=False).exists()

    @pytest.mark.parametrize(
        "who, app, status",
        [
            ("admin", "app_private", 302),
            ("recruiter", "app_shared", 302),
            ("recruiter", "app_private", 404),
            ("manager", "app_shared", 403),
            ("b_admin", "app_own", 404),
        ],
    )
    def test_role_table(self, client, org_world, who, app, status):
        app = getattr(org_world, app)
        client.force_login(getattr(org_world, who))
        response = client.post(move_url(app), {"stage": stage_named(app.job, "Offer").pk})
        assert response.status_code == status
        app.refresh_from_db()
        assert (app.stage.name == "Offer") is (status == 302)

    def test_get_is_not_allowed(self, client, org_world):
        client.force_login(org_world.recruiter)
        assert client.get(move_url(org_world.app_own)).status_code == 405


@pytest.mark.django_db
class TestBulkMove:
    def test_moves_every_selected_card(self, client, org_world):
        job = org_world.job_own
        extra = ApplicationFactory.create_batch(3, job=job)
        assessment = stage_named(job, "Assessment")
        client.force_login(org_world.recruiter)
        selected = [org_world.app_own.pk, extra[0].pk, extra[1].pk]
        response = client.post(
            reverse("candidates:bulk_move", args=[job.pk]), {"stage": assessment.pk, "applications": selected}
        )
        assert response.status_code == 302
        assert set(Application.objects.filter(stage=assessment).values_list("pk", flat=True)) == set(selected)

    def test_htmx_returns_the_board(self, client, org_world):
        job = org_world.job_own
        client.force_login(org_world.recruiter)
        response = client.post(
            reverse("candidates:bulk_move", args=[job.pk]),
            {"stage": stage_named(job, "Offer").pk, "applications": [org_world.app_own.pk]},
            headers={**HTMX, "HX-Target": "board"},
        )
        assert response.content.lstrip().startswith(b'<section id="board"')
        assert b"Moved 1 candidate to Offer" in response.content

    def test_all_or_nothing_and_only_this_jobs_cards(self, client, org_world):
        job = org_world.job_own
        client.force_login(org_world.admin)
        url = reverse("candidates:bulk_move", args=[job.pk])
        response = client.post(
            url,
            {"stage": stage_named(job, "Offer").pk, "applications": [org_world.app_own.pk, org_world.app_private.pk]},
        )
        assert response.status_code == 302
        for app in (org_world.app_own, org_world.app_private):
            app.refresh_from_db()
            assert app.stage.name == "Applied"
        rejected = stage_named(job, "Rejected")
        client.post(url, {"stage": rejected.pk, "applications": [org_world.app_own.pk]})
        org_world.app_own.refresh_from_db()
        assert org_world.app_own.stage.name == "Applied"

    def test_nothing_selected_is_a_message(self, client, org_world):
        client.force_login(org_world.recruiter)
        response = client.post(
            reverse("candidates:bulk_move", args=[org_world.job_own.pk]),
            {"stage": stage_named(org_world.job_own, "Offer").pk},
            follow=True,
        )
        assert "Select at least one candidate" in response.content.decode()

    def test_manager_and_other_org(self, client, org_world):
        client.force_login(org_world.manager)
        url = reverse("candidates:bulk_move", args=[org_world.job_shared.pk])
        assert client.post(url, {"stage": 1, "applications": [org_world.app_shared.pk]}).status_code == 403
        client.force_login(org_world.b_admin)
        url = reverse("candidates:bulk_move", args=[org_world.job_own.pk])
        assert client.post(url, {"stage": 1, "applications": [org_world.app_own.pk]}).status_code == 404


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="row locks need PostgreSQL")
def test_two_users_moving_the_same_card_at_once(org_world):
    """Both moves go through the view at the same moment: both are recorded, one after the
    other, nothing errors, and the board shows the stage of the last one."""
    app = org_world.app_own
    job = app.job
    offer, interview = stage_named(job, "Offer"), stage_named(job, "Interview")
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def mover(user, stage):
        client = Client()
        client.force_login(user)
        try:
            barrier.wait()
            response = client.post(move_url(app), {"stage": stage.pk}, headers=HTMX)
            statuses.append(response.status_code)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=mover, args=(org_world.recruiter, offer)),
        threading.Thread(target=mover, args=(org_world.admin, interview)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and statuses == [200, 200]
    app.refresh_from_db()
    moves = list(StageChange.objects.filter(application=app, from_stage__isnull=False).order_by("at", "pk"))
    assert len(moves) == 2
    # Recorded in order: the second move starts from where the first one left the card.
    assert moves[0].from_stage.name == "Applied"
    assert moves[1].from_stage == moves[0].to_stage
    assert app.stage == moves[1].to_stage
    assert Stage.objects.filter(pk=app.stage_id, name__in=["Offer", "Interview"]).exists()
    viewer = Client()
    viewer.force_login(org_world.recruiter)
    columns = {column.stage.pk: column for column in viewer.get(board_url(job)).context["columns"]}
    assert [card.pk for card in columns[app.stage_id].cards] == [app.pk]
    assert sum(column.count for column in columns.values()) == 1


def sync_event(application, status, sequence):
    import uuid

    from integrations.models import AtsConnection, SyncEvent

    connection, _ = AtsConnection.objects.get_or_create(org=application.org, provider="workable")
    return SyncEvent.objects.create(
        org=application.org,
        connection=connection,
        application=application,
        kind=SyncEvent.Kind.STAGE_MOVED,
        status=status,
        idempotency_key=uuid.uuid4().hex,
        sequence=sequence,
    )


@pytest.mark.django_db
def test_cards_and_candidate_page_show_the_ats_sync_state(client, org_world):
    syncing, failed = org_world.app_own, ApplicationFactory(job=org_world.job_own)
    sync_event(syncing, "pending", 1)
    sync_event(failed, "failed", 1)
    client.force_login(org_world.recruiter)
    body = client.get(board_url(org_world.job_own)).content.decode()
    assert "Syncing…" in body and "Sync failed" in body
    assert reverse("integrations:sync_badge", args=[syncing.pk]) in body  # the syncing badge polls
    detail = client.get(reverse("candidates:detail", args=[failed.candidate_id])).content.decode()
    assert "Sync failed" in detail
    home = client.get(reverse("home"))
    assert home.context["summary"]["sync_problems_count"] == 1
    sync_event(failed, "delivered", 2)
    assert client.get(reverse("home")).context["summary"]["sync_problems_count"] == 0


@pytest.mark.django_db
def test_the_column_page_without_js_moves_with_plain_forms_back_to_itself(client, org_world):
    job = org_world.job_own
    ApplicationFactory.create_batch(3, job=job)
    applied = job.pipeline.first_stage()
    url = reverse("candidates:stage_column", args=[job.pk, applied.pk])
    client.force_login(org_world.recruiter)
    body = client.get(url, {"offset": 1}).content.decode()
    assert 'form="bulk-move"' not in body and "hx-post" not in body and 'draggable="true"' not in body
    assert f'name="next" value="{url}?offset=1"' in body
    more = client.get(url, {"offset": 1}, headers=HTMX).content.decode()
    assert 'form="bulk-move"' in more and "hx-post" in more
