import pytest
from rest_framework.test import APIClient

from dashboard.api_auth import create_api_token, hash_token
from dashboard.models import ApiToken

pytestmark = pytest.mark.django_db


def test_no_token_is_401_with_the_error_envelope():
    response = APIClient().get("/api/v1/jobs")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json() == {
        "success": False,
        "error": "not_authenticated",
        "message": "Authentication credentials were not provided.",
        "details": {},
    }


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer hb_deadbeef_wrong", "Bearer a b"])
def test_a_wrong_token_is_401(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/jobs")
    assert response.status_code == 401
    assert response.json()["error"] == "authentication_failed"


def test_tokens_are_stored_hashed_and_act_as_their_user(world, api_as):
    client = api_as(world.manager)
    token = ApiToken.objects.get(user=world.manager)
    assert client.raw_token not in (token.token_hash, token.prefix)
    assert token.token_hash == hash_token(client.raw_token)
    response = client.get("/api/v1/jobs")
    assert response.status_code == 200
    assert [job["id"] for job in response.json()["data"]] == [world.job_shared.pk]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_token_or_a_deactivated_user_is_refused(world, api_as):
    client = api_as(world.recruiter)
    assert client.get("/api/v1/jobs").status_code == 200
    world.recruiter.is_active = False
    world.recruiter.save()
    assert client.get("/api/v1/jobs").status_code == 401
    world.recruiter.is_active = True
    world.recruiter.save()
    ApiToken.objects.filter(user=world.recruiter).update(revoked_at="2026-01-01T00:00:00Z")
    assert client.get("/api/v1/jobs").status_code == 401


def test_session_login_does_not_open_the_api(world, client):
    client.force_login(world.admin)
    assert client.get("/api/v1/jobs").status_code == 401


def test_settings_page_creates_a_token_shown_once_and_revokes_it(world, client):
    client.force_login(world.recruiter)
    assert client.get("/settings/api-tokens/").status_code == 200
    response = client.post("/settings/api-tokens/", {"name": "Careers site"})
    assert response.status_code == 200
    raw_token = response.context["new_token"]
    assert raw_token.startswith("hb_")
    assert raw_token in response.content.decode()
    page = client.get("/settings/api-tokens/").content.decode()
    assert "Careers site" in page and raw_token not in page

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_token}")
    assert api.get("/api/v1/jobs").status_code == 200
    token = ApiToken.objects.get(user=world.recruiter)
    response = client.post(f"/settings/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert api.get("/api/v1/jobs").status_code == 401


def test_a_token_needs_a_name(world, client):
    client.force_login(world.recruiter)
    response = client.post("/settings/api-tokens/", {"name": "  "})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_nobody_revokes_someone_elses_token(world, client):
    token, _ = create_api_token(user=world.other_recruiter, name="theirs")
    client.force_login(world.admin)
    assert client.post(f"/settings/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_token_page_needs_a_login(client):
    response = client.get("/settings/api-tokens/")
    assert response.status_code == 302
    assert "login" in response["Location"]
