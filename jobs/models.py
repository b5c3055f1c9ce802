from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone

from dashboard.models import Organization, User
from dashboard.tenancy import TenantManager, TenantQuerySet

PUBLIC_TOKEN_SALT = "hireboard.jobs.apply-link"


class PipelineQuerySet(TenantQuerySet):
    def _visible_to_member(self, user):
        return self.filter(org_id=user.org_id)


class Pipeline(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="pipelines")
    name = models.CharField(max_length=120)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager.from_queryset(PipelineQuerySet)()

    class Meta:
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(fields=["org"], condition=Q(is_default=True), name="one_default_pipeline_per_org")
        ]

    def __str__(self) -> str:
        return self.name

    def first_stage(self) -> Stage | None:
        return self.stages.filter(kind=Stage.Kind.ACTIVE).order_by("order").first()


class StageQuerySet(TenantQuerySet):
    def _visible_to_member(self, user):
        return self.filter(pipeline__org_id=user.org_id)


class Stage(models.Model):
    class Kind(models.TextChoices):
        ACTIVE = "active", "Active"
        ON_HOLD = "on_hold", "On hold"
        REJECTED = "rejected", "Rejected"
        HIRED = "hired", "Hired"

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ACTIVE)

    objects = TenantManager.from_queryset(StageQuerySet)()

    class Meta:
        ordering = ["pipeline", "order"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "order"], name="stage_order_unique_per_pipeline"),
            models.UniqueConstraint(fields=["pipeline", "name"], name="stage_name_unique_per_pipeline"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_rejection(self) -> bool:
        return self.kind == self.Kind.REJECTED


class ScoreWeight(models.Model):
    """How much each resume component counts; the five weights sum to exactly 1."""

    DEFAULTS = {
        "skills": Decimal("0.35"),
        "work_experience": Decimal("0.30"),
        "projects": Decimal("0.15"),
        "education": Decimal("0.10"),
        "certifications": Decimal("0.10"),
    }
    COMPONENTS = tuple(DEFAULTS)

    skills = models.DecimalField(max_digits=4, decimal_places=2, default=DEFAULTS["skills"])
    work_experience = models.DecimalField(max_digits=4, decimal_places=2, default=DEFAULTS["work_experience"])
    projects = models.DecimalField(max_digits=4, decimal_places=2, default=DEFAULTS["projects"])
    education = models.DecimalField(max_digits=4, decimal_places=2, default=DEFAULTS["education"])
    certifications = models.DecimalField(max_digits=4, decimal_places=2, default=DEFAULTS["certifications"])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    GreaterThanOrEqual(
                        F("skills") + F("work_experience") + F("projects") + F("education") + F("certifications"),
                        Value(Decimal("0.995")),
                    )
                )
                & Q(
                    LessThanOrEqual(
                        F("skills") + F("work_experience") + F("projects") + F("education") + F("certifications"),
                        Value(Decimal("1.005")),
                    )
                ),
                name="score_weights_sum_to_one",
            ),
            models.CheckConstraint(
                condition=Q(
                    skills__gte=0, work_experience__gte=0, projects__gte=0, education__gte=0, certifications__gte=0
                ),
                name="score_weights_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(f"{name} {getattr(self, name)}" for name in self.COMPONENTS)

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in self.COMPONENTS}


class JobQuerySet(TenantQuerySet):
    def _visible_to_member(self, user):
        in_org = self.filter(org_id=user.org_id)
        if user.role == User.Role.ADMIN:
            return in_org
        shared = Exists(JobShare.objects.filter(job_id=OuterRef("pk"), user_id=user.pk))
        if user.role == User.Role.RECRUITER:
            return in_org.filter(Q(owner_id=user.pk) | shared)
        return in_org.filter(shared)

    def open(self):
        return self.filter(status=Job.Status.OPEN)

    def published(self):
        return self.filter(published=True, status=Job.Status.OPEN)

    def with_applicant_counts(self):
        from candidates.models import Application

        today_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        applications = Application.objects.filter(job_id=OuterRef("pk"))
        return self.annotate(
            applicants_count=_count_subquery(applications),
            applicants_today_count=_count_subquery(applications.filter(applied_at__gte=today_start)),
        )


