"""schemathesis against the published schema, through the WSGI app: every operation,
generated inputs, no 5xx, and every response (status, headers, body) matches the schema.

The "schema-valid data must be accepted" heuristic is left out: a schema cannot say that a
cursor must be one we issued or that a job must be visible to you, and those are 400/404.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from dashboard.api_auth import create_api_token

API_SCHEMA_PATH = "/api/v1/schema/?format=json"


@pytest.fixture
def published_schema(db):
    from config.wsgi import application

    # Like Django's test client: a request must not close the test's connection (and with
    # it the test transaction), which the WSGI handler does between real requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(API_SCHEMA_PATH, application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_token(org_world, settings):
    settings.API_THROTTLE_RATE = "100000/minute"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _, token = create_api_token(user=org_world.admin, name="schemathesis")
    return token


@pytest.mark.slow
def test_api_conforms_to_its_schema(published_schema, fuzz_token):
    # One Hypothesis run per operation (schemathesis' own pytest plugin does not support
    # pytest 9 yet); failures are collected so one run names every broken operation.
    headers = {"Authorization": f"Bearer {fuzz_token}"}
    operations = [result.ok() for result in published_schema.get_all_operations()]
    assert len(operations) >= 13
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=60,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            check()
        except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 -- reported below, per operation
            failures.append(f"{operation.label}: {failure}")
    assert not failures, "\n\n".join(failures)


def test_the_schema_and_docs_are_published_without_a_cdn(client):
    schema_response = client.get("/api/v1/schema/?format=json")
    assert schema_response.status_code == 200
    document = schema_response.json()
    assert document["components"]["securitySchemes"]["ApiToken"]["scheme"] == "bearer"
    assert "/api/v1/applications/{id}/move/" in document["paths"]
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower() and "<script>" not in page.replace(" ", "")
