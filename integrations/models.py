"""ATS connections, the links between local and remote records, the sync outbox and the
inbound webhook log. Everything here is admin-only: ``visible_to`` returns the admin's org."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models
from django.db.models import Q

from candidates.models import Application, Candidate
from dashboard.models import Organization, User
from dashboard.tenancy import TenantManager, TenantQuerySet
from jobs.models import Job, Stage

from . import crypto


class AdminOnlyQuerySet(TenantQuerySet):
    def _visible_to_member(self, user: User):
        if user.role != User.Role.ADMIN:
            return self.none()
        return self.filter(org_id=user.org_id)


AdminOnlyManager = TenantManager.from_queryset(AdminOnlyQuerySet)


class Provider(models.TextChoices):
    ZOHO = "zoho", "Zoho Recruit"
    WORKABLE = "workable", "Workable"
    GREENHOUSE = "greenhouse", "Greenhouse"
    LEVER = "lever", "Lever"
    SKAILER = "skailer", "Skailer"


# Requests per second we allow ourselves, a little under each provider's documented limit.
DEFAULT_RATE_LIMITS = {
    Provider.WORKABLE: 0.9,  # account tokens: 10 requests / 10 s
    Provider.GREENHOUSE: 4.5,  # 50 / 10 s
    Provider.LEVER: 9.0,  # 10 / s
    Provider.ZOHO: 2.0,  # daily credits; keep bursts modest
    Provider.SKAILER: 5.0,  # UNCONFIRMED
}


def _new_webhook_token() -> str:
    return secrets.token_urlsafe(24)


class AtsConnection(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        AWAITING_CONSENT = "awaiting_consent", "Awaiting OAuth consent"
        DISABLED = "disabled", "Disabled"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="ats_connections")
    provider = models.CharField(max_length=20, choices=Provider.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    # Fernet token of a JSON object; never rendered back to anyone.
    credentials_encrypted = models.TextField(blank=True, editable=False)
    webhook_secret_encrypted = models.TextField(blank=True, editable=False)
    # Routes inbound webhooks to the connection; authenticity comes from the signature.
    webhook_token = models.CharField(max_length=64, unique=True, default=_new_webhook_token, editable=False)
    rate_limit_per_second = models.FloatField(default=1.0)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_pulled_at = models.DateTimeField(null=True, blank=True)
    last_imported_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AdminOnlyManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "provider"], name="one_connection_per_provider_per_org")]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} ({self.org})"

    @property
    def credentials(self) -> dict[str, Any]:
        return crypto.decrypt_json(self.credentials_encrypted)

    @credentials.setter
    def credentials(self, value: dict[str, Any]) -> None:
        self.credentials_encrypted = crypto.encrypt_json(value)

    @property
    def webhook_secret(self) -> str:
        return crypto.decrypt_json(self.webhook_secret_encrypted).get("secret", "")

    @webhook_secret.setter
    def webhook_secret(self, value: str) -> None:
        self.webhook_secret_encrypted = crypto.encrypt_json({"secret": value}) if value else ""

    @property
    def has_credentials(self) -> bool:
        return bool(self.credentials_encrypted)


class JobLink(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(AtsConnection, on_delete=models.CASCADE, related_name="job_links")
    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="ats_link")
    remote_id = models.CharField(max_length=100)
    remote_title = models.CharField(max_length=300, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    objects = AdminOnlyManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "remote_id"], name="one_local_job_per_remote_job")]

    def __str__(self) -> str:
        return f"{self.job} ↔ {self.remote_id}"


class StageMapping(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    job_link = models.ForeignKey(JobLink, on_delete=models.CASCADE, related_name="stage_mappings")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="+")
    remote_stage_id = models.CharField(max_length=100, blank=True)
    remote_stage_name = models.CharField(max_length=200, blank=True)

    objects = AdminOnlyManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job_link", "stage"], name="one_mapping_per_local_stage")]

    def __str__(self) -> str:
        return f"{self.stage} → {self.remote_stage_name or '(unmapped)'}"


class CandidateLink(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(AtsConnection, on_delete=models.CASCADE, related_name="candidate_links")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="ats_links")
    remote_id = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AdminOnlyManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "candidate"], name="one_remote_person_per_candidate")
        ]

    def __str__(self) -> str:
        return f"{self.candidate} ↔ {self.remote_id}"


class ApplicationLink(models.Model):
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(AtsConnection, on_delete=models.CASCADE, related_name="application_links")
    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="ats_link")
    remote_id = models.CharField(max_length=100)
    remote_candidate_id = models.CharField(max_length=100, blank=True)
    remote_job_id = models.CharField(max_length=100, blank=True)
    # The remote stage as we last set or saw it: a webhook reporting it again is an echo.
    remote_stage_id = models.CharField(max_length=100, blank=True)
    remote_disqualified = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AdminOnlyManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "remote_id"], name="one_local_application_per_remote")
        ]

    def __str__(self) -> str:
        return f"{self.application_id} ↔ {self.remote_id}"


class SyncEvent(models.Model):
    """The outbox: written in the transaction that changed the application. A candidate's
    erasure is an event too, one per remote person, queued behind one of their linked
    applications so it goes out after what was already on its way (payload: the remote id)."""

    class Kind(models.TextChoices):
        APPLICATION_CREATED = "application_created", "Application created"
        STAGE_MOVED = "stage_moved", "Stage moved"
        REJECTED = "rejected", "Rejected"
        NOTE_ADDED = "note_added", "Note added"
        CANDIDATE_ERASED = "candidate_erased", "Candidate erased"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERING = "delivering", "Delivering"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    UNDELIVERED = (Status.PENDING, Status.DELIVERING)

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(AtsConnection, on_delete=models.CASCADE, related_name="sync_events")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="sync_events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    sequence = models.PositiveIntegerField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = AdminOnlyManager()

    class Meta:
        ordering = ["application_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["application", "sequence"], name="sync_event_sequence_per_application")
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["connection", "status"]),
            models.Index(fields=["application", "status", "sequence"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.sequence} of application {self.application_id} ({self.status})"

    @property
    def is_move(self) -> bool:
        return self.kind in (self.Kind.STAGE_MOVED, self.Kind.REJECTED)


class WebhookEvent(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSED = "processed", "Processed"
        IGNORED = "ignored", "Ignored"
        FAILED = "failed", "Failed"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    connection = models.ForeignKey(AtsConnection, on_delete=models.CASCADE, related_name="webhook_events")
    provider_event_id = models.CharField(max_length=200)
    event_type = models.CharField(max_length=100, blank=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    result = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    objects = AdminOnlyManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "provider_event_id"], name="webhook_event_once_per_connection"
            )
        ]
        indexes = [models.Index(fields=["connection", "received_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} {self.provider_event_id}"


class RateBucket(models.Model):
    """Token bucket per connection for deployments without Redis (correct on one machine:
    the row lock serialises every worker process that shares the database)."""

    connection = models.OneToOneField(AtsConnection, on_delete=models.CASCADE, related_name="rate_bucket")
    tokens = models.FloatField()
    updated = models.FloatField()

    def __str__(self) -> str:
        return f"bucket of {self.connection_id}: {self.tokens:.2f}"


UNDELIVERED_Q = Q(status__in=SyncEvent.UNDELIVERED)
