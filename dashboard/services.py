from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

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
