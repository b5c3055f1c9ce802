"""Template helpers shared by the dashboard pages."""

from __future__ import annotations

from django import template

register = template.Library()


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
def get_item(mapping, key):
    """`counts|get_item:stage.pk` for dicts keyed by ids."""
    return (mapping or {}).get(key, 0)
