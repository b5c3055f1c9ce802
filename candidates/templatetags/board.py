from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from screening.models import PersonalityScreening

register = template.Library()


@register.filter
def screening_status_label(status: str | None) -> str:
    """The label of an annotated screening status (candidates.selectors.with_card_data)."""
    return PersonalityScreening.Status(status).label if status else ""


@register.simple_tag
def stage_options(stages, selected_stage_id):
    """The <option>s of a "Move to…" menu. Built in Python: the board renders one menu per
    card, and a template loop per card was most of the board's render time."""
    return format_html_join(
        "",
        '<option value="{}" data-kind="{}"{}>{}</option>',
        (
            (stage.pk, stage.kind, mark_safe(" selected") if stage.pk == selected_stage_id else "", stage.name)
            for stage in stages
        ),
    )
