"""Resumes and assessment results in /api/v1/.

Reads use the screening selectors (`ranked()`, `visible_resume`, `resume_api_payload`);
uploads and test results go through the screening services (`ingest_resume`,
`record_test_log`), like the pages, the CSV import and the assessment webhooks.
"""

from __future__ import annotations

import json

import django_filters
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from candidates.api import CandidateBriefSerializer, visible_job_or_404
from candidates.models import Application, Candidate, StageChange
from candidates.services import apply_to_job, find_or_create_candidate
from config.api_framework import ApiViewMixin, PayloadTooLarge, UnsupportedFileType, id_field
from dashboard import access
from dashboard.models import User
from jobs.api import IdFilter, SinceFilter
from jobs.models import Job
from screening.models import Resume, TestLog
from screening.parsing import UploadLimits, UploadRejected
from screening.selectors import resume_api_payload, visible_resume
from screening.services import TestLogInput, ingest_resume, record_test_log

DECIMAL = {"max_digits": 4, "decimal_places": 2}


# The resume payloads are screening.selectors.resume_api_payload (the screening app decides
# what of a resume is published); these serializers only document that shape in the schema.
class ResumeScoreSerializer(serializers.Serializer):
    overall_score = serializers.DecimalField(**DECIMAL, help_text="0-10; the five parts add up to it.")
    skills_score = serializers.DecimalField(**DECIMAL)
    work_exp_score = serializers.DecimalField(**DECIMAL)
    projects_score = serializers.DecimalField(**DECIMAL)
    education_score = serializers.DecimalField(**DECIMAL)
    certifications_score = serializers.DecimalField(**DECIMAL)
    weights = serializers.DictField(child=serializers.FloatField())
    scored_at = serializers.DateTimeField()


class ResumeScoreDetailSerializer(ResumeScoreSerializer):
    feedback = serializers.DictField(help_text="Per component: points, maximum and the explanation.")


class ResumeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    job_id = serializers.IntegerField()
    candidate_id = serializers.IntegerField(allow_null=True, help_text="Empty until parsing finds the person.")
    candidate = CandidateBriefSerializer(allow_null=True)
    original_name = serializers.CharField()
    status = serializers.ChoiceField(choices=Resume.Status.choices)
    status_text = serializers.CharField()
    completed = serializers.BooleanField()
    is_current = serializers.BooleanField()
    is_approved = serializers.BooleanField(allow_null=True)
    relevant_experience_in_months = serializers.IntegerField(allow_null=True)
    score = ResumeScoreSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ResumeDetailSerializer(ResumeSerializer):
    score = ResumeScoreDetailSerializer(allow_null=True)
    parsed = serializers.DictField(help_text="Fields read from the resume (empty until it is parsed).")


def resume_row(resume: Resume, *, detail: bool) -> dict:
    payload = resume_api_payload(resume)
    payload["candidate"] = CandidateBriefSerializer(resume.candidate).data if resume.candidate_id else None
    if not detail:
        payload.pop("parsed", None)
        if payload["score"]:
            payload["score"] = {key: value for key, value in payload["score"].items() if key != "feedback"}
    return payload


class ResumeFilter(django_filters.FilterSet):
    job_id = IdFilter(field_name="job_id")
    candidate_id = IdFilter(field_name="candidate_id")
    status = django_filters.ChoiceFilter(choices=Resume.Status.choices)
    updated_since = SinceFilter()

    class Meta:
        model = Resume
        fields: list[str] = []


class ResumeViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Current resumes, best overall score first (unscored last), with the score breakdown."""

    filterset_class = ResumeFilter
    serializer_class = ResumeSerializer

    def get_queryset(self):
        resumes = Resume.objects.visible_to(self.request.user).current().ranked().select_related("candidate", "score")
        # The id breaks ties, so pages never repeat or skip a resume.
        return resumes.order_by(*resumes.query.order_by, "-id")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response([resume_row(resume, detail=False) for resume in page])

    @extend_schema(responses=ResumeDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        return Response(resume_row(visible_resume(request.user, kwargs["pk"]), detail=True))


class ResumeUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, DOCX, DOC, RTF, TXT or ODT.")
    candidate_id = id_field(required=False, allow_null=True)
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
    """The screening service stores and queues the file; its refusals become 413 or 415."""
    try:
        return ingest_resume(
            job=job,
            uploaded=upload,
            actor=user,
            source=Candidate.Source.API,
            candidate=candidate,
            application=application,
        )
    except UploadRejected as rejected:
        if (upload.size or 0) > UploadLimits.from_settings().max_bytes:
            raise PayloadTooLarge(rejected.message)
        raise UnsupportedFileType(rejected.message)


class TestLogSerializer(serializers.ModelSerializer):
    report_url = serializers.CharField(read_only=True, help_text="Empty when the provider gave none.")

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
    candidate_id = id_field()
    job_id = id_field()
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

    def validate_raw_payload(self, value):
        # PostgreSQL's jsonb cannot store the NUL character.
        if "\\u0000" in json.dumps(value):
            raise serializers.ValidationError("The payload cannot contain NUL characters.")
        return value


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

    @extend_schema(
        request=TestLogCreateSerializer,
        responses={201: TestLogSerializer, 200: TestLogSerializer},
        description="Record an assessment result. The same provider and external_id again updates "
        "that result (200) instead of adding a second one (201).",
    )
    def create(self, request, *args, **kwargs):
        payload = TestLogCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        fields = dict(payload.validated_data)
        user = request.user
        job = visible_job_or_404(user, fields.pop("job_id"))
        candidate = access.get_visible_or_404(Candidate.objects.visible_to(user), pk=fields.pop("candidate_id"))
        fields["proctoring_flags"] = tuple(fields.get("proctoring_flags", ()))
        test_log, created = record_test_log(job=job, candidate=candidate, values=TestLogInput(**fields), actor=user)
        return Response(
            TestLogSerializer(test_log).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
