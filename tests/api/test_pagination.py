import datetime as dt

import pytest
from django.utils import timezone

from candidates.models import Application
from tests.factories import ApplicationFactory, JobFactory, ResumeScoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(world):
    """30 more applications to the admin-visible job_own."""
    return [ApplicationFactory(job=world.job_own) for _ in range(30)]


def test_page_mode(world, many, api_as):
    client = api_as(world.admin)
    first = client.get("/api/v1/applications", {"limit": 10}).json()
    assert first["pagination"]["mode"] == "page"
    assert first["pagination"]["count"] == 33 and first["pagination"]["pages"] == 4
    assert first["pagination"]["previous"] is None
    assert len(first["data"]) == 10
    seen = [row["id"] for row in first["data"]]
    url = first["pagination"]["next"]
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["data"]]
        url = body["pagination"]["next"]
    assert body["pagination"]["previous"].endswith("page=3") or "page=3" in body["pagination"]["previous"]
    assert sorted(seen) == sorted(Application.objects.filter(org=world.org_a).values_list("id", flat=True))
    assert len(seen) == len(set(seen))


@pytest.mark.parametrize(
    ("params", "status"), [({"limit": 0}, 400), ({"limit": "x"}, 400), ({"page": 0}, 400), ({"page": 99}, 404)]
)
def test_bad_page_parameters(world, api_as, params, status):
    response = api_as(world.admin).get("/api/v1/applications", params)
    assert response.status_code == status
    assert response.json()["success"] is False


def test_limit_is_capped_at_100(world, api_as):
    for _ in range(3):
        JobFactory(org=world.org_a, owner=world.admin)
    body = api_as(world.admin).get("/api/v1/jobs", {"limit": 1000}).json()
    assert body["pagination"]["limit"] == 100


def test_cursor_mode_never_skips_a_row_that_changes_during_the_sync(world, many, api_as):
    client = api_as(world.admin)
    body = client.get("/api/v1/applications", {"cursor": "", "limit": 10}).json()
    assert body["pagination"]["mode"] == "cursor" and body["pagination"]["has_more"] is True
    seen = [row["id"] for row in body["data"]]
    # While the script pages, a row it has already read changes, and so does one it has not.
    already_read = Application.objects.get(pk=seen[0])
    not_yet_read = Application.objects.exclude(pk__in=seen).filter(org=world.org_a).order_by("updated_at", "id").last()
    interview = world.job_own.stages().get(name="Interview")
    for application in (already_read, not_yet_read):
        Application.objects.filter(pk=application.pk).update(stage=interview, updated_at=timezone.now())
    url = body["pagination"]["next"]
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["data"]]
        url = body["pagination"]["next"]
    all_ids = set(Application.objects.filter(org=world.org_a).values_list("id", flat=True))
    assert set(seen) == all_ids
    # The changed row that was already read comes again, with its new state.
    assert seen.count(already_read.pk) == 2
    # Resuming from the last cursor later gives only what changed since.
    Application.objects.filter(pk=world.app_shared.pk).update(updated_at=timezone.now() + dt.timedelta(seconds=1))
    later = client.get("/api/v1/applications", {"cursor": body["pagination"]["next_cursor"]}).json()
    assert [row["id"] for row in later["data"]] == [world.app_shared.pk]


def test_cursor_with_updated_since(world, many, api_as):
    cutoff = timezone.now() + dt.timedelta(minutes=5)
    Application.objects.filter(pk=many[3].pk).update(updated_at=cutoff + dt.timedelta(seconds=1))
    body = api_as(world.admin).get("/api/v1/applications", {"cursor": "", "updated_since": cutoff.isoformat()}).json()
    assert [row["id"] for row in body["data"]] == [many[3].pk]
    assert body["pagination"]["next"] is None


