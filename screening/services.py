"""Screening writes: resume ingestion, parsing, scoring and rescoring, reviews, public
applications, test logs (CSV, API, webhook) and personality screenings.

Each use case is one keyword-only function; the dashboard views, the API and the Celery
tasks all call these.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from candidates.models import Application, Candidate, StageChange
from candidates.services import apply_to_job, find_or_create_candidate
from config.tasks import enqueue_on_commit
from dashboard import access
from dashboard.events import resume_scored, screening_completed, test_log_created
from dashboard.models import Organization, User
from jobs.models import Job
from jobs.skills import find_skills
from screening.models import (
    AssessmentWebhook,
    Instrument,
    InstrumentItem,
    PersonalityScreening,
    RescoreRun,
    Resume,
    ResumeScore,
    TestLog,
    resume_upload_path,
)
from screening.parsing import UploadLimits, UploadRejected, parse_resume, validate_upload
from screening.parsing.dates import months_from_roles
from screening.parsing.validation import check_size
from screening.personality import ItemRow, trait_scores
from screening.scoring import JobCriteria, score_resume

logger = logging.getLogger(__name__)

SCORER_NAME = "hireboard-scorer/1"
RESCORE_BATCH_SIZE = 200
QUESTIONNAIRE_SALT = "hireboard.screening.questionnaire"
FINISHED_RESUME_STATUSES = (Resume.Status.PARSED, Resume.Status.FAILED, Resume.Status.REJECTED)


# --- resumes: ingestion ------------------------------------------------------------


def _read_upload(uploaded: UploadedFile, limits: UploadLimits) -> bytes:
    # Refuse by declared size before reading a byte; then by the real size.
    check_size(uploaded.size or 0, limits)
    data = uploaded.read(limits.max_bytes + 1)
    check_size(len(data), limits)
    return data


def _safe_original_name(name: str) -> str:
    base = (name or "resume").replace("\\", "/").rsplit("/", 1)[-1].strip() or "resume"
    return "".join(ch for ch in base if ch.isprintable())[:255]


@transaction.atomic
def ingest_resume(
    *,
    job: Job,
    uploaded: UploadedFile,
    actor: User | None,
    source: str = Candidate.Source.UPLOAD,
    candidate: Candidate | None = None,
    application: Application | None = None,
) -> Resume:
    """Validate and store one resume for a job, and queue its parsing.

    Raises UploadRejected (nothing stored) for files that must not be accepted. Without a
    known candidate, parsing finds the person by the email in the resume.
    """
    if actor is not None:
        access.require(access.can_upload_resume(actor, job), "You cannot upload resumes to this job.")
    limits = UploadLimits.from_settings()
    data = _read_upload(uploaded, limits)
    validated = validate_upload(data, limits=limits)
    original_name = _safe_original_name(uploaded.name)
    if candidate is not None:
        _retire_current_resumes(candidate=candidate, job=job)
    resume = Resume(
        org_id=job.org_id,
        job=job,
        candidate=candidate,
        application=application,
        original_name=original_name,
        content_type=validated.content_type,
        size=validated.size,
        sha256=hashlib.sha256(data).hexdigest(),
        status=Resume.Status.PENDING,
        status_text="Waiting to be parsed",
        updated_by=actor,
        parsed={"source": source},
    )
    resume.file.name = resume_upload_path(resume, original_name)
    resume.save()
    # The file is written only once the row is committed: a rollback anywhere in the
    # caller's transaction leaves neither a row nor an orphan file.
    storage, stored_name = resume.file.storage, resume.file.name
    # robust: if the write fails, the parse task still runs and reports the missing file.
    transaction.on_commit(lambda: storage.save(stored_name, ContentFile(data)), robust=True)
    from screening.tasks import parse_resume_task

    enqueue_on_commit(parse_resume_task, resume.pk)
    return resume


def _retire_current_resumes(*, candidate: Candidate, job: Job) -> None:
    """A re-upload replaces the current resume; the old ones stay as history."""
    Resume.objects.unscoped().filter(candidate=candidate, job=job, is_current=True).update(
        is_current=False, updated_at=timezone.now()
    )


@dataclass(frozen=True)
class UploadResult:
    file_name: str
    resume: Resume | None = None
    error: str = ""


def ingest_resume_batch(*, job: Job, files: list[UploadedFile], actor: User) -> list[UploadResult]:
    """Each file on its own: one bad file is named with its reason, the others go through."""
    results = []
    for uploaded in files:
        try:
            resume = ingest_resume(job=job, uploaded=uploaded, actor=actor)
        except UploadRejected as rejected:
            results.append(UploadResult(file_name=_safe_original_name(uploaded.name), error=rejected.message))
        else:
            results.append(UploadResult(file_name=resume.original_name, resume=resume))
    return results


# --- resumes: parsing and scoring ----------------------------------------------------


def _set_status(resume: Resume, status: str, text: str, *, completed: bool = False) -> None:
    resume.status = status
    resume.status_text = text[:300]
    resume.completed = completed
    Resume.objects.unscoped().filter(pk=resume.pk).update(
        status=status, status_text=resume.status_text, completed=completed, updated_at=timezone.now()
    )


def process_resume(*, resume_id: int, today: date | None = None) -> Resume | None:
    """Parse a stored resume, attach it to its candidate and application, and score it.

    Idempotent: a resume that is already finished is returned untouched.
    """
    resume = Resume.objects.unscoped().select_related("job", "candidate").filter(pk=resume_id).first()
    if resume is None or resume.status in FINISHED_RESUME_STATUSES:
        return resume
    _set_status(resume, Resume.Status.PROCESSING, "Reading the file")
    try:
        with resume.file.open("rb") as handle:
            data = handle.read()
    except (OSError, ValueError):  # ValueError: the row has no file name at all
        _set_status(resume, Resume.Status.FAILED, "The stored file is missing.", completed=True)
        return resume
    today = today or timezone.localdate()
    region = getattr(settings, "RESUME_DEFAULT_PHONE_REGION", "US")
    try:
        outcome = parse_resume(data, today=today, phone_region=region)
    except UploadRejected as rejected:
        _set_status(resume, Resume.Status.REJECTED, rejected.message, completed=True)
        return resume
    except Exception:
        # Third-party parsers raise many kinds of errors on damaged files; the person
        # uploading gets a reason, the log gets the traceback.
        logger.exception("parsing resume %s failed", resume.pk)
        _set_status(resume, Resume.Status.FAILED, "The file could not be read; it may be damaged.", completed=True)
        return resume
    if not outcome.ok:
        resume.extracted_text = outcome.text
        Resume.objects.unscoped().filter(pk=resume.pk).update(extracted_text=outcome.text)
        _set_status(resume, Resume.Status.FAILED, outcome.message, completed=True)
        return resume
    try:
        return _attach_and_score(resume=resume, outcome=outcome)
    except ValidationError as error:
        _set_status(resume, Resume.Status.FAILED, "; ".join(error.messages), completed=True)
        return resume


def _links(fields: dict) -> dict:
    links = fields.get("links") or {}
    return {
        "linkedin_url": links.get("linkedin") or "",
        "github_url": links.get("github") or "",
        "portfolio_url": links.get("portfolio") or "",
    }


@transaction.atomic
def _attach_and_score(*, resume: Resume, outcome) -> Resume:
    fields = dict(outcome.fields)
    source = (resume.parsed or {}).get("source", Candidate.Source.UPLOAD)
    job = resume.job
    if resume.candidate_id is None:
        email = fields.get("email")
        if not email:
            raise ValidationError("No email address was found in the resume, so it cannot be matched to a candidate.")
        candidate, _ = find_or_create_candidate(
            org=job.org,
            name=fields.get("name") or "",
            email=email,
            phone=fields.get("phone") or "",
            location=(fields.get("location") or "")[:200],
            source=source if source in Candidate.Source.values else Candidate.Source.UPLOAD,
            **_links(fields),
        )
        _retire_current_resumes(candidate=candidate, job=job)
        resume.candidate = candidate
    if resume.application_id is None:
        stage_source = StageChange.Source.API if source == Candidate.Source.API else StageChange.Source.DASHBOARD
        resume.application, _ = apply_to_job(
            candidate=resume.candidate, job=job, source=stage_source, actor=resume.updated_by
        )
    resume.extracted_text = outcome.text
    kept = {key: value for key, value in (resume.parsed or {}).items() if key in ("source", "cover_letter")}
    resume.parsed = {**fields, **kept, "warnings": list(outcome.warnings)}
    resume.relevant_experience_in_months = outcome.relevant_experience_in_months
    resume.status = Resume.Status.PARSED
    resume.status_text = "Parsed and scored"
    resume.completed = True
    resume.is_current = True
    resume.save()
    score_resume_for_job(resume=resume)
    resume_scored.send(sender=Resume, resume=resume)
    return resume


def job_criteria(job: Job) -> JobCriteria:
    description_skills = find_skills(f"{job.description}\n{strip_tags(job.jd_html or '')}")
    return JobCriteria.for_job(job, preferred_skills=description_skills)


def _score_values(resume: Resume, criteria: JobCriteria) -> dict:
    breakdown = score_resume(resume.parsed or {}, resume.relevant_experience_in_months or 0, criteria)
    return breakdown.model_fields()


def _refresh_experience(resume: Resume, today: date) -> None:
    """A role that is still current keeps adding months after parsing; rescoring counts them."""
    roles = (resume.parsed or {}).get("experience") or []
    if not roles:
        return
    months = months_from_roles(roles, today)
    if months != resume.relevant_experience_in_months:
        resume.relevant_experience_in_months = months
        Resume.objects.unscoped().filter(pk=resume.pk).update(relevant_experience_in_months=months)


def score_resume_for_job(*, resume: Resume, criteria: JobCriteria | None = None) -> ResumeScore:
    criteria = criteria or job_criteria(resume.job)
    return save_score(resume=resume, scored_by=SCORER_NAME, **_score_values(resume, criteria))


@transaction.atomic
def save_score(*, resume: Resume, scored_by: str, **values) -> ResumeScore:
    """The resume's one score, and the copy of its overall score that ranking sorts on."""
    score, _ = ResumeScore.objects.unscoped().update_or_create(
        resume=resume,
        defaults={
            **values,
            "org_id": resume.org_id,
            "job_id": resume.job_id,
            "scored_by": scored_by,
            "scored_at": timezone.now(),
        },
    )
    resume.rank_score = score.overall_score
    Resume.objects.unscoped().filter(pk=resume.pk).update(rank_score=score.overall_score)
    return score


