"""Screening reads, always scoped through visible_to (or an explicit job already scoped)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from candidates.models import Application
from dashboard.access import get_visible_or_404
from dashboard.models import Organization, User
from jobs.models import Job
from screening.models import (
    Instrument,
    InstrumentItem,
    PersonalityScreening,
    RescoreRun,
    Resume,
    TestLog,
)
from screening.personality import SELF_REPORT_NOTE
from screening.scoring import COMPONENTS, SCORE_FIELDS

RESUME_ORDERINGS = {"score": "score", "recent": "recent"}


def visible_job(user: User, job_id: int) -> Job:
    return get_visible_or_404(Job.objects.visible_to(user).select_related("score_weight", "org"), pk=job_id)


def visible_resume(user: User, resume_id: int) -> Resume:
    return get_visible_or_404(
        Resume.objects.visible_to(user).select_related(
            "job__score_weight", "candidate", "score", "application__stage", "approved_by"
        ),
        pk=resume_id,
    )


def ranked_resumes(*, job: Job, order: str = "score") -> QuerySet[Resume]:
    """The job's current, parsed resumes: best score first, or newest first."""
    queryset = (
        Resume.objects.unscoped()
        .filter(job=job, is_current=True, candidate__isnull=False)
        .select_related("candidate", "score", "application__stage", "approved_by")
        # The list never shows the text or the parsed fields; carrying them through the
        # sort of thousands of rows is what made ranking slow.
        .defer("extracted_text", "parsed")
    )
    if order == "recent":
        return queryset.order_by("-created_at", "-pk")
    return queryset.ranked()


def resume_history(*, resume: Resume) -> QuerySet[Resume]:
    if resume.candidate_id is None:
        return Resume.objects.none()
    return (
        Resume.objects.unscoped().filter(candidate_id=resume.candidate_id, job_id=resume.job_id).order_by("-created_at")
    )


def upload_statuses(*, job: Job, resume_ids: list[int]) -> QuerySet[Resume]:
    return Resume.objects.unscoped().filter(job=job, pk__in=resume_ids).select_related("candidate", "score")


def latest_rescore_run(*, job: Job) -> RescoreRun | None:
    return RescoreRun.objects.unscoped().filter(job=job).order_by("-created_at", "-pk").first()


def _max_points(score, job: Job, component: str) -> float:
    """10 × the weight used for the score (or, for scores stored without it, the job's)."""
    weight = (score.weights or {}).get(component)
    if weight is None:
        weight = getattr(job.score_weight, component, 0)
    return round(float(weight) * 10, 2)


def score_breakdown(resume: Resume) -> list[dict]:
    """Rows for the breakdown bars: component, points, maximum, percentage, explanation."""
    score = getattr(resume, "score", None)
    if score is None:
        return []
    rows = []
    for name in COMPONENTS:
        detail = (score.feedback or {}).get(name, {})
        points = getattr(score, SCORE_FIELDS[name])
        maximum = detail.get("max_points") or _max_points(score, resume.job, name)
        rows.append(
            {
                "name": name,
                "label": name.replace("_", " ").capitalize(),
                "points": points,
                "max_points": maximum,
                "percent": min(100, round(float(points) / maximum * 100)) if maximum else 0,
                "explanation": detail.get("explanation", ""),
            }
        )
    return rows


def resume_api_payload(resume: Resume) -> dict:
    """What `GET /api/v1/resumes/{id}` returns (resume fetched with visible_resume)."""
    score = getattr(resume, "score", None)
    parsed = {key: value for key, value in (resume.parsed or {}).items() if key not in ("source", "warnings")}
    return {
        "id": resume.pk,
        "job_id": resume.job_id,
        "candidate_id": resume.candidate_id,
        "original_name": resume.original_name,
        "status": resume.status,
        "status_text": resume.status_text,
        "completed": resume.completed,
        "is_current": resume.is_current,
        "is_approved": resume.is_approved,
        "parsed": parsed if resume.status == Resume.Status.PARSED else {},
        "relevant_experience_in_months": resume.relevant_experience_in_months,
        "score": None
        if score is None
        else {
            "overall_score": score.overall_score,
            **{SCORE_FIELDS[name]: getattr(score, SCORE_FIELDS[name]) for name in COMPONENTS},
            "weights": score.weights,
            "feedback": score.feedback,
            "scored_at": score.scored_at,
        },
        "created_at": resume.created_at,
        "updated_at": resume.updated_at,
    }


def test_logs_for_job(*, job: Job) -> QuerySet[TestLog]:
    return (
        TestLog.objects.unscoped().filter(job=job).select_related("candidate").order_by("-completed_at", "-created_at")
    )


def test_logs_for_candidate(*, user: User, candidate_id: int) -> QuerySet[TestLog]:
    return (
        TestLog.objects.visible_to(user).filter(candidate_id=candidate_id).select_related("job").order_by("-created_at")
    )


def screenings_for_job(*, job: Job) -> QuerySet[PersonalityScreening]:
    return (
        PersonalityScreening.objects.unscoped()
        .filter(job=job)
        .select_related("candidate", "instrument", "invited_by")
        .order_by("-invited_at", "-pk")
    )


def visible_screening(user: User, screening_id: int) -> PersonalityScreening:
    return get_visible_or_404(
        PersonalityScreening.objects.visible_to(user).select_related("candidate", "instrument", "job"), pk=screening_id
    )


def instruments_for(*, org: Organization) -> QuerySet[Instrument]:
    return (
        Instrument.objects.filter(Q(org__isnull=True) | Q(org=org), is_active=True)
        .annotate(item_count=Count("items"))
        .order_by("name", "-version")
    )


def invitable_applications(*, job: Job) -> QuerySet[Application]:
    return Application.objects.unscoped().filter(job=job).select_related("candidate").order_by("candidate__name")


def screening_report(screening: PersonalityScreening) -> dict:
    labels = dict(InstrumentItem.Trait.choices)
    return {
        "traits": [
            {"key": key, "label": labels.get(key, key), "score": value}
            for key, value in (screening.trait_scores or {}).items()
        ],
        "note": SELF_REPORT_NOTE,
    }
