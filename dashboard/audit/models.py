from django.db import models
from django.utils import timezone

from dashboard.models import Organization, User
from dashboard.tenancy import TenantManager, TenantQuerySet


class AuditEventQuerySet(TenantQuerySet):
    def _visible_to_member(self, user):
        if user.role != User.Role.ADMIN:
            return self.none()
        return self.filter(org_id=user.org_id)


class AuditEvent(models.Model):
    """Append-only record of security-relevant actions, shown to the org's admins."""

    class Action(models.TextChoices):
        LOGIN = "login", "Logged in"
        LOGIN_FAILED = "login_failed", "Failed login"
        LOGOUT = "logout", "Logged out"
        PASSWORD_CHANGED = "password_changed", "Changed password"
        MEMBER_INVITED = "member_invited", "Invited a member"
        MEMBER_JOINED = "member_joined", "Joined"
        ROLE_CHANGED = "role_changed", "Changed a role"
        MEMBER_DEACTIVATED = "member_deactivated", "Deactivated a member"
        MEMBER_REACTIVATED = "member_reactivated", "Reactivated a member"
        JOB_SHARED = "job_shared", "Shared a job"
        JOB_UNSHARED = "job_unshared", "Unshared a job"
        EXPORT = "export", "Exported data"
        CANDIDATE_EXPORTED = "candidate_exported", "Exported a candidate's data"
        CANDIDATE_ERASED = "candidate_erased", "Erased a candidate"
        TOKEN_CREATED = "token_created", "Created an API token"
        TOKEN_REVOKED = "token_revoked", "Revoked an API token"
        CONNECTION_CHANGED = "connection_changed", "Changed an ATS connection"
        WEBHOOK_CHANGED = "webhook_changed", "Changed a webhook endpoint"

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    objects = TenantManager.from_queryset(AuditEventQuerySet)()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["org", "-at"], name="audit_org_at")]

    def __str__(self) -> str:
        return f"{self.actor_email or 'system'} {self.get_action_display()} {self.target_repr}".strip()
