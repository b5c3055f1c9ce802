from __future__ import annotations

import django_tables2 as tables
from django.db.models import F
from django.urls import reverse
from django.utils.html import format_html

from candidates.models import Application, Candidate, StageChange
from candidates.templatetags.board import screening_status_label
from dashboard.pagination import RankThenLoadTable


class ApplicationTable(RankThenLoadTable):
    """Columns, sorting and export values of a job's candidates table; the rows are drawn
    by candidates/partials/application_table.html (as the jobs list draws its own)."""

    candidate = tables.Column(accessor="candidate__name", verbose_name="Candidate", order_by=("candidate__name",))
    email = tables.Column(accessor="candidate__email", verbose_name="Email")
    stage = tables.Column(accessor="stage__name", verbose_name="Stage", order_by=("stage__order",))
    overall_score = tables.Column(verbose_name="Score")
    applied_at = tables.DateColumn(verbose_name="Applied", format="Y-m-d")
    days_in_stage = tables.Column(verbose_name="Days in stage", order_by=("-stage_entered_at",), empty_values=())
    test = tables.Column(verbose_name="Test", order_by=("test_passed",), accessor="test_passed", empty_values=())
    screening_status = tables.Column(verbose_name="Screening")

    class Meta:
        model = Application
        fields = (
            "candidate",
            "email",
            "stage",
            "overall_score",
            "applied_at",
            "days_in_stage",
            "test",
            "screening_status",
        )
        empty_text = "No candidates match these filters. Clear the filters or upload resumes to this job."
        attrs = {"class": "data-table"}
        order_by = ("-applied_at",)
        template_name = "candidates/partials/application_table.html"

    def value_candidate(self, record):
        return record.candidate.name

    def order_overall_score(self, queryset, is_descending):
        # Unscored applications last both ways (PostgreSQL would put NULLs first when descending).
        score = F("overall_score").desc(nulls_last=True) if is_descending else F("overall_score").asc(nulls_last=True)
        return queryset.order_by(score, "-applied_at", "-pk"), True

    def value_overall_score(self, value):
        return "" if value is None else f"{float(value):.2f}"

    def value_days_in_stage(self, record):
        return record.days_in_stage

    def value_test(self, record):
        if not record.has_test:
            return ""
        return {True: "Passed", False: "Failed"}.get(record.test_passed, "Taken")

    def value_screening_status(self, record):
        return screening_status_label(record.screening_status)


class HistoryTable(tables.Table):
    at = tables.DateTimeColumn(verbose_name="When", format="Y-m-d H:i")
    candidate = tables.Column(accessor="application__candidate__name", verbose_name="Candidate")
    from_stage = tables.Column(accessor="from_stage__name", verbose_name="From", default="—")
    to_stage = tables.Column(accessor="to_stage__name", verbose_name="To")
    actor = tables.Column(accessor="actor__name", verbose_name="By", default="System")
    source = tables.Column()
    reason = tables.Column(default="")

    class Meta:
        model = StageChange
        fields = ("at", "candidate", "from_stage", "to_stage", "actor", "source", "reason")
        orderable = False
        empty_text = "No stage moves yet. Moves made on the board appear here."
        attrs = {"class": "data-table"}

    def render_candidate(self, record):
        url = reverse("candidates:detail", args=[record.application.candidate_id])
        return format_html('<a href="{}">{}</a>', url, record.application.candidate.name)

    def render_actor(self, record):
        if record.actor is None:
            return "System"
        return record.actor.name or record.actor.email


class CandidateTable(RankThenLoadTable):
    name = tables.Column(linkify=("candidates:detail", {"candidate_id": tables.A("pk")}))
    email = tables.Column()
    location = tables.Column()
    source = tables.Column()
    applications_count = tables.Column(verbose_name="Applications")
    created_at = tables.DateColumn(verbose_name="Added", format="Y-m-d", attrs={"td": {"class": "date"}})

    class Meta:
        model = Candidate
        fields = ("name", "email", "location", "source", "applications_count", "created_at")
        empty_text = "No candidates yet. Candidates appear when they apply or when you upload their resumes."
        attrs = {"class": "data-table"}
