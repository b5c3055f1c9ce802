"""Candidates and applications in /api/v1/.

Writes go through the same services as the pages: `find_or_create_candidate`,
`apply_to_job` and `move_application(source="api")` (which the ATS sync listens to).
"""

from __future__ import annotations

import django_filters
from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from candidates.models import Application, Candidate, StageChange
from candidates.services import apply_to_job, find_or_create_candidate, move_application
from config.api_framework import ApiViewMixin, Conflict, id_field
from dashboard import access
from dashboard.models import User
from jobs.api import IdFilter, SinceFilter, StageSerializer
from jobs.models import Job, Stage

CANDIDATE_FIELDS = [
    "id",
    "name",
    "email",
    "phone",
    "location",
    "linkedin_url",
    "github_url",
    "portfolio_url",
    "source",
    "created_at",
    "updated_at",
]


def visible_job_or_404(user: User, job_id: int) -> Job:
    return access.get_visible_or_404(Job.objects.visible_to(user), pk=job_id)


class CandidateSerializer(serializers.ModelSerializer):
    # Plain strings: an unset link is "", which is not a URI.
    linkedin_url = serializers.CharField(read_only=True)
    github_url = serializers.CharField(read_only=True)
    portfolio_url = serializers.CharField(read_only=True)

    class Meta:
        model = Candidate
        fields = CANDIDATE_FIELDS
        read_only_fields = fields


class CandidateBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Candidate
        fields = ["id", "name", "email"]
        read_only_fields = fields


class JobBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = ["id", "title"]
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    candidate = CandidateBriefSerializer(read_only=True)
    job = JobBriefSerializer(read_only=True)
    stage = StageSerializer(read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "candidate",
            "job",
            "stage",
            "status_text",
            "rejection_reason",
            "applied_at",
            "stage_entered_at",
            "updated_at",
        ]
        read_only_fields = fields


class StageChangeSerializer(serializers.ModelSerializer):
    from_stage = StageSerializer(read_only=True, allow_null=True)
    to_stage = StageSerializer(read_only=True)
    actor = serializers.SerializerMethodField()

    class Meta:
        model = StageChange
        fields = ["id", "from_stage", "to_stage", "actor", "source", "reason", "at"]
        read_only_fields = fields

    def get_actor(self, change) -> str | None:
        return change.actor.get_full_name() if change.actor else None


class ApplicationDetailSerializer(ApplicationSerializer):
    stage_history = StageChangeSerializer(source="stage_changes", many=True, read_only=True)

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "stage_history"]
        read_only_fields = fields


class CandidateDetailSerializer(CandidateSerializer):
    applications = ApplicationSerializer(many=True, read_only=True)

    class Meta(CandidateSerializer.Meta):
        fields = [*CANDIDATE_FIELDS, "applications"]
        read_only_fields = fields


class CandidateCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    linkedin_url = serializers.URLField(max_length=200, required=False, allow_blank=True, default="")
    github_url = serializers.URLField(max_length=200, required=False, allow_blank=True, default="")
    portfolio_url = serializers.URLField(max_length=200, required=False, allow_blank=True, default="")
    job_id = id_field(required=False, allow_null=True, default=None, help_text="Also apply them to this job.")
    resume = serializers.FileField(
        required=False, allow_null=True, default=None, help_text="Multipart only; needs job_id."
    )

    def validate(self, attrs):
        if attrs.get("resume") and not attrs.get("job_id"):
            raise serializers.ValidationError({"resume": ["A resume belongs to a job application: send job_id too."]})
        return attrs


class CandidateCreatedSerializer(CandidateSerializer):
    created = serializers.BooleanField(help_text="False when the email already existed and that person was updated.")
    application = ApplicationSerializer(allow_null=True)
    resume_id = serializers.IntegerField(allow_null=True)

    class Meta(CandidateSerializer.Meta):
        fields = [*CANDIDATE_FIELDS, "created", "application", "resume_id"]
        read_only_fields = fields


class CandidateFilter(django_filters.FilterSet):
    email = django_filters.CharFilter(lookup_expr="iexact")
    job_id = IdFilter(field_name="applications__job_id", distinct=True)
    updated_since = SinceFilter()

    class Meta:
        model = Candidate
        fields = ["email"]


