import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from dashboard.api_auth import create_api_token


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
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
