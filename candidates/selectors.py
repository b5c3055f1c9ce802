"""Read queries for candidates, applications and the pipeline board; always scoped."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber

from candidates.models import Application, Candidate, Note, StageChange
from dashboard.models import User
from integrations.selectors import sync_status_for_applications
from jobs.models import Job, Stage
from screening.models import PersonalityScreening, Resume, TestLog

BOARD_PAGE_SIZE = 10
CARD_ORDER = (F("stage_entered_at").desc(), F("pk").desc())


def with_card_data(applications: QuerySet[Application]) -> QuerySet[Application]:
    """Everything a card or a table row shows, as annotations: one query for any number of rows."""
    same_application = {"candidate_id": OuterRef("candidate_id"), "job_id": OuterRef("job_id")}
    latest_test = TestLog.objects.filter(**same_application).order_by("-created_at", "-pk")
    latest_screening = PersonalityScreening.objects.filter(**same_application).order_by("-invited_at", "-pk")
    return applications.select_related("candidate", "stage").annotate(
        overall_score=Subquery(Resume.objects.filter(**same_application, is_current=True).values("rank_score")[:1]),
        has_test=Exists(latest_test),
        test_passed=Subquery(latest_test.values("passed")[:1]),
        screening_status=Subquery(latest_screening.values("status")[:1]),
    )


def attach_sync_status(applications: list[Application]) -> list[Application]:
    """The ATS sync state of each (already scoped) application, in one query."""
    statuses = sync_status_for_applications([application.pk for application in applications])
    for application in applications:
        application.sync_status = statuses.get(application.pk)
    return applications


@dataclass
class BoardColumn:
    stage: Stage
    count: int
    cards: list[Application] = field(default_factory=list)

    @property
    def has_more(self) -> bool:
        return self.count > len(self.cards)


def job_applications(*, user: User, job: Job) -> QuerySet[Application]:
    return Application.objects.visible_to(user).filter(job=job)


def stage_counts(*, user: User, job: Job) -> dict[int, int]:
    rows = job_applications(user=user, job=job).order_by().values("stage_id").annotate(n=Count("*"))
    return {row["stage_id"]: row["n"] for row in rows}


def board_for_job(*, user: User, job: Job, per_column: int = BOARD_PAGE_SIZE) -> list[BoardColumn]:
    """A column per stage with its exact count and its first `per_column` cards.

    A fixed number of queries whatever the number of applications: stages, counts, the
    ids of the first N cards of each stage (a window function in the database), the cards.
    """
    stages = list(job.stages())
    counts = stage_counts(user=user, job=job)
    # Rank on the bare rows first, then load card data for the few cards shown: the
    # annotations are then computed for ~per_column × stages rows, not for every application.
    ranked_ids = (
        job_applications(user=user, job=job)
        .annotate(position=Window(RowNumber(), partition_by=[F("stage_id")], order_by=list(CARD_ORDER)))
        .filter(position__lte=per_column)
        .order_by()
        .values_list("pk", flat=True)
    )
    shown = with_card_data(Application.objects.filter(pk__in=list(ranked_ids)))
    cards = attach_sync_status(list(shown.order_by("stage_id", *CARD_ORDER)))
    columns = {stage.pk: BoardColumn(stage=stage, count=counts.get(stage.pk, 0)) for stage in stages}
    for card in cards:
        if card.stage_id in columns:
            columns[card.stage_id].cards.append(card)
    return list(columns.values())


def board_context(*, user: User, job: Job) -> dict[str, Any]:
    """The board partial's columns, the stages its move forms offer, and the total."""
    columns = board_for_job(user=user, job=job)
    return {
        "columns": columns,
        "stages": [column.stage for column in columns],
        "board_total": sum(column.count for column in columns),
    }


def stage_cards(*, user: User, job: Job, stage: Stage, offset: int, limit: int = BOARD_PAGE_SIZE) -> list[Application]:
    queryset = with_card_data(job_applications(user=user, job=job).filter(stage=stage)).order_by(*CARD_ORDER)
    return attach_sync_status(list(queryset[offset : offset + limit]))


def card(*, user: User, application_id: int) -> Application:
    application = with_card_data(Application.objects.visible_to(user)).select_related("job").get(pk=application_id)
    attach_sync_status([application])
    return application


def applications_table(*, user: User, job: Job) -> QuerySet[Application]:
    return with_card_data(job_applications(user=user, job=job))


def job_history(*, user: User, job: Job) -> QuerySet[StageChange]:
    return (
        StageChange.objects.visible_to(user)
        .filter(application__job=job)
        .select_related("application__candidate", "from_stage", "to_stage", "actor")
        .order_by("-at", "-pk")
    )


def candidates_for_list(*, user: User) -> QuerySet[Candidate]:
    # A correlated count, computed only for the rows of the page shown (a join + GROUP BY
    # would aggregate every candidate of the org before paginating).
    visible_applications = (
        Application.objects.visible_to(user)
        .filter(candidate_id=OuterRef("pk"))
        .order_by()
        .values("candidate_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Candidate.objects.visible_to(user).annotate(
        applications_count=Coalesce(Subquery(visible_applications, output_field=IntegerField()), 0)
    )


def candidate_profile(*, user: User, candidate: Candidate) -> dict[str, Any]:
    """All the visible parts of one candidate: a fixed number of queries."""
    applications = attach_sync_status(
        list(
            with_card_data(Application.objects.visible_to(user).filter(candidate=candidate))
            .select_related("job__pipeline")
            .prefetch_related(
                Prefetch("job__pipeline__stages", queryset=Stage.objects.order_by("order")),
                Prefetch(
                    "stage_changes",
                    queryset=StageChange.objects.select_related("from_stage", "to_stage", "actor").order_by(
                        "-at", "-pk"
                    ),
                ),
            )
            .order_by("-applied_at")
        )
    )
    return {
        "applications": applications,
        "resumes": Resume.objects.visible_to(user)
        .filter(candidate=candidate)
        .select_related("job", "score", "approved_by")
        .order_by("-created_at"),
        "test_logs": TestLog.objects.visible_to(user).filter(candidate=candidate).select_related("job"),
        "screenings": PersonalityScreening.objects.visible_to(user)
        .filter(candidate=candidate)
        .select_related("job", "instrument"),
        "notes": candidate_notes(user=user, candidate=candidate),
    }


def candidate_notes(*, user: User, candidate: Candidate) -> QuerySet[Note]:
    visible_jobs = Job.objects.visible_to(user).values("pk")
    return (
        Note.objects.visible_to(user)
        .filter(candidate=candidate)
        .filter(Q(application__isnull=True) | Q(application__job_id__in=visible_jobs))
        .select_related("author", "application__job")
        .order_by("-created_at")
    )