def _count_subquery(queryset):
    # COUNT(*), not COUNT(id): PostgreSQL can then count from the job_id index alone.
    # A job without applications has no group, hence the 0, so it sorts as the smallest.
    return Coalesce(
        models.Subquery(
            queryset.order_by().values("job_id").annotate(n=models.Count("*")).values("n"),
            output_field=models.IntegerField(),
        ),
        0,
    )


class Job(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        ON_HOLD = "on_hold", "On hold"
        CLOSED = "closed", "Closed"

    class EmploymentType(models.TextChoices):
        FULL_TIME = "full_time", "Full-time"
        PART_TIME = "part_time", "Part-time"
        CONTRACT = "contract", "Contract"
        TEMPORARY = "temporary", "Temporary"
        INTERNSHIP = "internship", "Internship"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="jobs")
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="owned_jobs")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    jd_html = models.TextField(blank=True, help_text="Sanitised HTML job description.")
    location = models.CharField(max_length=200, blank=True)
    employment_type = models.CharField(max_length=20, choices=EmploymentType.choices, default=EmploymentType.FULL_TIME)
    experience = models.CharField(max_length=100, blank=True, help_text='Free text, e.g. "3–5 years".')
    min_experience = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Years")
    max_experience = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Years")
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    users_shared_with = models.ManyToManyField(
        User, through="JobShare", through_fields=("job", "user"), related_name="jobs_shared_with_me", blank=True
    )
    must_have_skills = models.JSONField(default=list, blank=True)
    score_weight = models.ForeignKey(ScoreWeight, on_delete=models.PROTECT, related_name="jobs")
    pipeline = models.ForeignKey(Pipeline, on_delete=models.PROTECT, related_name="jobs")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager.from_queryset(JobQuerySet)()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["org", "-created_at"], name="job_org_created"),
            models.Index(fields=["org", "status"], name="job_org_status"),
            models.Index(fields=["owner"], name="job_owner"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_experience__isnull=True)
                | Q(max_experience__isnull=True)
                | Q(min_experience__lte=F("max_experience")),
                name="job_experience_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def closing_in(self) -> int | None:
        """Days until the close date (negative once closed), None without one."""
        if self.close_date is None:
            return None
        return (self.close_date - date.today()).days

    @property
    def public_token(self) -> str:
        return signing.dumps({"job": self.pk, "org": self.org_id}, salt=PUBLIC_TOKEN_SALT, compress=True)

    @classmethod
    def id_from_public_token(cls, token: str) -> int | None:
        try:
            payload = signing.loads(token, salt=PUBLIC_TOKEN_SALT)
        except signing.BadSignature:
            return None
        return payload.get("job") if isinstance(payload, dict) else None

    def stages(self):
        return Stage.objects.filter(pipeline_id=self.pipeline_id).order_by("order")

    def public_apply_path(self) -> str:
        from django.urls import reverse

        return reverse("screening:apply", args=[self.public_token])

    @property
    def public_apply_url(self) -> str:
        return settings.SITE_URL + self.public_apply_path()


class JobShareQuerySet(TenantQuerySet):
    def _visible_to_member(self, user):
        return self.filter(job__in=Job.objects.visible_to(user))


class JobShare(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="job_shares")
    shared_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    shared_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager.from_queryset(JobShareQuerySet)()

    class Meta:
        ordering = ["-shared_at"]
        constraints = [models.UniqueConstraint(fields=["job", "user"], name="job_shared_once_per_user")]

    def __str__(self) -> str:
        return f"{self.job} → {self.user}"
