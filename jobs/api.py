"""Jobs in /api/v1/: list (filtered, ordered), detail, and a job's pipeline stages."""

from __future__ import annotations

from datetime import UTC, datetime

import django_filters
from django import forms
from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from config.api_framework import MAX_ID, ApiViewMixin
from jobs.models import Job, Stage


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number in the database's range, so a wild value is a 400, not a crash."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def as_utc(value: datetime, name: str) -> datetime:
    """PostgreSQL refuses offsets beyond ±15:59 and dates outside its range: compare in UTC."""
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValidationError({name: ["That date and time is out of range."]})


class SinceFilter(django_filters.IsoDateTimeFilter):
    """Rows changed at or after an ISO 8601 date and time."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "updated_at")
        kwargs.setdefault("lookup_expr", "gte")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return super().filter(qs, as_utc(value, self.field_name) if value else value)


class StageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = ["id", "name", "order", "kind"]


class JobOwnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


class JobSerializer(serializers.ModelSerializer):
    owner = JobOwnerSerializer(read_only=True)
    closing_in = serializers.IntegerField(read_only=True, allow_null=True, help_text="Days until close_date.")
    applicants_count = serializers.IntegerField(read_only=True)
    applicants_today_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "title",
            "description",
            "jd_html",
            "location",
            "employment_type",
            "experience",
            "min_experience",
            "max_experience",
            "published",
            "published_at",
            "close_date",
            "closing_in",
            "status",
            "must_have_skills",
            "pipeline_id",
            "owner",
            "applicants_count",
            "applicants_today_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class JobFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Job.Status.choices)
    published = django_filters.BooleanFilter()
    location = django_filters.CharFilter(lookup_expr="icontains")
    employment_type = django_filters.ChoiceFilter(choices=Job.EmploymentType.choices)
    q = django_filters.CharFilter(method="search", label="Words in the title or description")
    updated_since = SinceFilter()
    ordering = django_filters.OrderingFilter(
        fields=("created_at", "updated_at", "title", "close_date", "status"),
        help_text="created_at, updated_at, title, close_date or status; prefix with - for descending.",
    )

    class Meta:
        model = Job
        fields = ["status", "published", "location", "employment_type"]

    def search(self, queryset, name, value):
        for word in value.split()[:10]:
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return queryset


class JobViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Jobs the token's user can see: all of the org's for admins, owned or shared for
    recruiters, shared for hiring managers."""

    serializer_class = JobSerializer
    filterset_class = JobFilter

    def get_queryset(self):
        return (
            Job.objects.visible_to(self.request.user)
            .with_applicant_counts()
            .select_related("owner")
            .order_by("-created_at", "-id")
        )

    @extend_schema(responses=StageSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def stages(self, request, pk=None):
        job = self.get_object()
        return Response(StageSerializer(job.stages(), many=True).data)
