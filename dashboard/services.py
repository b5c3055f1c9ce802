from __future__ import annotations

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from dashboard import access
from dashboard.audit import services as audit
from dashboard.models import Organization, User
from jobs.services import ensure_default_pipeline


@transaction.atomic
def create_organization(*, name: str, slug: str = "") -> Organization:
    org = Organization.objects.create(name=name, slug=slug or slugify(name)[:80])
    ensure_default_pipeline(org=org)
    return org


@transaction.atomic
def create_member(*, org: Organization, email: str, name: str, role: str, password: str | None = None) -> User:
    return User.objects.create_user(email=email, password=password, name=name, org=org, role=role)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """A signed, expiring invitation link. It stops working once accepted (the user becomes
    active and gets a password) or revoked (the unusable password is replaced)."""

    key_salt = "hireboard.dashboard.invitation"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.is_active}{user.email}{timestamp}"


invitation_tokens = InvitationTokenGenerator()


def is_pending_invitation(user: User) -> bool:
    return not user.is_active and not user.has_usable_password()


def invitation_path(user: User) -> str:
    from django.urls import reverse

    return reverse(
        "accept_invite",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": invitation_tokens.make_token(user)},
    )


@transaction.atomic
def invite_member(*, actor: User, email: str, role: str, name: str = "") -> User:
    """Create (or refresh) a pending member and email them a link to set their password."""
    access.require(access.can_manage_org(actor), "Only admins can invite members.")
    if role not in User.Role.values:
        raise ValidationError({"role": "Choose a valid role."})
    email = User.objects.normalize_email(email or "").strip().lower()
    if not email:
        raise ValidationError({"email": "An email address is required."})
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and (user.org_id != actor.org_id or not is_pending_invitation(user)):
        raise ValidationError({"email": "Someone with this email already has an account."})
    if user is None:
        user = User.objects.create_user(email=email, password=None, name=name.strip(), org=actor.org, role=role)
        user.is_active = False
        user.save(update_fields=["is_active"])
    else:
        user.role = role
        user.name = name.strip() or user.name
        user.set_unusable_password()
        user.save(update_fields=["role", "name", "password"])
    link = settings.SITE_URL + invitation_path(user)
    inviter = actor.name or actor.email
    body = (
        f"{inviter} invited you to join {actor.org.name} on Hireboard as {user.get_role_display().lower()}.\n\n"
        f"Open this link to choose your name and password (it works once, for "
        f"{settings.PASSWORD_RESET_TIMEOUT // 86400} days):\n{link}\n"
    )
    # robust: a mail server hiccup is logged; the invitation exists and can be resent.
    transaction.on_commit(
        lambda: send_mail(f"You're invited to {actor.org.name} on Hireboard", body, None, [user.email]), robust=True
    )
    audit.record(action=audit.Action.MEMBER_INVITED, actor=actor, target=user, details={"role": role})
    return user


@transaction.atomic
def accept_invitation(*, user: User, name: str, password: str) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if not is_pending_invitation(user):
        raise ValidationError("This invitation was already used or withdrawn.")
    password_validation.validate_password(password, user)
    user.name = name.strip()
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["name", "password", "is_active"])
    audit.record(action=audit.Action.MEMBER_JOINED, actor=user, target=user)
    return user


def _other_active_admins(member: User) -> bool:
    return (
        User.objects.filter(org_id=member.org_id, role=User.Role.ADMIN, is_active=True).exclude(pk=member.pk).exists()
    )


@transaction.atomic
def change_member_role(*, actor: User, member: User, role: str) -> User:
    access.require(access.can_manage_org(actor), "Only admins can change roles.")
    if member.org_id != actor.org_id:
        raise PermissionDenied("Not a member of your organisation.")
    if role not in User.Role.values:
        raise ValidationError({"role": "Choose a valid role."})
    if member.role == User.Role.ADMIN and role != User.Role.ADMIN and not _other_active_admins(member):
        raise ValidationError("The organisation needs at least one active admin.")
    previous_role = member.role
    member.role = role
    member.save(update_fields=["role"])
    if previous_role != role:
        audit.record(
            action=audit.Action.ROLE_CHANGED, actor=actor, target=member, details={"from": previous_role, "to": role}
        )
    return member


@transaction.atomic
def set_member_active(*, actor: User, member: User, active: bool) -> User:
    """Deactivate (or reactivate) a member; a pending invitation is withdrawn instead."""
    access.require(access.can_manage_org(actor), "Only admins can deactivate members.")
    if member.org_id != actor.org_id:
        raise PermissionDenied("Not a member of your organisation.")
    if not active and member.pk == actor.pk:
        raise ValidationError("You cannot deactivate yourself.")
    if not active and member.role == User.Role.ADMIN and not _other_active_admins(member):
        raise ValidationError("The organisation needs at least one active admin.")
    if active and is_pending_invitation(member):
        raise ValidationError("This person has not accepted their invitation yet; invite them again instead.")
    member.is_active = active
    fields = ["is_active"]
    if not active and not member.has_usable_password():
        member.set_unusable_password()  # a fresh unusable hash voids the invitation link
        fields.append("password")
    member.save(update_fields=fields)
    audit.record(
        action=audit.Action.MEMBER_REACTIVATED if active else audit.Action.MEMBER_DEACTIVATED,
        actor=actor,
        target=member,
    )
    return member
