from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q

from dashboard.models import User
from jobs.models import Job, JobShare


def _colleagues(request):
    if request is None:
        return User.objects.none()
    return User.objects.visible_to(request.user)


class JobFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search", widget=forms.TextInput(attrs={"type": "search"}))
    status = django_filters.ChoiceFilter(choices=Job.Status.choices, empty_label="Any status")
    location = django_filters.CharFilter(lookup_expr="icontains", label="Location")
    employment_type = django_filters.ChoiceFilter(
        choices=Job.EmploymentType.choices, empty_label="Any type", label="Employment type"
    )
    owner = django_filters.ModelChoiceFilter(queryset=_colleagues, empty_label="Anyone", label="Owner")
    published = django_filters.BooleanFilter(
        widget=forms.Select(choices=[("", "Any"), ("true", "Published"), ("false", "Not published")])
    )
    experience_from = django_filters.NumberFilter(method="filter_experience_from", label="Experience from (years)")
    experience_to = django_filters.NumberFilter(method="filter_experience_to", label="Experience to (years)")
    shared_with_me = django_filters.BooleanFilter(
        method="filter_shared_with_me",
        label="Shared with me",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Job
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(description__icontains=value) | Q(location__icontains=value)
        )

    # A job matches an experience range when its own range overlaps it; open ends match anything.
    def filter_experience_from(self, queryset, name, value):
        return queryset.filter(Q(max_experience__isnull=True) | Q(max_experience__gte=value))

    def filter_experience_to(self, queryset, name, value):
        return queryset.filter(Q(min_experience__isnull=True) | Q(min_experience__lte=value))

    def filter_shared_with_me(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(JobShare.objects.filter(job_id=OuterRef("pk"), user_id=self.request.user.pk)))