@pytest.mark.parametrize("cursor", ["garbage", "eyJ0IjoxfQ", "!!!"])
def test_a_bad_cursor_is_a_400(world, api_as, cursor):
    response = api_as(world.admin).get("/api/v1/applications", {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()["details"]


def test_resumes_are_ranked_by_overall_score(world, api_as):
    low = ResumeScoreFactory(resume__application=ApplicationFactory(job=world.job_own), overall_score=3)
    high = ResumeScoreFactory(resume__application=ApplicationFactory(job=world.job_own), overall_score=9)
    ResumeScoreFactory(resume__application=ApplicationFactory(job=world.job_shared), overall_score=10)
    body = api_as(world.recruiter).get("/api/v1/resumes", {"job_id": world.job_own.pk}).json()
    assert [row["id"] for row in body["data"]] == [high.resume_id, low.resume_id]
    breakdown = body["data"][0]["score"]
    assert breakdown["overall_score"] == 9.0
    assert set(breakdown) >= {
        "skills_score",
        "work_exp_score",
        "projects_score",
        "education_score",
        "certifications_score",
    }


def test_job_filters_and_ordering(world, api_as):
    JobFactory(
        org=world.org_a,
        owner=world.admin,
        title="Zeta platform engineer",
        location="Berlin",
        status="closed",
        published=False,
    )
    client = api_as(world.admin)

    def titles(**params):
        return [job["title"] for job in client.get("/api/v1/jobs", params).json()["data"]]

    assert titles(status="closed") == ["Zeta platform engineer"]
    assert titles(published="false") == ["Zeta platform engineer"]
    assert titles(location="berl") == ["Zeta platform engineer"]
    assert titles(q="zeta engineer") == ["Zeta platform engineer"]
    assert titles(ordering="-title")[0] == "Zeta platform engineer"
    assert titles(ordering="title")[-1] == "Zeta platform engineer"
    response = client.get("/api/v1/jobs", {"status": "bogus"})
    assert response.status_code == 400 and "status" in response.json()["details"]


def test_application_filters(world, api_as):
    client = api_as(world.admin)
    interview = world.job_own.stages().get(name="Interview")
    Application.objects.filter(pk=world.app_own.pk).update(stage=interview)

    def ids(**params):
        return {row["id"] for row in client.get("/api/v1/applications", params).json()["data"]}

    assert ids(job_id=world.job_own.pk) == {world.app_own.pk}
    assert ids(stage=interview.pk) == {world.app_own.pk}
    assert ids(stage_name="interview") == {world.app_own.pk}
    assert ids(stage_kind="active") == {world.app_own.pk, world.app_shared.pk, world.app_private.pk}
    assert ids(candidate_id=world.app_shared.candidate_id) == {world.app_shared.pk}
    assert ids(job_id=world.job_b.pk) == set()
    assert client.get("/api/v1/applications", {"updated_since": "yesterday"}).status_code == 400


LIST_URLS = ["/api/v1/jobs", "/api/v1/applications", "/api/v1/candidates", "/api/v1/resumes", "/api/v1/test-logs"]


@pytest.mark.parametrize("rows", [5, 200])
@pytest.mark.parametrize("url", LIST_URLS)
def test_list_query_counts_do_not_grow_with_rows(world, api_as, django_assert_max_num_queries, rows, url):
    from tests.factories import TestLogFactory

    for _ in range(rows):
        score = ResumeScoreFactory(resume__application=ApplicationFactory(job=world.job_own))
        TestLogFactory(job=world.job_own, candidate=score.resume.candidate)
    client = api_as(world.admin)
    client.get("/api/v1/jobs")  # the token's last_used_at is written once; not part of a list's cost
    for params in ({"limit": 100}, {"limit": 100, "cursor": ""}):
        with django_assert_max_num_queries(4):
            response = client.get(url, params)
        assert response.status_code == 200
        visible_rows = {"jobs": 3, "applications": rows + 3, "candidates": rows + 3}.get(url.rsplit("/", 1)[1], rows)
        assert len(response.json()["data"]) == min(100, visible_rows)


@pytest.mark.parametrize("since", ["0395-05-22T01:10:49+23:07", "2026-01-01T00:00:00-15:30"])
def test_updated_since_with_an_unusual_offset(world, api_as, since):
    # PostgreSQL refuses offsets beyond ±15:59: the filter compares in UTC.
    response = api_as(world.admin).get("/api/v1/applications", {"updated_since": since})
    assert response.status_code == 200


def test_a_forged_cursor_with_a_huge_id_is_a_400(world, api_as):
    from config.api_framework import encode_cursor

    response = api_as(world.admin).get("/api/v1/applications", {"cursor": encode_cursor(timezone.now(), 10**30)})
    assert response.status_code == 400
