"""Resumes and assessment results in /api/v1/.

Reading resumes uses the screening models' own `ranked()`; uploads go through the
screening service, like the pages.
"""

from __future__ import annotations

import django_filters
from django.db import IntegrityError, transaction
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from candidates.api import CandidateBriefSerializer, visible_job_or_404
from candidates.models import Application, Candidate, StageChange
from candidates.services import apply_to_job, find_or_create_candidate
from config.api_framework import MAX_ID, ApiViewMixin, Conflict
from dashboard import access
from dashboard.events import test_log_created
from dashboard.models import User
from jobs.api import IdFilter
from jobs.models import Job
from screening.models import Resume, TestLog

DECIMAL = {"max_digits": 4, "decimal_places": 2}


class ResumeScoreSerializer(serializers.Serializer):
    overall_score = serializers.DecimalField(**DECIMAL, help_text="0-10; the five parts add up to it.")
    skills_score = serializers.DecimalField(**DECIMAL)
    work_exp_score = serializers.DecimalField(**DECIMAL)
    projects_score = serializers.DecimalField(**DECIMAL)
    education_score = serializers.DecimalField(**DECIMAL)
    certifications_score = serializers.DecimalField(**DECIMAL)
    weights = serializers.DictField(child=serializers.FloatField())
    scored_by = serializers.CharField()
    scored_at = serializers.DateTimeField()


class ResumeScoreDetailSerializer(ResumeScoreSerializer):
    feedback = serializers.JSONField()


RESUME_FIELDS = [
    "id",
    "candidate",
    "job_id",
    "application_id",
    "original_name",
    "content_type",
    "size",
    "status",
    "status_text",
    "completed",
    "is_approved",
    "relevant_experience_in_months",
    "score",
    "created_at",
    "updated_at",
]


class ResumeSerializer(serializers.ModelSerializer):
    candidate = CandidateBriefSerializer(read_only=True)
    score = serializers.SerializerMethodField()

    class Meta:
        model = Resume
        fields = RESUME_FIELDS
        read_only_fields = fields

    @extend_schema_field(ResumeScoreSerializer(allow_null=True))
    def get_score(self, resume):
        return ResumeScoreSerializer(resume.score).data if hasattr(resume, "score") else None


class ResumeDetailSerializer(serializers.ModelSerializer):
    candidate = CandidateBriefSerializer(read_only=True)
    score = serializers.SerializerMethodField()

    class Meta:
        model = Resume
        fields = [*RESUME_FIELDS, "parsed", "review_feedback", "reviewed_at"]
        read_only_fields = fields

    @extend_schema_field(ResumeScoreDetailSerializer(allow_null=True))
    def get_score(self, resume):
        return ResumeScoreDetailSerializer(resume.score).data if hasattr(resume, "score") else None


class ResumeFilter(django_filters.FilterSet):
    job_id = IdFilter(field_name="job_id")
    candidate_id = IdFilter(field_name="candidate_id")
    status = django_filters.ChoiceFilter(choices=Resume.Status.choices)
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Resume
        fields: list[str] = []


class ResumeViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Current resumes, best overall score first (unscored last), with the score breakdown."""

    filterset_class = ResumeFilter

    def get_queryset(self):
        resumes = Resume.objects.visible_to(self.request.user).current().ranked()
        # The id breaks ties, so pages never repeat or skip a resume.
        return resumes.order_by(*resumes.query.order_by, "-id")

    def get_serializer_class(self):
        return ResumeSerializer if self.action == "list" else ResumeDetailSerializer


class ResumeUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, DOCX, DOC, RTF, TXT or ODT.")
    candidate_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if not attrs.get("candidate_id") and not attrs.get("email"):
            raise serializers.ValidationError(
                {"candidate_id": ["Send candidate_id, or the candidate's email (and name)."]}
            )
        return attrs


class ResumeAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The resume id; GET /resumes/{id} shows its status and score.")
    status = serializers.CharField()
    candidate_id = serializers.IntegerField()
    application_id = serializers.IntegerField(allow_null=True)


class JobResumeUploadView(ApiViewMixin, APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ResumeUploadSerializer},
        responses={202: ResumeAcceptedSerializer},
        description="Upload a resume to a job. It is parsed and scored in the background: "
        "the 202 answer carries the resume id to poll.",
    )
    def post(self, request, pk):
        user = request.user
        job = visible_job_or_404(user, pk)
        access.require(access.can_upload_resume(user, job), "Your role cannot upload resumes to this job.")
        payload = ResumeUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        fields = payload.validated_data
        with transaction.atomic():
            if fields.get("candidate_id"):
                candidate = access.get_visible_or_404(Candidate.objects.visible_to(user), pk=fields["candidate_id"])
            else:
                candidate, _ = find_or_create_candidate(
                    org=job.org, name=fields["name"], email=fields["email"], source=Candidate.Source.API
                )
            application, _ = apply_to_job(candidate=candidate, job=job, source=StageChange.Source.API, actor=user)
            resume = store_uploaded_resume(
                user=user, job=job, candidate=candidate, application=application, upload=fields["file"]
            )
        body = {
            "id": resume.pk,
            "status": resume.status,
            "candidate_id": candidate.pk,
            "application_id": application.pk,
        }
        return Response(body, status=status.HTTP_202_ACCEPTED)


def store_uploaded_resume(*, user: User, job: Job, candidate: Candidate, application: Application | None, upload):
    """Hand an uploaded file to the screening service (validation, storage, parse task)."""
    from screening import services as screening_services

    return screening_services.upload_resume(
        job=job, candidate=candidate, application=application, uploaded_file=upload, uploaded_by=user
    )


class TestLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = TestLog
        fields = [
            "id",
            "candidate_id",
            "job_id",
            "test_name",
            "provider",
            "external_id",
            "score",
            "max_score",
            "passed",
            "started_at",
            "completed_at",
            "duration",
            "proctoring_flags",
            "report_url",
            "raw_payload",
            "created_at",
        ]
        read_only_fields = fields


class TestLogCreateSerializer(serializers.Serializer):
    candidate_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    job_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    test_name = serializers.CharField(max_length=200)
    provider = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    external_id = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="The provider's result id."
    )
    score = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True)
    max_score = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True)
    passed = serializers.BooleanField(required=False, allow_null=True, default=None)
    started_at = serializers.DateTimeField(required=False, allow_null=True)
    completed_at = serializers.DateTimeField(required=False, allow_null=True)
    duration = serializers.DurationField(required=False, allow_null=True)
    proctoring_flags = serializers.ListField(
        child=serializers.CharField(max_length=200), max_length=100, required=False, default=list
    )
    report_url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    raw_payload = serializers.DictField(required=False, default=dict)

    def validate(self, attrs):
        score, max_score = attrs.get("score"), attrs.get("max_score")
        if score is not None and max_score is not None and score > max_score:
            raise serializers.ValidationError({"score": ["The score cannot be above max_score."]})
        started, completed = attrs.get("started_at"), attrs.get("completed_at")
        if started and completed and completed < started:
            raise serializers.ValidationError({"completed_at": ["completed_at is before started_at."]})
        return attrs


class TestLogFilter(django_filters.FilterSet):
    job_id = IdFilter(field_name="job_id")
    candidate_id = IdFilter(field_name="candidate_id")

    class Meta:
        model = TestLog
        fields: list[str] = []


class TestLogViewSet(ApiViewMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = TestLogSerializer
    # Results are never edited: cursor syncs follow creation.
    cursor_field = "created_at"
    filterset_class = TestLogFilter

    def get_queryset(self):
        return TestLog.objects.visible_to(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=TestLogCreateSerializer, responses={201: TestLogSerializer})
    def create(self, request, *args, **kwargs):
        payload = TestLogCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        user = request.user
        job = visible_job_or_404(user, fields.pop("job_id"))
        candidate = access.get_visible_or_404(Candidate.objects.visible_to(user), pk=fields.pop("candidate_id"))
        access.require(access.can_invite_screening(user, job), "Your role cannot record assessment results.")
        if not Application.objects.filter(candidate=candidate, job=job).exists():
            raise serializers.ValidationError({"candidate_id": ["This candidate has not applied to this job."]})
        test_log = record_test_log(job=job, candidate=candidate, **fields)
        return Response(TestLogSerializer(test_log).data, status=status.HTTP_201_CREATED)


@transaction.atomic
def record_test_log(*, job: Job, candidate: Candidate, **fields) -> TestLog:
    """API adapter: store an assessment result once per provider result id, and announce it."""
    try:
        with transaction.atomic():
            test_log = TestLog.objects.create(org_id=job.org_id, job=job, candidate=candidate, **fields)
    except IntegrityError:
        existing = TestLog.objects.filter(
            org_id=job.org_id, provider=fields.get("provider", ""), external_id=fields.get("external_id", "")
        ).first()
        conflict = Conflict("This provider's result was already recorded.")
        conflict.existing_id = existing.pk if existing else None
        raise conflict
    test_log_created.send(sender=TestLog, test_log=test_log)
    return test_log
