"""The tenant wall, crawled: every URL pattern with an object id, filled with another
organisation's ids, is a 404 for every role (GET and POST). The test enumerates the
URLconf itself, so a view added tomorrow is covered the day it lands; an id parameter it
does not know fails the test until it is mapped below."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from tests import factories
from tests.factories import NoteFactory, ResumeFactory, ResumeScoreFactory, StageChangeFactory

# URL parameter name → "app_label.Model" whose ids it carries.
ID_PARAMETERS = {
    "job_id": "jobs.Job",
    "candidate_id": "candidates.Candidate",
    "application_id": "candidates.Application",
    "note_id": "candidates.Note",
    "stage_id": "jobs.Stage",
    "resume_id": "screening.Resume",
    "test_log_id": "screening.TestLog",
    "testlog_id": "screening.TestLog",
    "screening_id": "screening.PersonalityScreening",
    "user_id": "dashboard.User",
    "member_id": "dashboard.User",
    "token_id": "dashboard.ApiToken",
    "endpoint_id": "dashboard.WebhookEndpoint",
    "delivery_id": "dashboard.WebhookDelivery",
    "connection_id": "integrations.AtsConnection",
    "event_id": "integrations.SyncEvent",
    "sync_event_id": "integrations.SyncEvent",
    "share_id": "jobs.JobShare",
    "upload_id": "screening.Resume",
    "pk": None,  # resolved from the route prefix below
    "id": None,
}
PREFIX_MODELS = {
    "jobs": "jobs.Job",
    "candidates": "candidates.Candidate",
    "applications": "candidates.Application",
    "resumes": "screening.Resume",
    "test-logs": "screening.TestLog",
    "screenings": "screening.PersonalityScreening",
    "connections": "integrations.AtsConnection",
    "events": "integrations.SyncEvent",
    "job-links": "integrations.JobLink",
}
# Namespaces that are not tenant data or that enforce access by other means.
SKIP_NAMESPACES = {"admin"}
ROLES = ("admin", "recruiter", "manager")


def iter_routes(resolver=None, prefix="", namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns in SKIP_NAMESPACES:
                continue
            yield from iter_routes(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def id_params(route: str) -> list[str]:
    return re.findall(r"<int:(\w+)>", route)


def model_for(param: str, route: str) -> str:
    label = ID_PARAMETERS.get(param, "missing")
    if label is None:
        segments = [s for s in route.split("/") if s and not s.startswith("<")]
        label = next((PREFIX_MODELS[s] for s in reversed(segments) if s in PREFIX_MODELS), "missing")
    if label == "missing":
        pytest.fail(f"{route}: unknown id parameter <{param}>; map it in ID_PARAMETERS")
    return label


def other_org_ids(world) -> dict[str, int]:
    """One object of every tenant model, all in org B."""
    resume = ResumeFactory(application=world.app_b)
    ResumeScoreFactory(resume=resume)
    ids = {
        "jobs.Job": world.job_b.pk,
        "jobs.Stage": world.job_b.pipeline.stages.first().pk,
        "jobs.JobShare": world.job_b.shares.create(user=world.b_admin, shared_by=world.b_recruiter).pk,
        "candidates.Candidate": world.app_b.candidate.pk,
        "candidates.Application": world.app_b.pk,
        "candidates.Note": NoteFactory(candidate=world.app_b.candidate).pk,
        "screening.Resume": resume.pk,
        "screening.TestLog": factories.TestLogFactory(job=world.job_b, candidate=world.app_b.candidate).pk,
        "dashboard.User": world.b_recruiter.pk,
    }
    StageChangeFactory(application=world.app_b)
    for label, builder in _optional_builders(world).items():
        try:
            with transaction.atomic():
                ids[label] = builder()
        except Exception as error:  # noqa: BLE001 - reported: routes needing it count as uncovered
            UNBUILDABLE[label] = repr(error)
    return ids


UNBUILDABLE: dict[str, str] = {}


def _optional_builders(world):
    """Rows of models beyond the core ones, each built in org B."""
    from dashboard.models import ApiToken, WebhookEndpoint
    from integrations.models import AtsConnection, JobLink, SyncEvent
    from screening.models import Instrument, PersonalityScreening

    def connection():
        return AtsConnection.objects.get_or_create(org=world.org_b, provider="workable")[0]

    def screening():
        instrument = Instrument.objects.create(slug="crawler", name="Crawler test", version="t")
        return PersonalityScreening.objects.create(
            org=world.org_b,
            candidate=world.app_b.candidate,
            job=world.job_b,
            instrument=instrument,
            token="crawler-token",
        ).pk

    def api_token():
        return ApiToken.objects.create(
            org=world.org_b, user=world.b_admin, name="crawler", prefix="crawl", token_hash="0" * 64
        ).pk

    def webhook_endpoint():
        return WebhookEndpoint.objects.create(
            org=world.org_b, url="https://hooks.example.com/in", events=["application.created"], secret_encrypted="x"
        ).pk

    def job_link():
        return JobLink.objects.create(org=world.org_b, connection=connection(), job=world.job_b, remote_id="crawler").pk

    def sync_event():
        return SyncEvent.objects.create(
            org=world.org_b,
            connection=connection(),
            application=world.app_b,
            kind=SyncEvent.Kind.values[0],
            idempotency_key="crawler-event",
            sequence=1,
        ).pk

    return {
        "integrations.AtsConnection": lambda: connection().pk,
        "integrations.JobLink": job_link,
        "integrations.SyncEvent": sync_event,
        "screening.PersonalityScreening": screening,
        "dashboard.ApiToken": api_token,
        "dashboard.WebhookEndpoint": webhook_endpoint,
    }


def tenant_routes():
    return [(route, pattern) for route, pattern in iter_routes() if id_params(route)]


def fill(route: str, ids: dict[str, int]) -> str | None:
    path = route
    for param in id_params(route):
        label = model_for(param, route)
        if label not in ids:
            return None
        path = path.replace(f"<int:{param}>", str(ids[label]), 1)
    if "<" in path:  # a non-id parameter (a token, a slug): filled by nobody here
        path = re.sub(r"<(?:str:|slug:)?\w+>", "x", path)
        path = re.sub(r"<path:\w+>", "x", path)
    path = path.replace("^", "").replace("$", "")
    return "/" + path


@pytest.mark.django_db
def test_other_orgs_ids_are_404_for_every_role_on_every_route(client, org_world):
    ids = other_org_ids(org_world)
    routes = tenant_routes()
    assert len(routes) >= 3, "the crawler found no routes with ids"
    leaks = []
    uncovered = sorted({route for route, _ in routes if fill(route, ids) is None})
    assert not uncovered, f"Routes the crawler cannot fill (objects it could not build: {UNBUILDABLE}): {uncovered}"
    checked = 0
    for role in ROLES:
        client.force_login(getattr(org_world, role))
        for route, _pattern in routes:
            url = fill(route, ids)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                checked += 1
                if response.status_code == 405:
                    continue
                if response.status_code not in (404, 403) or (response.status_code == 403 and role == "admin"):
                    leaks.append(f"{role} {method.upper()} {url} → {response.status_code}")
                elif response.status_code == 403 and _role_may_use(route, role):
                    leaks.append(f"{role} {method.upper()} {url} → 403 (should be 404: it confirms the id exists)")
    assert checked
    assert not leaks, "\n".join(leaks)


def _role_may_use(route: str, role: str) -> bool:
    """A 403 is fine where the role may never use the page at all (e.g. admin-only pages)."""
    return False


@pytest.mark.django_db
def test_same_org_objects_outside_the_role_are_404(client, org_world):
    """A recruiter filling in the ids of a colleague's unshared job gets 404 everywhere."""
    world = org_world
    private_ids = {
        "jobs.Job": world.job_private.pk,
        "candidates.Application": world.app_private.pk,
        "candidates.Candidate": world.app_private.candidate.pk,
        "screening.Resume": ResumeFactory(application=world.app_private).pk,
    }
    for role in ("recruiter", "manager"):
        client.force_login(getattr(world, role))
        for route, _pattern in tenant_routes():
            url = fill(route, private_ids)
            if url is None:
                continue
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                assert status in (403, 404, 405), f"{role} {method.upper()} {url} → {status}"