@transaction.atomic
def discard_scores(scores: QuerySet[ResumeScore]) -> None:
    Resume.objects.unscoped().filter(score__in=scores).update(rank_score=None)
    scores.delete()


@transaction.atomic
def request_rescore(*, job: Job, actor: User | None = None, reason: str = "") -> RescoreRun:
    """Rescore the job's current resumes in the background (after weights or must-have
    skills changed). A newer request supersedes a run that has not finished."""
    RescoreRun.objects.unscoped().filter(
        job=job, status__in=[RescoreRun.Status.QUEUED, RescoreRun.Status.RUNNING]
    ).update(status=RescoreRun.Status.SUPERSEDED, finished_at=timezone.now())
    total = Resume.objects.unscoped().filter(job=job, is_current=True, status=Resume.Status.PARSED).count()
    run = RescoreRun.objects.create(org_id=job.org_id, job=job, total=total, reason=reason[:200], requested_by=actor)
    from screening.tasks import rescore_job_task

    enqueue_on_commit(rescore_job_task, run.pk)
    return run


def run_rescore(*, run_id: int, batch_size: int = RESCORE_BATCH_SIZE) -> RescoreRun | None:
    run = RescoreRun.objects.unscoped().select_related("job", "job__score_weight").filter(pk=run_id).first()
    if run is None or not run.is_active:
        return run
    RescoreRun.objects.unscoped().filter(pk=run.pk).update(status=RescoreRun.Status.RUNNING)
    criteria = job_criteria(run.job)
    resumes = (
        Resume.objects.unscoped()
        .filter(job=run.job, is_current=True, status=Resume.Status.PARSED)
        .select_related("job")
        .order_by("pk")
    )
    done, last_pk = 0, 0
    while True:
        batch = list(resumes.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            break
        if RescoreRun.objects.unscoped().filter(pk=run.pk, status=RescoreRun.Status.SUPERSEDED).exists():
            return RescoreRun.objects.unscoped().get(pk=run.pk)
        today = timezone.localdate()
        with transaction.atomic():
            for resume in batch:
                _refresh_experience(resume, today)
                score_resume_for_job(resume=resume, criteria=criteria)
        done += len(batch)
        last_pk = batch[-1].pk
        RescoreRun.objects.unscoped().filter(pk=run.pk).update(done=done, total=max(run.total, done))
    RescoreRun.objects.unscoped().filter(pk=run.pk, status=RescoreRun.Status.RUNNING).update(
        status=RescoreRun.Status.DONE, done=done, total=max(run.total, done), finished_at=timezone.now()
    )
    return RescoreRun.objects.unscoped().get(pk=run.pk)


@transaction.atomic
def review_resume(*, resume: Resume, reviewer: User, approved: bool, feedback: str = "") -> Resume:
    access.require(access.can_review_resume(reviewer, resume.job), "You cannot review resumes for this job.")
    feedback = (feedback or "").strip()
    if not approved and not feedback:
        raise ValidationError({"feedback": "Please say why the resume is rejected."})
    if len(feedback) > 5000:
        raise ValidationError({"feedback": "Feedback can be at most 5,000 characters."})
    resume.is_approved = approved
    resume.approved_by = reviewer
    resume.reviewed_at = timezone.now()
    resume.review_feedback = feedback
    resume.updated_by = reviewer
    resume.save(
        update_fields=["is_approved", "approved_by", "reviewed_at", "review_feedback", "updated_by", "updated_at"]
    )
    return resume


# --- public applications -------------------------------------------------------------


@transaction.atomic
def submit_application(
    *,
    job: Job,
    name: str,
    email: str,
    phone: str,
    uploaded: UploadedFile,
    cover_letter: str = "",
    linkedin_url: str = "",
    portfolio_url: str = "",
) -> Resume:
    """A candidate applies through the job's public link: person, application, resume."""
    if not (job.published and job.status == Job.Status.OPEN):
        raise ValidationError("This job is not accepting applications.")
    candidate, _ = find_or_create_candidate(
        org=job.org,
        name=name,
        email=email,
        phone=phone,
        linkedin_url=linkedin_url,
        portfolio_url=portfolio_url,
        source=Candidate.Source.CAREERS,
    )
    application, _ = apply_to_job(candidate=candidate, job=job, source=StageChange.Source.SYSTEM)
    resume = ingest_resume(
        job=job,
        uploaded=uploaded,
        actor=None,
        source=Candidate.Source.CAREERS,
        candidate=candidate,
        application=application,
    )
    if cover_letter.strip():
        resume.parsed = {**resume.parsed, "cover_letter": cover_letter.strip()[:10000]}
        resume.save(update_fields=["parsed"])
    from screening.tasks import send_application_confirmation_task

    enqueue_on_commit(send_application_confirmation_task, application.pk)
    return resume


def send_application_confirmation(*, application_id: int) -> None:
    """Email the candidate that the application arrived (run by a task, retried on mail errors)."""
    application = (
        Application.objects.unscoped().select_related("candidate", "job", "job__org").filter(pk=application_id).first()
    )
    if application is None:
        return
    context = {"candidate": application.candidate, "job": application.job, "org": application.job.org}
    send_mail(
        subject=f"We received your application: {application.job.title}",
        message=render_to_string("screening/email/application_received.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[application.candidate.email],
    )


# --- test logs -----------------------------------------------------------------------


@dataclass(frozen=True)
class TestLogInput:
    """One assessment result as received from a CSV row, the API or a webhook."""

    __test__ = False

    test_name: str
    provider: str = ""
    external_id: str = ""
    score: Decimal | None = None
    max_score: Decimal | None = None
    passed: bool | None = None
    started_at: object = None
    completed_at: object = None
    duration: timedelta | None = None
    proctoring_flags: tuple[str, ...] = ()
    report_url: str = ""
    raw_payload: dict | None = None


def validate_test_log(values: TestLogInput) -> None:
    errors = {}
    if not values.test_name.strip():
        errors["test_name"] = "A test name is required."
    if values.score is not None and values.score < 0:
        errors["score"] = "The score cannot be negative."
    if values.max_score is not None and values.max_score <= 0:
        errors["max_score"] = "The maximum score must be positive."
    if values.score is not None and values.max_score is not None and values.score > values.max_score:
        errors["score"] = "The score is higher than the maximum score."
    if values.started_at and values.completed_at and values.completed_at < values.started_at:
        errors["completed_at"] = "The test cannot end before it starts."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_test_log(
    *, job: Job, candidate: Candidate, values: TestLogInput, actor: User | None = None
) -> tuple[TestLog, bool]:
    """Store an assessment result; the same provider result id updates the same row."""
    if actor is not None:
        access.require(access.can_move_stage(actor, job), "You cannot add test results to this job.")
    if candidate.org_id != job.org_id:
        raise ValidationError("The candidate and the job belong to different organisations.")
    validate_test_log(values)
    duration = values.duration
    if duration is None and values.started_at and values.completed_at:
        duration = values.completed_at - values.started_at
    fields = {
        "candidate": candidate,
        "job": job,
        "test_name": values.test_name.strip()[:200],
        "score": values.score,
        "max_score": values.max_score,
        "passed": values.passed,
        "started_at": values.started_at,
        "completed_at": values.completed_at,
        "duration": duration,
        "proctoring_flags": list(values.proctoring_flags),
        "report_url": values.report_url[:500],
        "raw_payload": values.raw_payload or {},
    }
    provider = values.provider.strip()[:100]
    external_id = values.external_id.strip()[:200]
    if external_id:
        log = (
            TestLog.objects.unscoped()
            .select_for_update()
            .filter(org_id=job.org_id, provider=provider, external_id=external_id)
            .first()
        )
        if log is not None:
            for name, value in fields.items():
                setattr(log, name, value)
            log.save()
            return log, False
    try:
        with transaction.atomic():
            log = TestLog.objects.create(org_id=job.org_id, provider=provider, external_id=external_id, **fields)
    except IntegrityError:
        # The same result arrived twice at once: the other request stored it.
        log = TestLog.objects.unscoped().get(org_id=job.org_id, provider=provider, external_id=external_id)
        return log, False
    test_log_created.send(sender=TestLog, test_log=log)
    return log, True


@transaction.atomic
def import_test_logs(*, job: Job, rows: list, actor: User) -> tuple[int, int]:
    """Import checked CSV rows (screening.testlogs.TestLogRow without errors) in one go."""
    access.require(access.can_move_stage(actor, job), "You cannot add test results to this job.")
    created = updated = 0
    for row in rows:
        if row.errors:
            raise ValidationError("Fix the rows with errors before importing.")
        _, is_new = record_test_log(job=job, candidate=row.candidate, values=row.values)
        created += is_new
        updated += not is_new
    return created, updated


@transaction.atomic
def ensure_assessment_webhook(
    *, org: Organization, provider: str, actor: User, rotate: bool = False
) -> AssessmentWebhook:
    access.require(access.can_manage_org(actor), "Only admins manage assessment webhooks.")
    provider = provider.strip().lower()
    if not provider or not provider.replace("-", "").replace("_", "").isalnum():
        raise ValidationError({"provider": "Use letters, digits and dashes for the provider name."})
    webhook = AssessmentWebhook.objects.unscoped().select_for_update().filter(org=org, provider=provider).first()
    if webhook is not None and rotate:
        webhook.delete()
        webhook = None
    if webhook is None:
        webhook = AssessmentWebhook.objects.create(org=org, provider=provider, created_by=actor)
    return webhook


# --- personality screenings ------------------------------------------------------------


@transaction.atomic
def import_instrument(
    *,
    rows: list[ItemRow],
    slug: str,
    name: str,
    version: str,
    org: Organization | None = None,
    description: str = "",
    items_per_page: int = 10,
) -> Instrument:
    """Create a new instrument version; versions are immutable once screenings use them."""
    if not rows:
        raise ValidationError("An instrument needs at least one item.")
    if Instrument.objects.unscoped().filter(slug=slug, version=version).exists():
        raise ValidationError(f"Instrument {slug} version {version} already exists; load it as a new version.")
    instrument = Instrument.objects.create(
        org=org,
        slug=slug,
        name=name,
        version=version,
        description=description,
        items_per_page=max(1, min(items_per_page, 50)),
    )
    InstrumentItem.objects.bulk_create(
        InstrumentItem(
            instrument=instrument,
            order=row.order,
            trait=row.trait,
            keying=row.keying,
            text=row.text,
            scale_points=row.scale_points,
        )
        for row in rows
    )
    return instrument


def questionnaire_link(screening: PersonalityScreening) -> str:
    signed = signing.dumps({"s": screening.pk, "t": screening.token}, salt=QUESTIONNAIRE_SALT, compress=True)
    return settings.SITE_URL + reverse("screening:questionnaire", args=[signed])


def _invite_days() -> int:
    return int(getattr(settings, "SCREENING_INVITE_DAYS", 7))


def send_screening_invitation(*, screening_id: int) -> None:
    """Email the questionnaire link (run by a task, retried on mail errors). A revoked or
    finished screening, or one whose link was replaced meanwhile, sends the current state only."""
    screening = (
        PersonalityScreening.objects.unscoped()
        .select_related("candidate", "job", "job__org")
        .filter(pk=screening_id, status__in=[PersonalityScreening.Status.INVITED, PersonalityScreening.Status.STARTED])
        .first()
    )
    if screening is None:
        return
    context = {
        "screening": screening,
        "candidate": screening.candidate,
        "job": screening.job,
        "link": questionnaire_link(screening),
        "expires_at": screening.expires_at,
    }
    send_mail(
        subject=f"A short questionnaire for your application: {screening.job.title}",
        message=render_to_string("screening/email/questionnaire_invite.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[screening.candidate.email],
    )


def _queue_invitation(screening: PersonalityScreening) -> None:
    from screening.tasks import send_screening_invitation_task

    enqueue_on_commit(send_screening_invitation_task, screening.pk)


@transaction.atomic
def invite_to_screening(
    *, job: Job, application: Application, instrument: Instrument, actor: User
) -> PersonalityScreening:
    access.require(access.can_invite_screening(actor, job), "You cannot invite candidates for this job.")
    if application.job_id != job.pk:
        raise ValidationError("That application belongs to another job.")
    if instrument.org_id not in (None, job.org_id) or not instrument.is_active:
        raise ValidationError("That questionnaire is not available.")
    open_invite = PersonalityScreening.objects.unscoped().filter(
        job=job,
        candidate_id=application.candidate_id,
        instrument=instrument,
        status__in=[PersonalityScreening.Status.INVITED, PersonalityScreening.Status.STARTED],
    )
    if open_invite.exists():
        raise ValidationError("This candidate already has an open invitation; resend it instead.")
    now = timezone.now()
    screening = PersonalityScreening.objects.create(
        org_id=job.org_id,
        candidate_id=application.candidate_id,
        job=job,
        instrument=instrument,
        instrument_version=instrument.version,
        token=secrets.token_urlsafe(32),
        invited_by=actor,
        invited_at=now,
        expires_at=now + timedelta(days=_invite_days()),
    )
    _queue_invitation(screening)
    return screening


@transaction.atomic
def resend_screening_invite(*, screening: PersonalityScreening, actor: User) -> PersonalityScreening:
    """A fresh link (the old one stops working) with a new expiry date."""
    access.require(access.can_invite_screening(actor, screening.job), "You cannot invite candidates for this job.")
    if screening.status in (PersonalityScreening.Status.COMPLETED, PersonalityScreening.Status.REVOKED):
        raise ValidationError(f"A {screening.get_status_display().lower()} screening cannot be resent.")
    now = timezone.now()
    screening.token = secrets.token_urlsafe(32)
    screening.expires_at = now + timedelta(days=_invite_days())
    screening.invited_at = now
    if screening.status == PersonalityScreening.Status.EXPIRED:
        screening.status = (
            PersonalityScreening.Status.STARTED if screening.answers else PersonalityScreening.Status.INVITED
        )
    screening.save(update_fields=["token", "expires_at", "invited_at", "status"])
    _queue_invitation(screening)
    return screening


@transaction.atomic
def revoke_screening(*, screening: PersonalityScreening, actor: User) -> PersonalityScreening:
    access.require(access.can_invite_screening(actor, screening.job), "You cannot manage screenings for this job.")
    if screening.status == PersonalityScreening.Status.COMPLETED:
        raise ValidationError("A completed screening cannot be revoked.")
    screening.status = PersonalityScreening.Status.REVOKED
    screening.token = secrets.token_urlsafe(32)
    screening.save(update_fields=["status", "token"])
    return screening


class QuestionnaireUnavailable(Exception):
    """The link is wrong, used, revoked or expired; ``reason`` picks the page to show."""

    def __init__(self, reason: str, screening: PersonalityScreening | None = None):
        super().__init__(reason)
        self.reason = reason
        self.screening = screening


def screening_from_link(signed: str) -> PersonalityScreening:
    try:
        payload = signing.loads(signed, salt=QUESTIONNAIRE_SALT)
    except signing.BadSignature:
        raise QuestionnaireUnavailable("invalid")
    screening = (
        PersonalityScreening.objects.unscoped()
        .select_related("instrument", "job", "candidate", "job__org")
        .filter(pk=payload.get("s"))
        .first()
    )
    if screening is None or not secrets.compare_digest(screening.token, str(payload.get("t", ""))):
        raise QuestionnaireUnavailable("invalid" if screening is None else "replaced", screening)
    if screening.status == PersonalityScreening.Status.COMPLETED:
        raise QuestionnaireUnavailable("completed", screening)
    if screening.status == PersonalityScreening.Status.REVOKED:
        raise QuestionnaireUnavailable("revoked", screening)
    if screening.status == PersonalityScreening.Status.EXPIRED or (
        screening.expires_at and screening.expires_at < timezone.now()
    ):
        if screening.status != PersonalityScreening.Status.EXPIRED:
            PersonalityScreening.objects.unscoped().filter(pk=screening.pk).update(
                status=PersonalityScreening.Status.EXPIRED
            )
        raise QuestionnaireUnavailable("expired", screening)
    return screening


@transaction.atomic
def save_screening_answers(
    *, screening: PersonalityScreening, answers: dict[str, int], finish: bool
) -> PersonalityScreening:
    """Save one page of answers; on the last page, score if every item is answered.

    The returned screening carries ``unanswered`` (item orders still open); when it is not
    empty the questionnaire stays open.
    """
    locked = PersonalityScreening.objects.unscoped().select_for_update().get(pk=screening.pk)
    if locked.status not in (PersonalityScreening.Status.INVITED, PersonalityScreening.Status.STARTED):
        raise ValidationError("This questionnaire can no longer be changed.")
    items = list(locked.instrument.items.all())
    by_id = {str(item.pk): item for item in items}
    for item_id, value in answers.items():
        item = by_id.get(str(item_id))
        if item is None or not 1 <= int(value) <= item.scale_points:
            raise ValidationError("An answer is out of range.")
    locked.answers = {**locked.answers, **{str(k): int(v) for k, v in answers.items()}}
    now = timezone.now()
    if locked.status == PersonalityScreening.Status.INVITED:
        locked.status = PersonalityScreening.Status.STARTED
        locked.started_at = now
    # The page's answers are kept even when the questionnaire cannot be finished yet.
    locked.unanswered = [item.order for item in items if str(item.pk) not in locked.answers]
    completed = finish and not locked.unanswered
    if completed:
        locked.trait_scores = trait_scores(items, locked.answers)
        locked.status = PersonalityScreening.Status.COMPLETED
        locked.completed_at = now
        locked.instrument_version = locked.instrument.version
    locked.save()
    if completed:
        screening_completed.send(sender=PersonalityScreening, screening=locked)
    return locked


# Longer than a parse can take (the task's hard time limit), so a resume still running is
# never handed to a second worker.
STALE_PARSE_AFTER = timedelta(minutes=3)


def resumes_awaiting_parse(*, older_than: timedelta = STALE_PARSE_AFTER) -> list[int]:
    """Resumes whose parse was never picked up (the broker was down at upload) or whose
    worker died mid-parse; the sweep enqueues them again (the task is idempotent)."""
    cutoff = timezone.now() - older_than
    return list(
        Resume.objects.unscoped()
        .filter(status__in=[Resume.Status.PENDING, Resume.Status.PROCESSING], updated_at__lt=cutoff)
        .order_by("updated_at")
        .values_list("pk", flat=True)[:500]
    )
