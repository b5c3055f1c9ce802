from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from candidates.models import Application, Candidate
from dashboard.models import Organization, User
from dashboard.tenancy import TenantManager, TenantQuerySet
from jobs.models import Job


class JobScopedQuerySet(TenantQuerySet):
    """Rows that belong to a job are visible exactly when their job is."""

    def _visible_to_member(self, user):
        return self.filter(org_id=user.org_id, job_id__in=Job.objects.visible_to(user).values("pk"))


def resume_upload_path(resume: Resume, filename: str) -> str:
    # The stored name never uses the uploaded name: no traversal, no unicode tricks.
    suffix = "".join(c for c in filename.rsplit(".", 1)[-1].lower() if c.isalnum())[:5] if "." in filename else "bin"
    return f"resumes/org_{resume.org_id}/{uuid.uuid4().hex}.{suffix or 'bin'}"


# Best score first; a resume without a score ranks below every score (scores are 0-10).
# The resume_job_ranking index holds exactly this expression.
RANK_KEY = Coalesce(F("rank_score"), Decimal(-1), output_field=models.DecimalField(max_digits=4, decimal_places=2))


class ResumeQuerySet(JobScopedQuerySet):
    def current(self):
        return self.filter(is_current=True)

    def ranked(self):
        return self.select_related("candidate", "score").order_by(RANK_KEY.desc(), "-created_at", "-pk")


class Resume(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be parsed"
        PROCESSING = "processing", "Parsing"
        PARSED = "parsed", "Parsed and scored"
        FAILED = "failed", "Could not be read"
        REJECTED = "rejected", "Rejected at upload"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # Empty until parsing finds the candidate's email: a dashboard upload does not know who it is yet.
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, null=True, blank=True, related_name="resumes")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="resumes")
    application = models.ForeignKey(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="resumes"
    )
    file = models.FileField(upload_to=resume_upload_path, max_length=255, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    extracted_text = models.TextField(blank=True)
    parsed = models.JSONField(default=dict, blank=True)
    relevant_experience_in_months = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    status_text = models.CharField(max_length=300, blank=True)
    completed = models.BooleanField(default=False)
    is_current = models.BooleanField(default=True)
    # score.overall_score, written with the score (screening.services.save_score), so a
    # job's resumes rank from one index instead of joining every score.
    rank_score = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True, editable=False)
    is_approved = models.BooleanField(null=True, blank=True)
    approved_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_feedback = models.TextField(blank=True)
    updated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager.from_queryset(ResumeQuerySet)()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["job", "is_current", "-created_at"], name="resume_job_current_created"),
            models.Index(fields=["candidate", "-created_at"], name="resume_candidate_created"),
            models.Index(fields=["org", "-created_at"], name="resume_org_created"),
            models.Index(
                F("job"),
                RANK_KEY.desc(),
                F("created_at").desc(),
                F("id").desc(),
                name="resume_job_ranking",
                condition=Q(is_current=True, candidate__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "job"], condition=Q(is_current=True), name="one_current_resume_per_application"
            )
        ]

    def __str__(self) -> str:
        return self.original_name or f"Resume {self.pk}"


class ResumeScore(models.Model):
    resume = models.OneToOneField(Resume, on_delete=models.CASCADE, related_name="score")
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="+")
    skills_score = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    work_exp_score = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    projects_score = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    education_score = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    certifications_score = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    overall_score = models.DecimalField(max_digits=4, decimal_places=2, default=0)
    feedback = models.JSONField(default=dict, blank=True)
    weights = models.JSONField(default=dict, blank=True)
    scored_by = models.CharField(max_length=120, default="hireboard-scorer")
    scored_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager.from_queryset(JobScopedQuerySet)()

    class Meta:
        indexes = [models.Index(fields=["job", "-overall_score"], name="resumescore_job_overall")]
        constraints = [
            models.CheckConstraint(
                condition=Q(overall_score__gte=0, overall_score__lte=10), name="overall_score_between_0_and_10"
            )
        ]

    def __str__(self) -> str:
        return f"{self.overall_score} for {self.resume}"


class TestLog(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="test_logs")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="test_logs")
    test_name = models.CharField(max_length=200)
    provider = models.CharField(max_length=100, blank=True)
    external_id = models.CharField(max_length=200, blank=True, help_text="The provider's result id.")
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    duration = models.DurationField(null=True, blank=True)
    proctoring_flags = models.JSONField(default=list, blank=True)
    report_url = models.URLField(blank=True, max_length=500)
    raw_payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager.from_queryset(JobScopedQuerySet)()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["job", "-created_at"], name="testlog_job_created"),
            models.Index(fields=["candidate", "-created_at"], name="testlog_candidate_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "provider", "external_id"],
                condition=~Q(external_id=""),
                name="testlog_unique_provider_result",
            )
        ]

    def __str__(self) -> str:
        return f"{self.test_name} — {self.candidate}"

    @property
    def percentage(self) -> float | None:
        if self.score is None or not self.max_score:
            return None
        return round(float(self.score) / float(self.max_score) * 100, 1)


