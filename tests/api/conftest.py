import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from dashboard.api_auth import create_api_token


@pytest.fixture(autouse=True)
def _fast_api_tests(settings):
    # The factories set real passwords; a slow hasher would dominate these tests' time.
    # The cache holds the throttle counts: every test starts with a full budget.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_as():
    """api_as(user) -> an APIClient that sends a fresh token of that user."""

    def make(user):
        _, raw_token = create_api_token(user=user, name="tests")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_token}")
        client.raw_token = raw_token
        return client

    return make


@pytest.fixture
def world(org_world):
    return org_world
