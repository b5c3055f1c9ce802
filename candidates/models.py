from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils import timezone

from dashboard.models import Organization, User
from dashboard.tenancy import TenantManager, TenantQuerySet
from jobs.models import Job, Stage


class CandidateQuerySet(TenantQuerySet):
    def _visible_to_member(self, user):
        in_org = self.filter(org_id=user.org_id)
        if user.role == User.Role.ADMIN:
            return in_org
        visible_jobs = Job.objects.visible_to(user).values("pk")
        return in_org.filter(Exists(Application.objects.filter(candidate_id=OuterRef("pk"), job_id__in=visible_jobs)))


class Candidate(models.Model):
    class Source(models.TextChoices):
        CAREERS = "careers", "Careers page"
        UPLOAD = "upload", "Resume upload"
        API = "api", "API"
        ATS = "ats", "External ATS"
        REFERRAL = "referral", "Referral"
        SOURCED = "sourced", "Sourced"
        DEMO = "demo", "Demo data"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    location = models.CharField(max_length=200, blank=True)
    linkedin_url = models.URLField(blank=True)
    github_url = models.URLField(blank=True)
    portfolio_url = models.URLField(blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.SOURCED)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager.from_queryset(CandidateQuerySet)()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), "org", name="candidate_email_unique_per_org"),
        ]
        indexes = [
            models.Index(fields=["org", "-created_at"], name="candidate_org_created"),
            models.Index(fields=["org", "name", "id"], name="candidate_org_name_id"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


class ApplicationQuerySet(TenantQuerySet):
    def _visible_to_member(self, user):
        return self.filter(org_id=user.org_id, job_id__in=Job.objects.visible_to(user).values("pk"))

    def active(self):
        return self.filter(stage__kind__in=[Stage.Kind.ACTIVE, Stage.Kind.ON_HOLD])

    def for_board(self):
        return self.select_related("candidate", "stage")


class Application(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="applications")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="applications")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="applications")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="applications")
    status_text = models.CharField(max_length=200, blank=True)
    rejection_reason = models.TextField(blank=True)
    applied_at = models.DateTimeField(default=timezone.now)
    stage_entered_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager.from_queryset(ApplicationQuerySet)()

    class Meta:
        ordering = ["-applied_at"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "job"], name="one_application_per_candidate_and_job")
        ]
        indexes = [
            # The board's counts and first cards per stage, read from the index alone (org is
            # in it because every scoped query filters on it).
            models.Index(fields=["job", "org", "stage", "-stage_entered_at", "-id"], name="application_job_board"),
            models.Index(fields=["job", "-applied_at"], name="application_job_applied"),
            models.Index(fields=["org", "-applied_at"], name="application_org_applied"),
            models.Index(fields=["org", "updated_at", "id"], name="application_org_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} → {self.job}"

    @property
    def days_in_stage(self) -> int:
        return max((timezone.now() - self.stage_entered_at).days, 0)


class StageChangeQuerySet(TenantQuerySet):
    def _visible_to_member(self, user):
        return self.filter(org_id=user.org_id, application__job_id__in=Job.objects.visible_to(user).values("pk"))


class StageChange(models.Model):
    """Append-only history of stage moves: the audit trail behind Application.stage."""

    class Source(models.TextChoices):
        DASHBOARD = "dashboard", "Dashboard"
        API = "api", "API"
        ATS = "ats", "External ATS"
        WEBHOOK = "webhook", "Webhook"
        SYSTEM = "system", "System"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.DASHBOARD)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    objects = TenantManager.from_queryset(StageChangeQuerySet)()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["application", "-at"], name="stagechange_application_at"),
            models.Index(fields=["org", "-at"], name="stagechange_org_at"),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.from_stage} → {self.to_stage}"


class NoteQuerySet(TenantQuerySet):
    def _visible_to_member(self, user):
        return self.filter(candidate__in=Candidate.objects.visible_to(user))


class Note(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="notes")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, null=True, blank=True, related_name="notes")
    author = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager.from_queryset(NoteQuerySet)()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["candidate", "-created_at"], name="note_candidate_created")]

    def __str__(self) -> str:
        return f"Note on {self.candidate}"