def api_routes():
    return [(route, pattern) for route, pattern in iter_routes() if "(?P<pk>" in route]


def fill_api(route: str, ids: dict[str, int]) -> str | None:
    segments = [s for s in re.split(r"[/^$]", route.replace("api/v1/", "")) if s and "(?P" not in s and s != "?"]
    label = PREFIX_MODELS.get(segments[0]) if segments else None
    if label is None:
        pytest.fail(f"{route}: the crawler does not know which model its pk is")
    if label not in ids:
        return None
    path = re.sub(r"\(\?P<pk>[^)]*\)", str(ids[label]), route)
    path = path.replace("^", "").replace("$", "").replace("/?", "/")
    return "/" + path


@pytest.mark.django_db
def test_api_other_orgs_ids_are_404_for_every_role(client, org_world):
    from dashboard.api_auth import create_api_token

    ids = other_org_ids(org_world)
    routes = api_routes()
    assert len(routes) >= 4, "the crawler found no API routes with ids"
    leaks = []
    for role in ROLES:
        _, raw = create_api_token(user=getattr(org_world, role), name=f"crawler {role}")
        headers = {"Authorization": f"Bearer {raw}"}
        for route, _pattern in routes:
            url = fill_api(route, ids)
            assert url is not None, f"cannot fill {route}"
            for method in ("get", "post"):
                response = getattr(client, method)(url, headers=headers, content_type="application/json")
                if response.status_code in (404, 405):
                    continue
                leaks.append(f"{role} {method.upper()} {url} → {response.status_code}")
        if role == "admin":  # control: the same routes answer for the admin's own objects
            detail = next(r for r, _ in routes if re.fullmatch(r"api/v1/\^jobs/\(\?P<pk>[^)]*\)/\?\$", r))
            own = fill_api(detail, {"jobs.Job": org_world.job_own.pk})
            assert client.get(own, headers=headers).status_code == 200
    assert not leaks, "\n".join(leaks)
