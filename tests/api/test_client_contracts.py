"""The two clients we must keep working, spoken to over real HTTP with `requests` (no SDK):
a careers site that posts applicants and reads them back, and a script that pages through
every application (page numbers, and the cursor for syncs)."""

import pytest
import requests

from candidates.models import Application, Candidate
from dashboard.api_auth import create_api_token
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def http(live_server, world):
    _, token = create_api_token(user=world.recruiter, name="careers site")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    session.base = live_server.url + "/api/v1"
    return session


def test_careers_site_posts_an_applicant_and_reads_the_applications(http, world):
    applicant = {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "phone": "+44 20 7946 0000",
        "job_id": world.job_own.pk,
    }
    response = http.post(f"{http.base}/candidates", json=applicant, timeout=10)
    assert response.status_code == 201
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert body["success"] is True
    assert body["data"]["email"] == "ada@example.com"
    application_id = body["data"]["application"]["id"]

    # The visitor presses the button twice: still one person, one application.
    again = http.post(f"{http.base}/candidates", json=applicant, timeout=10)
    assert again.status_code == 200
    assert again.json()["data"]["application"]["id"] == application_id
    assert Candidate.objects.filter(email="ada@example.com").count() == 1

    listing = http.get(f"{http.base}/applications", params={"job_id": world.job_own.pk}, timeout=10).json()
    assert listing["success"] is True
    rows = {row["id"]: row for row in listing["data"]}
    assert set(rows) == {world.app_own.pk, application_id}
    assert rows[application_id]["candidate"]["email"] == "ada@example.com"
    assert rows[application_id]["stage"]["name"] == "Applied"
    assert listing["pagination"]["count"] == 2

    bad = http.post(f"{http.base}/candidates", json={**applicant, "email": "nope"}, timeout=10)
    assert bad.status_code == 400
    assert bad.json() == {
        "success": False,
        "error": "validation_error",
        "message": "email: Enter a valid email address.",
        "details": {"email": ["Enter a valid email address."]},
    }


def test_a_script_pages_through_all_applications_both_ways(http, world):
    for _ in range(45):
        ApplicationFactory(job=world.job_own)
    expected = set(Application.objects.filter(job__in=[world.job_own, world.job_shared]).values_list("id", flat=True))

    def collect(first_params):
        seen, url, params, pages = [], f"{http.base}/applications", first_params, 0
        while url:
            body = http.get(url, params=params, timeout=10).json()
            assert body["success"] is True
            seen += [row["id"] for row in body["data"]]
            url, params, pages = body["pagination"]["next"], None, pages + 1
        return seen, pages

    by_page, pages = collect({"limit": 10})
    assert sorted(by_page) == sorted(expected) and pages == 5
    by_cursor, pages = collect({"limit": 10, "cursor": ""})
    assert sorted(by_cursor) == sorted(expected) and pages == 5
