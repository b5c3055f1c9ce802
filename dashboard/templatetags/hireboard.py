"""Template helpers shared by the dashboard pages."""

from __future__ import annotations

from django import template
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

register = template.Library()

SYNC_BADGE_TEMPLATE = "integrations/partials/sync_badge.html"


@register.simple_tag
def url_if_exists(name: str, *args) -> str:
    """The URL for `name`, or "" while the app that serves it has not registered it yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def sync_badge(context, application, status):
    """The integrations app's sync badge when it is installed, else a plain text badge."""
    if status is None:
        return ""
    try:
        badge = get_template(SYNC_BADGE_TEMPLATE)
    except template.TemplateDoesNotExist:
        badge = get_template("dashboard/partials/sync_badge_fallback.html")
    return badge.render(
        {"application": application, "status": status, "sync_status": status, "request": context.get("request")}
    )


@register.filter
def days_ago(value) -> str:
    if value is None:
        return ""
    days = (timezone.now() - value).days
    if days <= 0:
        return "today"
    return "1 day" if days == 1 else f"{days} days"


@register.filter
def closing_in_text(days) -> str:
    if days is None:
        return "—"
    if days < 0:
        return "closed"
    if days == 0:
        return "today"
    return "1 day" if days == 1 else f"{days} days"


@register.filter
def percent_of(part, whole) -> float:
    try:
        return round(float(part or 0) / float(whole) * 100, 1) if whole else 0.0
    except (TypeError, ValueError):
        return 0.0


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, 0)
