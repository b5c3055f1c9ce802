from __future__ import annotations

from typing import Any

from django.db import models

from dashboard.audit.models import AuditEvent
from dashboard.models import Organization, User

Action = AuditEvent.Action


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    *,
    action: str,
    actor: User | None = None,
    org: Organization | None = None,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
    request=None,
    actor_email: str = "",
) -> AuditEvent:
    """Write one audit event; call it inside the transaction of the action it records."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    org_id = getattr(org, "pk", None) or getattr(actor, "org_id", None) or getattr(target, "org_id", None)
    return AuditEvent.objects.create(
        org_id=org_id,
        actor=actor,
        actor_email=actor.email if actor else actor_email[:254],
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        details=details or {},
        ip_address=client_ip(request),
    )
