from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import nh3
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from dashboard import access
from dashboard.audit import services as audit
from dashboard.models import Organization, User
from jobs.models import Job, JobShare, Pipeline, ScoreWeight, Stage

DEFAULT_STAGES: tuple[tuple[str, str], ...] = (
    ("Applied", Stage.Kind.ACTIVE),
    ("Resume Screening", Stage.Kind.ACTIVE),
    ("Assessment", Stage.Kind.ACTIVE),
    ("Personality Screening", Stage.Kind.ACTIVE),
    ("Interview", Stage.Kind.ACTIVE),
    ("Offer", Stage.Kind.ACTIVE),
    ("Hired", Stage.Kind.HIRED),
    ("On Hold", Stage.Kind.ON_HOLD),
    ("Rejected", Stage.Kind.REJECTED),
)

JD_ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h2", "h3", "h4", "a", "blockquote"}


def sanitise_jd_html(html: str) -> str:
    return nh3.clean(
        html or "", tags=JD_ALLOWED_TAGS, attributes={"a": {"href", "title"}}, link_rel="noopener noreferrer nofollow"
    )


@transaction.atomic
def create_pipeline(
    *, org: Organization, name: str, stages: Iterable[tuple[str, str]] = DEFAULT_STAGES, is_default: bool = False
) -> Pipeline:
    pipeline = Pipeline.objects.create(org=org, name=name, is_default=is_default)
    Stage.objects.bulk_create(
        Stage(pipeline=pipeline, name=stage_name, kind=kind, order=index)
        for index, (stage_name, kind) in enumerate(stages, start=1)
    )
    return pipeline


@transaction.atomic
def ensure_default_pipeline(*, org: Organization) -> Pipeline:
    pipeline = Pipeline.objects.filter(org=org, is_default=True).first()
    return pipeline or create_pipeline(org=org, name="Default pipeline", is_default=True)


def _validated_weights(weights: dict[str, Any] | None) -> dict[str, Decimal]:
    values = {name: Decimal(str((weights or {}).get(name, default))) for name, default in ScoreWeight.DEFAULTS.items()}
    if any(value < 0 for value in values.values()):
        raise ValidationError({"score_weight": "Weights cannot be negative."})
    if abs(sum(values.values()) - Decimal("1")) > Decimal("0.005"):
        raise ValidationError({"score_weight": f"Weights must add up to 1 (they add up to {sum(values.values())})."})
    return values


JOB_FIELDS = (
    "title",
    "description",
    "location",
    "employment_type",
    "experience",
    "min_experience",
    "max_experience",
    "published",
    "close_date",
    "status",
    "must_have_skills",
)


def _apply_job_fields(job: Job, fields: dict[str, Any]) -> None:
    for name in JOB_FIELDS:
        if name in fields:
            setattr(job, name, fields[name])
    if "jd_html" in fields:
        job.jd_html = sanitise_jd_html(fields["jd_html"])
    if job.published and job.published_at is None:
        job.published_at = timezone.now()
    if job.min_experience is not None and job.max_experience is not None and job.min_experience > job.max_experience:
        raise ValidationError({"max_experience": "The maximum experience must not be below the minimum."})
    if not (job.title or "").strip():
        raise ValidationError({"title": "A job needs a title."})


@transaction.atomic
def create_job(
    *, actor: User, weights: dict[str, Any] | None = None, pipeline: Pipeline | None = None, **fields: Any
) -> Job:
    access.require(access.can_create_job(actor), "Only admins and recruiters can create jobs.")
    if pipeline is not None and pipeline.org_id != actor.org_id:
        raise ValidationError({"pipeline": "Choose one of your organisation's pipelines."})
    job = Job(
        org_id=actor.org_id,
        owner=actor,
        pipeline=pipeline or ensure_default_pipeline(org=actor.org),
        score_weight=ScoreWeight.objects.create(**_validated_weights(weights)),
    )
    _apply_job_fields(job, fields)
    job.save()
    return job


def _scoring_criteria(job: Job) -> tuple:
    return (list(job.must_have_skills), job.min_experience, job.max_experience, job.score_weight.as_dict())


@transaction.atomic
def update_job(*, job: Job, actor: User, weights: dict[str, Any] | None = None, **fields: Any) -> tuple[Job, bool]:
    """Returns the job and whether its scoring criteria changed (so resumes need rescoring)."""
    access.require(access.can_edit_job(actor, job), "You cannot edit this job.")
    job = Job.objects.select_for_update().get(pk=job.pk)
    criteria_before = _scoring_criteria(job)
    if "pipeline" in fields:
        pipeline = fields.pop("pipeline")
        if pipeline.pk != job.pipeline_id:
            if pipeline.org_id != job.org_id:
                raise ValidationError({"pipeline": "Choose one of your organisation's pipelines."})
            if job.applications.exists():
                raise ValidationError({"pipeline": "The pipeline cannot change once candidates have applied."})
            job.pipeline = pipeline
    _apply_job_fields(job, fields)
    if weights is not None:
        for name, value in _validated_weights(weights).items():
            setattr(job.score_weight, name, value)
        job.score_weight.save()
    job.save()
    return job, criteria_before != _scoring_criteria(job)


@transaction.atomic
def share_job(*, job: Job, user: User, actor: User) -> JobShare:
    if not access.can_share_job(actor, job):
        raise PermissionDenied("Only admins and the job's owner can share it.")
    if user.org_id != job.org_id or not user.is_active:
        raise ValidationError({"user": "You can only share with active colleagues of your organisation."})
    if user.pk == job.owner_id:
        raise ValidationError({"user": "The owner already has this job."})
    share, created = JobShare.objects.get_or_create(job=job, user=user, defaults={"shared_by": actor})
    if created:
        audit.record(action=audit.Action.JOB_SHARED, actor=actor, target=job, details={"with": user.email})
    return share


@transaction.atomic
def unshare_job(*, job: Job, user: User, actor: User) -> None:
    if not access.can_share_job(actor, job):
        raise PermissionDenied("Only admins and the job's owner can unshare it.")
    deleted, _ = JobShare.objects.filter(job=job, user=user).delete()
    if deleted:
        audit.record(action=audit.Action.JOB_UNSHARED, actor=actor, target=job, details={"with": user.email})