class InstrumentQuerySet(TenantQuerySet):
    def _visible_to_member(self, user):
        return self.filter(Q(org__isnull=True) | Q(org_id=user.org_id))


class Instrument(models.Model):
    """A questionnaire: a versioned, data-driven set of items (no item text lives in code)."""

    org = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for instruments every organisation can use.",
    )
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=40, default="1")
    description = models.TextField(blank=True)
    items_per_page = models.PositiveSmallIntegerField(default=10)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager.from_queryset(InstrumentQuerySet)()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["slug", "version"], name="instrument_slug_version_unique")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class InstrumentItem(models.Model):
    class Trait(models.TextChoices):
        OPENNESS = "openness", "Openness"
        CONSCIENTIOUSNESS = "conscientiousness", "Conscientiousness"
        EXTRAVERSION = "extraversion", "Extraversion"
        AGREEABLENESS = "agreeableness", "Agreeableness"
        EMOTIONAL_STABILITY = "emotional_stability", "Emotional stability"

    class Keying(models.TextChoices):
        POSITIVE = "positive", "Positive"
        REVERSED = "reversed", "Reversed"

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    trait = models.CharField(max_length=24, choices=Trait.choices)
    keying = models.CharField(max_length=10, choices=Keying.choices, default=Keying.POSITIVE)
    scale_points = models.PositiveSmallIntegerField(default=5)

    class Meta:
        ordering = ["instrument", "order"]
        constraints = [models.UniqueConstraint(fields=["instrument", "order"], name="instrument_item_order_unique")]

    def __str__(self) -> str:
        return self.text


class PersonalityScreening(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        STARTED = "started", "Started"
        COMPLETED = "completed", "Completed"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="screenings")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="screenings")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="screenings")
    instrument_version = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    token = models.CharField(max_length=64, unique=True, help_text="One-time link nonce; the link is signed.")
    answers = models.JSONField(default=dict, blank=True)
    trait_scores = models.JSONField(default=dict, blank=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager.from_queryset(JobScopedQuerySet)()

    class Meta:
        ordering = ["-invited_at"]
        indexes = [
            models.Index(fields=["job", "-invited_at"], name="screening_job_invited"),
            models.Index(fields=["candidate", "-invited_at"], name="screening_candidate_invited"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} — {self.candidate}"


class RescoreRun(models.Model):
    """Background rescoring of a job's current resumes after its criteria changed."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Rescoring"
        DONE = "done", "Done"
        SUPERSEDED = "superseded", "Replaced by a newer run"
        FAILED = "failed", "Failed"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="rescore_runs")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    reason = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager.from_queryset(JobScopedQuerySet)()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["job", "-created_at"], name="rescorerun_job_created")]

    def __str__(self) -> str:
        return f"Rescore {self.job} ({self.done}/{self.total})"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(self.done * 100 / self.total))


class OrgScopedQuerySet(TenantQuerySet):
    def _visible_to_member(self, user):
        return self.filter(org_id=user.org_id)


class AssessmentWebhook(models.Model):
    """An assessment provider's signed webhook into one organisation.

    The HMAC secret is derived from SECRET_KEY and the key (see screening.webhooks), so no
    secret is stored; rotating the key changes the URL and the secret together.
    """

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    provider = models.SlugField(max_length=60)
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager.from_queryset(OrgScopedQuerySet)()

    class Meta:
        ordering = ["provider"]
        constraints = [models.UniqueConstraint(fields=["org", "provider"], name="assessment_webhook_one_per_provider")]

    def __str__(self) -> str:
        return f"{self.provider} webhook"


class AssessmentWebhookReceipt(models.Model):
    """Signatures already accepted: the same signed request twice is a replay and is refused."""

    webhook = models.ForeignKey(AssessmentWebhook, on_delete=models.CASCADE, related_name="receipts")
    signature = models.CharField(max_length=128)
    result_id = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["webhook", "signature"], name="assessment_webhook_signature_once")
        ]
        indexes = [models.Index(fields=["received_at"], name="assessment_receipt_received")]

    def __str__(self) -> str:
        return f"{self.webhook} {self.result_id}"
