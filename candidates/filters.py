from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from candidates.models import Application, Candidate
from candidates.search import search_candidates
from jobs.models import Job

YES_NO = [("", "Any"), ("true", "Yes"), ("false", "No")]


class ApplicationFilter(django_filters.FilterSet):
    """The candidates tab of a job; `job` scopes the stage choices to its pipeline."""

    q = django_filters.CharFilter(method="search", label="Search", widget=forms.TextInput(attrs={"type": "search"}))
    stage = django_filters.ChoiceFilter(field_name="stage_id", empty_label="Any stage", label="Stage")
    score_min = django_filters.NumberFilter(field_name="overall_score", lookup_expr="gte", label="Score from")
    score_max = django_filters.NumberFilter(field_name="overall_score", lookup_expr="lte", label="Score to")
    has_test = django_filters.BooleanFilter(
        field_name="has_test", widget=forms.Select(choices=YES_NO), label="Has test"
    )
    has_screening = django_filters.BooleanFilter(
        method="filter_has_screening", widget=forms.Select(choices=YES_NO), label="Has screening"
    )
    applied_from = django_filters.DateFilter(
        field_name="applied_at", lookup_expr="date__gte", label="Applied from", widget=forms.DateInput({"type": "date"})
    )
    applied_to = django_filters.DateFilter(
        field_name="applied_at", lookup_expr="date__lte", label="Applied to", widget=forms.DateInput({"type": "date"})
    )

    class Meta:
        model = Application
        fields: list[str] = []

    def __init__(self, *args, job: Job, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["stage"].extra["choices"] = [(stage.pk, stage.name) for stage in job.stages()]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(candidate__name__icontains=value) | Q(candidate__email__icontains=value))

    def filter_has_screening(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(screening_status__isnull=not value)


class CandidateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search", widget=forms.TextInput(attrs={"type": "search"}))
    source = django_filters.ChoiceFilter(choices=Candidate.Source.choices, empty_label="Any source")

    class Meta:
        model = Candidate
        fields: list[str] = []

    def search(self, queryset, name, value):
        return search_candidates(queryset, value)
