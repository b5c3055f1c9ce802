"""/api/v1/: the router, the OpenAPI schema and its interactive docs.

The envelope, errors, pagination, throttling and idempotency are in config/api_framework.py
and the schema class in config/api_schema.py (REST_FRAMEWORK settings point there; DRF
resolves them while it is still being imported). Each app's part of the API is its `api.py`.
"""

from __future__ import annotations

from django.urls import path, re_path
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.decorators import api_view, permission_classes, schema
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from candidates.api import ApplicationViewSet, CandidateViewSet
from jobs.api import JobViewSet
from screening.api import JobResumeUploadView, ResumeViewSet, TestLogViewSet

app_name = "api"


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
@schema(None)
def api_not_found(request, unknown_path=""):
    raise exceptions.NotFound("There is no such API endpoint; see /api/v1/docs/.")


api_not_found.cls.throttle_classes = []


router = SimpleRouter()
# Both /api/v1/candidates and /api/v1/candidates/ answer: clients POST to either.
router.trailing_slash = "/?"
router.register("jobs", JobViewSet, basename="job")
router.register("candidates", CandidateViewSet, basename="candidate")
router.register("applications", ApplicationViewSet, basename="application")
router.register("resumes", ResumeViewSet, basename="resume")
router.register("test-logs", TestLogViewSet, basename="test-log")


def _api_view(callback, policy: str = "api-token"):
    """API views authenticate by token, not by the login session: the login middleware
    lets them through and the URLconf test reads their policy."""
    callback.login_required = False
    callback.access_policy = policy
    return callback


def _mark_route(pattern):
    _api_view(pattern.callback)
    return pattern


urlpatterns = [
    path(
        "schema/",
        _api_view(SpectacularAPIView.as_view(), "public"),
        name="schema",
    ),
    path(
        "docs/",
        _api_view(SpectacularSwaggerSplitView.as_view(url_name="api:schema"), "public"),
        name="docs",
    ),
    re_path(
        r"^jobs/(?P<pk>[0-9]{1,18})/resumes/?$",
        _api_view(JobResumeUploadView.as_view()),
        name="job-resumes",
    ),
    *[_mark_route(pattern) for pattern in router.urls],
    re_path(r"^(?P<unknown_path>.*)$", _api_view(api_not_found, "public"), name="not-found"),
]
