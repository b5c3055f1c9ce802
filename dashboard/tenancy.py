"""The tenancy rule in one place: every tenant QuerySet answers `visible_to(user)`.

A model's manager is built from a `TenantQuerySet` subclass that implements
`_visible_to_member(user)`. Anonymous, inactive and org-less users see nothing, so the
scope fails closed. System code (tasks, commands) that must reach rows by id without a
user says so by name: `Model.objects.unscoped()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from dashboard.models import User


class TenantQuerySet(models.QuerySet):
    def visible_to(self, user: User | None):
        if user is None or not user.is_authenticated or not user.is_active or not user.org_id:
            return self.none()
        return self._visible_to_member(user)

    def _visible_to_member(self, user: User):
        raise TypeError(f"{self.model.__name__} must define its visibility rule")

    def for_org(self, org):
        return self.filter(org=org)

    def unscoped(self):
        return self.all()


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """Default manager: the bare `.all()` still exists for the admin and migrations,
    but views go through `visible_to` (a test checks views for bare queries)."""