class CandidateViewSet(ApiViewMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = CandidateFilter

    def get_queryset(self):
        candidates = Candidate.objects.visible_to(self.request.user).order_by("name", "id")
        if self.action == "retrieve":
            # Only the applications to jobs this user sees: the others stay invisible.
            visible_applications = (
                Application.objects.visible_to(self.request.user)
                .select_related("candidate", "job", "stage")
                .order_by("-applied_at", "-id")
            )
            candidates = candidates.prefetch_related(Prefetch("applications", queryset=visible_applications))
        return candidates

    def get_serializer_class(self):
        return CandidateDetailSerializer if self.action == "retrieve" else CandidateSerializer

    @extend_schema(
        request={"application/json": CandidateCreateSerializer, "multipart/form-data": CandidateCreateSerializer},
        responses={201: CandidateCreatedSerializer, 200: CandidateCreatedSerializer},
        description="Create a candidate, or update the one with this email in your organisation. "
        "With job_id they are also applied to that job (201 when the person is new, 200 when updated).",
    )
    def create(self, request, *args, **kwargs):
        payload = CandidateCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        job_id, resume_file = fields.pop("job_id"), fields.pop("resume")
        user = request.user
        job = visible_job_or_404(user, job_id) if job_id else None
        if job is None:
            access.require(
                access.can_manage_org(user),
                "Only admins can create a candidate without a job (others see candidates through their jobs): "
                "send job_id.",
            )
        else:
            access.require(access.can_move_stage(user, job), "Your role cannot add candidates to this job.")
        with transaction.atomic():
            candidate, created = find_or_create_candidate(org=user.org, source=Candidate.Source.API, **fields)
            application = resume_id = None
            if job is not None:
                application, _ = apply_to_job(candidate=candidate, job=job, source=StageChange.Source.API, actor=user)
            if resume_file is not None:
                from screening.api import store_uploaded_resume

                resume_id = store_uploaded_resume(
                    user=user, job=job, candidate=candidate, application=application, upload=resume_file
                ).pk
        body = {
            **CandidateSerializer(candidate).data,
            "created": created,
            "application": ApplicationSerializer(application).data if application else None,
            "resume_id": resume_id,
        }
        return Response(
            body,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ApplicationCreateSerializer(serializers.Serializer):
    candidate_id = id_field()
    job_id = id_field()
    stage = id_field(required=False, allow_null=True, default=None, help_text="Stage id; the first stage if absent.")


class ApplicationMoveSerializer(serializers.Serializer):
    stage = id_field(help_text="Id of a stage of the job's pipeline (see /jobs/{id}/stages).")
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ApplicationFilter(django_filters.FilterSet):
    job_id = IdFilter(field_name="job_id")
    candidate_id = IdFilter(field_name="candidate_id")
    stage = IdFilter(field_name="stage_id", label="Stage id")
    stage_name = django_filters.CharFilter(field_name="stage__name", lookup_expr="iexact")
    stage_kind = django_filters.ChoiceFilter(field_name="stage__kind", choices=Stage.Kind.choices)
    updated_since = SinceFilter()

    class Meta:
        model = Application
        fields: list[str] = []


class ApplicationViewSet(ApiViewMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = ApplicationFilter

    def get_queryset(self):
        applications = (
            Application.objects.visible_to(self.request.user)
            .select_related("candidate", "job", "stage")
            .order_by("-applied_at", "-id")
        )
        if self.action != "list":
            history = StageChange.objects.select_related("from_stage", "to_stage", "actor").order_by("at", "id")
            applications = applications.prefetch_related(Prefetch("stage_changes", queryset=history))
        return applications

    def get_serializer_class(self):
        return ApplicationSerializer if self.action == "list" else ApplicationDetailSerializer

    @extend_schema(request=ApplicationCreateSerializer, responses={201: ApplicationDetailSerializer})
    def create(self, request, *args, **kwargs):
        payload = ApplicationCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = request.user
        job = visible_job_or_404(user, payload.validated_data["job_id"])
        candidate = access.get_visible_or_404(
            Candidate.objects.visible_to(user), pk=payload.validated_data["candidate_id"]
        )
        access.require(access.can_move_stage(user, job), "Your role cannot add candidates to this job.")
        stage = None
        if payload.validated_data["stage"]:
            stage = Stage.objects.visible_to(user).filter(pk=payload.validated_data["stage"]).first()
            if stage is None or stage.pipeline_id != job.pipeline_id:
                raise serializers.ValidationError({"stage": ["That stage is not in this job's pipeline."]})
        application, created = apply_to_job(
            candidate=candidate, job=job, stage=stage, source=StageChange.Source.API, actor=user
        )
        if not created:
            raise Conflict("This candidate has already applied to this job.", existing_id=application.pk)
        return Response(
            ApplicationDetailSerializer(self.get_queryset().get(pk=application.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=ApplicationMoveSerializer, responses={200: ApplicationDetailSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move to another stage: the board's own service, so the external ATS hears it too."""
        application = self.get_object()
        payload = ApplicationMoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        to_stage = Stage.objects.visible_to(request.user).filter(pk=payload.validated_data["stage"]).first()
        if to_stage is None:
            raise serializers.ValidationError({"stage": ["No such stage."]})
        move_application(
            application=application,
            to_stage=to_stage,
            actor=request.user,
            source=StageChange.Source.API,
            reason=payload.validated_data["reason"],
        )
        return Response(ApplicationDetailSerializer(self.get_queryset().get(pk=application.pk)).data)
