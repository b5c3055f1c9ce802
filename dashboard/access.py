"""The role table of DESIGN.md, and the access policy every view declares.

Views carry exactly one of the decorators below; `tests/test_url_policies.py` walks the
URLconf and fails on any view without one. Objects outside a user's scope are fetched
through `visible_to(user)` and so are a 404, never a 403 that confirms they exist.
"""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from dashboard.models import User

if TYPE_CHECKING:
    from jobs.models import Job

Role = User.Role


def _mark(view, policy: str):
    view.access_policy = policy
    return view


def public(view):
    """No login: careers pages, apply forms, questionnaire links, inbound webhooks."""
    return _mark(login_not_required(view), "public")


def _is_member(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.org_id)


def member_required(view):
    """Any logged-in member of an organisation; what they see is scoped by visible_to."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _is_member(request.user):
            raise PermissionDenied("You are not a member of an organisation.")
        return view(request, *args, **kwargs)

    return _mark(wrapped, "member")


def roles_required(*roles: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _is_member(request.user) or request.user.role not in roles:
                raise PermissionDenied("Your role does not allow this.")
            return view(request, *args, **kwargs)

        return _mark(wrapped, "roles:" + ",".join(roles))

    return decorator


admin_required = roles_required(Role.ADMIN)
staff_roles_required = roles_required(Role.ADMIN, Role.RECRUITER)


def get_visible_or_404(queryset, **lookup):
    """Fetch one object from an already scoped queryset; anything else is a 404."""
    return get_object_or_404(queryset, **lookup)


def _same_org(user, obj) -> bool:
    return _is_member(user) and obj.org_id == user.org_id


def is_shared_with(user, job: Job) -> bool:
    return job.shares.filter(user_id=user.pk).exists()


def can_see_job(user, job: Job) -> bool:
    if not _same_org(user, job):
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.RECRUITER and job.owner_id == user.pk:
        return True
    return is_shared_with(user, job)


def can_create_job(user) -> bool:
    return _is_member(user) and user.role in (Role.ADMIN, Role.RECRUITER)


def can_edit_job(user, job: Job) -> bool:
    if not _same_org(user, job):
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.RECRUITER:
        return False
    return job.owner_id == user.pk or is_shared_with(user, job)


def can_share_job(user, job: Job) -> bool:
    if not _same_org(user, job):
        return False
    return user.role == Role.ADMIN or (user.role == Role.RECRUITER and job.owner_id == user.pk)


def can_move_stage(user, job: Job) -> bool:
    return can_edit_job(user, job)


def can_upload_resume(user, job: Job) -> bool:
    return can_edit_job(user, job)


def can_invite_screening(user, job: Job) -> bool:
    return can_edit_job(user, job)


def can_review_resume(user, job: Job) -> bool:
    return can_see_job(user, job)


def can_manage_org(user) -> bool:
    return _is_member(user) and user.role == Role.ADMIN


def require(allowed: bool, message: str = "Your role does not allow this.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def login_username(request, credentials=None) -> str:
    """The email typed at login, normalised, so "Ada@x" and "ada@x" count as one account
    for login throttling (used by django-axes)."""
    source = credentials or getattr(request, "POST", {}) or {}
    return str(source.get("username") or source.get("email") or "").strip().lower()
