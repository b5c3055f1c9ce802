from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from candidates.models import Application, StageChange
from dashboard.models import User
from integrations.models import SyncEvent
from integrations.selectors import FAILED as SYNC_FAILED
from integrations.selectors import sync_status_for_applications
from jobs.models import Job
from screening.models import Resume

ACTIVITY_LIMIT = 12
SYNC_SCAN_LIMIT = 500


def _today_start() -> datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def sync_problems_count(*, user: User) -> int:
    """Visible applications whose latest ATS sync failed (a later delivery clears it)."""
    with_failures = (
        Application.objects.visible_to(user)
        .filter(sync_events__status=SyncEvent.Status.FAILED)
        .order_by()
        .values_list("pk", flat=True)
        .distinct()[:SYNC_SCAN_LIMIT]
    )
    statuses = sync_status_for_applications(list(with_failures))
    return sum(1 for status in statuses.values() if status == SYNC_FAILED)


def home_summary(*, user: User) -> dict[str, int]:
    jobs = Job.objects.visible_to(user).aggregate(
        visible=Count("pk"), open=Count("pk", filter=Q(status=Job.Status.OPEN))
    )
    applications = Application.objects.visible_to(user).aggregate(
        total=Count("pk"), today=Count("pk", filter=Q(applied_at__gte=_today_start()))
    )
    return {
        "visible_jobs_count": jobs["visible"],
        "open_jobs_count": jobs["open"],
        "applicants_today_count": applications["today"],
        "applications_count": applications["total"],
        "awaiting_review_count": Resume.objects.visible_to(user)
        .current()
        .filter(status=Resume.Status.PARSED, is_approved__isnull=True)
        .count(),
        "sync_problems_count": sync_problems_count(user=user),
    }


@dataclass(frozen=True)
class FunnelStep:
    name: str
    count: int
    percent: float


def stage_funnel(*, user: User) -> list[FunnelStep]:
    """Applications per stage name across the user's jobs, in pipeline order."""
    rows = (
        Application.objects.visible_to(user)
        .order_by()
        .values("stage__name")
        .annotate(n=Count("pk"), position=Min("stage__order"))
        .order_by("position", "stage__name")
    )
    rows = list(rows)
    largest = max((row["n"] for row in rows), default=0)
    return [
        FunnelStep(
            name=row["stage__name"], count=row["n"], percent=round(row["n"] / largest * 100, 1) if largest else 0.0
        )
        for row in rows
    ]


@dataclass(frozen=True)
class ActivityItem:
    at: datetime
    kind: str
    text: str
    candidate_id: int
    job_id: int


def recent_activity(*, user: User, limit: int = ACTIVITY_LIMIT) -> list[ActivityItem]:
    """Stage moves, resume uploads and reviews, newest first (two queries)."""
    items: list[ActivityItem] = []
    moves = (
        StageChange.objects.visible_to(user)
        .select_related("application__candidate", "application__job", "from_stage", "to_stage", "actor")
        .order_by("-at", "-pk")[:limit]
    )
    for move in moves:
        who = (move.actor.name or move.actor.email) if move.actor else move.get_source_display()
        if move.from_stage is None:
            text = f"{move.application.candidate.name} applied to {move.application.job.title}"
        else:
            text = (
                f"{who} moved {move.application.candidate.name} from {move.from_stage.name} "
                f"to {move.to_stage.name} ({move.application.job.title})"
            )
        items.append(ActivityItem(move.at, "move", text, move.application.candidate_id, move.application.job_id))
    # One query for uploads and reviews: each resume's latest event.
    resumes = (
        Resume.objects.visible_to(user)
        .select_related("candidate", "job", "approved_by")
        .annotate(last_event_at=Greatest("created_at", Coalesce("reviewed_at", "created_at")))
        .order_by("-last_event_at", "-pk")[:limit]
    )
    for resume in resumes:
        if resume.reviewed_at is None:
            text = f"Resume uploaded for {resume.candidate.name} ({resume.job.title})"
            items.append(ActivityItem(resume.created_at, "upload", text, resume.candidate_id, resume.job_id))
            continue
        verdict = "approved" if resume.is_approved else "rejected"
        who = (resume.approved_by.name or resume.approved_by.email) if resume.approved_by else "Someone"
        text = f"{who} {verdict} the resume of {resume.candidate.name} ({resume.job.title})"
        items.append(ActivityItem(resume.reviewed_at, "review", text, resume.candidate_id, resume.job_id))
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]


def members_for_list(*, user: User) -> QuerySet[User]:
    return User.objects.visible_to(user).order_by("-is_active", "name", "email")
