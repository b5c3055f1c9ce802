from django import template
from django.utils.safestring import mark_safe

from jobs.services import sanitise_jd_html

register = template.Library()


@register.filter
def sanitized(html: str) -> str:
    """Rich text from users, cleaned again at render time: templates never use |safe."""
    return mark_safe(sanitise_jd_html(html or ""))  # noqa: S308 - nh3 just removed anything unsafe
