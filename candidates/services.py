from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from candidates.models import Application, Candidate, Note, StageChange
from candidates.signals import application_created, application_moved, note_added
from dashboard import access
from dashboard.models import Organization, User
from jobs.models import Job, Stage


class StageMoveRefused(ValidationError):
    """The move is not allowed (wrong pipeline, missing reason, closed job...)."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


@transaction.atomic
def find_or_create_candidate(
    *,
    org: Organization,
    name: str,
    email: str,
    phone: str = "",
    location: str = "",
    linkedin_url: str = "",
    github_url: str = "",
    portfolio_url: str = "",
    source: str = Candidate.Source.SOURCED,
    update_existing: bool = True,
) -> tuple[Candidate, bool]:
    """One person per email per organisation: applying twice never makes two people."""
    email = normalise_email(email)
    if not email:
        raise ValidationError({"email": "An email address is required."})
    profile = {
        "phone": phone,
        "location": location,
        "linkedin_url": linkedin_url,
        "github_url": github_url,
        "portfolio_url": portfolio_url,
    }
    candidate = Candidate.objects.select_for_update().filter(org=org, email__iexact=email).first()
    if candidate is None:
        try:
            with transaction.atomic():
                candidate = Candidate.objects.create(
                    org=org, name=name.strip() or email, email=email, source=source, **profile
                )
            return candidate, True
        except IntegrityError:
            # Someone created the same person a moment ago: use theirs.
            candidate = Candidate.objects.select_for_update().get(org=org, email__iexact=email)
    if update_existing:
        changed = [field for field, value in profile.items() if value and getattr(candidate, field) != value]
        for field in changed:
            setattr(candidate, field, profile[field])
        if name.strip() and not candidate.name:
            candidate.name = name.strip()
            changed.append("name")
        if changed:
            candidate.save(update_fields=[*changed, "updated_at"])
    return candidate, False


@transaction.atomic
def apply_to_job(
    *,
    candidate: Candidate,
    job: Job,
    source: str = StageChange.Source.DASHBOARD,
    actor: User | None = None,
    stage: Stage | None = None,
) -> tuple[Application, bool]:
    """Create the candidate's application to the job (first stage), or return the existing one."""
    if candidate.org_id != job.org_id:
        raise ValidationError("The candidate and the job belong to different organisations.")
    existing = Application.objects.filter(candidate=candidate, job=job).first()
    if existing:
        return existing, False
    first_stage = stage or job.pipeline.first_stage()
    if first_stage is None:
        raise ValidationError("The job's pipeline has no stages.")
    if first_stage.pipeline_id != job.pipeline_id:
        raise ValidationError({"stage": "That stage is not in this job's pipeline."})
    now = timezone.now()
    try:
        with transaction.atomic():
            application = Application.objects.create(
                org_id=job.org_id, candidate=candidate, job=job, stage=first_stage, applied_at=now, stage_entered_at=now
            )
    except IntegrityError:
        return Application.objects.get(candidate=candidate, job=job), False
    StageChange.objects.create(
        org_id=job.org_id,
        application=application,
        from_stage=None,
        to_stage=first_stage,
        actor=actor,
        source=source,
        at=now,
    )
    application_created.send(sender=Application, application=application)
    return application, True


@transaction.atomic
def move_application(
    *,
    application: Application,
    to_stage: Stage,
    actor: User | None,
    source: str = StageChange.Source.DASHBOARD,
    reason: str = "",
) -> StageChange | None:
    """Move an application to a stage: the one way a stage ever changes.

    Locks the row so concurrent moves are recorded one after another, each from the stage
    the previous one left. Returns None when the application is already in that stage.
    `actor` is None for moves made by the system (ATS, webhooks), which skip the role check.
    """
    # Not select_related("stage"): when this lock waits for a concurrent move, PostgreSQL
    # re-checks the joins against the moved row, and a join on its old stage drops the row.
    locked = (
        Application.objects.select_for_update(of=("self",)).select_related("job", "candidate").get(pk=application.pk)
    )
    if Application.stage.is_cached(application) and application.stage_id == locked.stage_id:
        locked.stage = application.stage  # the caller already loaded the stage the row is in
    if actor is not None and not access.can_move_stage(actor, locked.job):
        raise PermissionDenied("You cannot move candidates in this job.")
    if to_stage.pipeline_id != locked.job.pipeline_id:
        raise StageMoveRefused("That stage is not part of this job's pipeline.")
    reason = (reason or "").strip()
    if to_stage.kind == Stage.Kind.REJECTED and not reason and source == StageChange.Source.DASHBOARD:
        raise StageMoveRefused("Please give a reason for the rejection.")
    if locked.stage_id == to_stage.pk:
        application.stage = locked.stage
        return None
    now = timezone.now()
    change = StageChange.objects.create(
        org_id=locked.org_id,
        application=locked,
        from_stage=locked.stage,
        to_stage=to_stage,
        actor=actor,
        source=source,
        reason=reason,
        at=now,
    )
    locked.stage = to_stage
    locked.stage_entered_at = now
    locked.status_text = to_stage.name
    update_fields = ["stage", "stage_entered_at", "status_text", "updated_at"]
    if to_stage.kind == Stage.Kind.REJECTED:
        locked.rejection_reason = reason
        update_fields.append("rejection_reason")
    locked.save(update_fields=update_fields)
    # The caller's instance shows the new state too.
    for field in ("stage", "stage_entered_at", "status_text", "rejection_reason", "updated_at"):
        setattr(application, field, getattr(locked, field))
    application_moved.send(sender=Application, application=locked, stage_change=change)
    return change


@transaction.atomic
def add_note(*, candidate: Candidate, author: User, body: str, application: Application | None = None) -> Note:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "A note cannot be empty."})
    if len(body) > 10_000:
        raise ValidationError({"body": "A note can be at most 10,000 characters."})
    if application is not None and application.candidate_id != candidate.pk:
        raise ValidationError("That application belongs to another candidate.")
    note = Note.objects.create(
        org_id=candidate.org_id, candidate=candidate, application=application, author=author, body=body
    )
    note_added.send(sender=Note, note=note)
    return note


@transaction.atomic
def bulk_move_applications(
    *,
    applications: list[Application],
    to_stage: Stage,
    actor: User,
    reason: str = "",
) -> int:
    """Move several applications at once: all of them, or none when one move is refused."""
    moved = 0
    for application in sorted(applications, key=lambda a: a.pk):
        if move_application(application=application, to_stage=to_stage, actor=actor, reason=reason) is not None:
            moved += 1
    return moved
