from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html

from dashboard.templatetags.hireboard import closing_in_text
from jobs.models import Job


class JobTable(tables.Table):
    title = tables.Column(linkify=("jobs:board", {"job_id": tables.A("pk")}))
    location = tables.Column()
    employment_type = tables.Column(verbose_name="Type")
    owner = tables.Column(accessor="owner__name", verbose_name="Owner", order_by=("owner__name", "owner__email"))
    status = tables.Column()
    published = tables.BooleanColumn(yesno="Yes,No")
    applicants_count = tables.Column(verbose_name="Applicants")
    applicants_today_count = tables.Column(verbose_name="Today")
    closing_in = tables.Column(verbose_name="Closing in", order_by=("close_date",), empty_values=())

    class Meta:
        model = Job
        fields = (
            "title",
            "location",
            "employment_type",
            "owner",
            "status",
            "published",
            "applicants_count",
            "applicants_today_count",
            "closing_in",
        )
        empty_text = "No jobs match these filters. Clear the filters, or create a job."
        attrs = {"class": "data-table"}

    def render_owner(self, record):
        return record.owner.name or record.owner.email

    def render_status(self, record):
        return format_html('<span class="badge badge-{}">{}</span>', record.status, record.get_status_display())

    def value_status(self, record):
        return record.get_status_display()

    def render_closing_in(self, record):
        return closing_in_text(record.closing_in)

    def value_closing_in(self, record):
        return "" if record.closing_in is None else record.closing_in
