"""Admin pages: access policy (three users), write-only credentials, Zoho consent with a
state check, stage mapping, health and retries, the sync badge."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.urls import reverse

from integrations import crypto, services
from integrations.models import AtsConnection, SyncEvent
from integrations.selectors import sync_status_for_applications

pytestmark = pytest.mark.django_db


def test_pages_are_admin_only(client, org_world):
    for user, expected in ((org_world.admin, 200), (org_world.recruiter, 403), (org_world.manager, 403)):
        client.force_login(user)
        assert client.get(reverse("integrations:index")).status_code == expected
        assert client.get(reverse("integrations:health")).status_code == expected
    client.logout()
    assert client.get(reverse("integrations:index")).status_code in (302, 403)


def test_other_orgs_connection_is_a_404(client, org_world, run_sandbox):
    running = run_sandbox("workable", rate_limit=0)
    connection = services.save_connection(
        org=org_world.org_b,
        provider="workable",
        credentials={k: str(v) for k, v in running.credentials.items()},
        actor=org_world.b_admin,
    )
    client.force_login(org_world.admin)
    assert client.get(reverse("integrations:detail", args=[connection.pk])).status_code == 404
    assert client.post(reverse("integrations:test", args=[connection.pk])).status_code == 404
    assert client.post(reverse("integrations:retry_all", args=[connection.pk])).status_code == 404


def test_connect_stores_encrypted_credentials_never_shown_back(client, org_world, run_sandbox):
    running = run_sandbox("workable", rate_limit=0)
    client.force_login(org_world.admin)
    response = client.post(
        reverse("integrations:connect", args=["workable"]),
        {
            "subdomain": "sandbox",
            "token": running.app.token,
            "base_url": running.credentials["base_url"],
            "webhook_secret": "s3cret-hook",
        },
    )
    connection = AtsConnection.objects.unscoped().get(org=org_world.org_a)
    assert response.status_code == 302
    assert running.app.token not in connection.credentials_encrypted
    assert connection.credentials["token"] == running.app.token and connection.webhook_secret == "s3cret-hook"
    for url in (
        reverse("integrations:detail", args=[connection.pk]),
        reverse("integrations:connect", args=["workable"]),
    ):
        page = client.get(url).content.decode()
        assert running.app.token not in page and "s3cret-hook" not in page
    # blank fields keep stored secrets
    client.post(
        reverse("integrations:connect", args=["workable"]), {"subdomain": "sandbox", "token": "", "base_url": ""}
    )
    connection.refresh_from_db()
    assert connection.credentials["token"] == running.app.token
    response = client.post(reverse("integrations:test", args=[connection.pk]), follow=True)
    assert "Workable account sandbox" in response.content.decode()


def test_connect_rejects_missing_fields_with_a_form_error(client, org_world):
    client.force_login(org_world.admin)
    response = client.post(reverse("integrations:connect", args=["greenhouse"]), {"api_key": ""})
    assert response.status_code == 400
    assert not AtsConnection.objects.unscoped().exists()
    assert client.get(reverse("integrations:connect", args=["nope"])).status_code == 404


def test_test_connection_reports_the_providers_message(client, org_world, run_sandbox):
    running = run_sandbox("workable", rate_limit=0)
    client.force_login(org_world.admin)
    connection = services.save_connection(
        org=org_world.org_a,
        provider="workable",
        credentials={"subdomain": "s", "token": "wrong", "base_url": running.credentials["base_url"]},
        actor=org_world.admin,
    )
    response = client.post(reverse("integrations:test", args=[connection.pk]), follow=True)
    assert "Not authorized" in response.content.decode()
    connection.refresh_from_db()
    assert connection.last_error == "Not authorized"


def test_zoho_consent_flow_checks_state(client, org_world, run_sandbox):
    running = run_sandbox("zoho")
    client.force_login(org_world.admin)
    response = client.post(
        reverse("integrations:connect", args=["zoho"]),
        {
            "accounts_url": "https://accounts.zoho.eu",
            "client_id": running.app.client_id,
            "client_secret": running.app.client_secret,
        },
    )
    connection = AtsConnection.objects.unscoped().get(org=org_world.org_a)
    assert connection.status == AtsConnection.Status.AWAITING_CONSENT
    assert response.status_code == 302 and response["Location"] == reverse(
        "integrations:zoho_start", args=[connection.pk]
    )
    # point the connection at the sandbox accounts server (as a data centre would be)
    credentials = connection.credentials
    credentials["accounts_url"] = running.server.url
    connection.credentials = credentials
    connection.save()
    start = client.get(reverse("integrations:zoho_start", args=[connection.pk]))
    assert start.status_code == 302 and start["Location"].startswith(running.server.url + "/oauth/v2/auth?")
    # the sandbox consents and redirects back
    import requests

    consent = requests.get(start["Location"], allow_redirects=False, timeout=2)
    callback = urlsplit(consent.headers["Location"])
    query = parse_qs(callback.query)
    forged = client.get(
        reverse("integrations:zoho_callback"),
        {"code": query["code"][0], "state": "forged", "accounts-server": running.server.url},
        follow=True,
    )
    assert "state mismatch" in forged.content.decode()
    connection.refresh_from_db()
    assert connection.status == AtsConnection.Status.AWAITING_CONSENT
    client.get(reverse("integrations:zoho_start", args=[connection.pk]))
    state = client.session["integrations.zoho_oauth"]["state"]
    consent = requests.get(start["Location"].replace(query["state"][0], state), allow_redirects=False, timeout=2)
    query = parse_qs(urlsplit(consent.headers["Location"]).query)
    done = client.get(reverse("integrations:zoho_callback"), {k: v[0] for k, v in query.items()}, follow=True)
    assert "Zoho Recruit is connected" in done.content.decode()
    connection.refresh_from_db()
    assert connection.status == AtsConnection.Status.ACTIVE and connection.credentials["refresh_token"]
    assert services.test_connection(connection=connection)[0]


def test_zoho_callback_refuses_unknown_accounts_server(client, org_world, run_sandbox):
    running = run_sandbox("zoho")
    connection = services.save_connection(
        org=org_world.org_a,
        provider="zoho",
        credentials={"accounts_url": running.server.url, "client_id": "c", "client_secret": "s"},
        actor=org_world.admin,
    )
    client.force_login(org_world.admin)
    client.get(reverse("integrations:zoho_start", args=[connection.pk]))
    state = client.session["integrations.zoho_oauth"]["state"]
    response = client.get(
        reverse("integrations:zoho_callback"),
        {"code": "x", "state": state, "accounts-server": "https://evil.example"},
        follow=True,
    )
    assert "unknown accounts server" in response.content.decode()


def test_import_button_and_stage_mapping_form(client, org_world, run_sandbox, django_capture_on_commit_callbacks):
    from tests.integrations.conftest import link_sandbox

    linked = link_sandbox(org_world, run_sandbox("workable", rate_limit=0), jobs=1)
    client.force_login(org_world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("integrations:import_jobs", args=[linked.connection.pk]), follow=True)
    assert "Importing jobs" in response.content.decode()
    assert linked.connection.job_links.count() == 25  # the task ran (eagerly) and imported everything once
    url = reverse("integrations:stage_mapping", args=[linked.links[0].pk])
    page = client.get(url)
    assert page.status_code == 200 and "Personality Screening" in page.content.decode()
    offer = linked.job.stages().get(name="Offer")
    form = {name: field.initial or "" for name, field in page.context["form"].fields.items()}
    form[f"stage_{offer.pk}"] = "hired"
    assert client.post(url, form).status_code == 302
    assert linked.links[0].stage_mappings.get(stage=offer).remote_stage_id == "hired"
    form[f"stage_{offer.pk}"] = "not-a-stage"
    assert client.post(url, form).status_code == 200  # form error, nothing saved
    assert linked.links[0].stage_mappings.get(stage=offer).remote_stage_id == "hired"
    client.force_login(org_world.recruiter)
    assert client.get(url).status_code == 403


def test_health_page_counts_and_retry_buttons(client, linked, outbox):
    from integrations.models import StageMapping

    StageMapping.objects.unscoped().filter(job_link=linked.links[0], stage__name="Offer").update(remote_stage_id="")
    application = linked.apply()
    linked.move(application, "Offer")
    outbox.drain()
    client.force_login(linked.world.admin)
    page = client.get(reverse("integrations:health")).content.decode()
    assert 'data-testid="failed-workable">1<' in page and 'data-testid="delivered-workable">1<' in page
    assert "not mapped" in page
    failed = SyncEvent.objects.unscoped().get(status="failed")
    StageMapping.objects.unscoped().filter(job_link=linked.links[0], stage__name="Offer").update(
        remote_stage_id="offer"
    )
    client.post(reverse("integrations:retry_event", args=[failed.pk]))
    failed.refresh_from_db()
    assert failed.status == "pending" and failed.attempts == 0
    outbox.drain()
    failed.refresh_from_db()
    assert failed.status == "delivered"
    client.force_login(linked.world.recruiter)
    assert client.post(reverse("integrations:retry_event", args=[failed.pk])).status_code == 403


def test_sync_status_selector_is_one_query(linked, outbox, django_assert_num_queries):
    applications = [linked.apply(email=f"p{n}@example.test") for n in range(3)]
    outbox.drain()
    linked.move(applications[1], "Interview")
    with django_assert_num_queries(1):
        statuses = sync_status_for_applications([a.pk for a in applications])
    assert statuses == {applications[0].pk: "synced", applications[1].pk: "syncing", applications[2].pk: "synced"}


def test_sync_badge_endpoint_polls_until_delivered(client, linked, outbox):
    application = linked.apply()
    linked.move(application, "Interview")
    url = reverse("integrations:sync_badge", args=[application.pk])
    client.force_login(linked.world.recruiter)
    # the job was imported by the admin: a recruiter without access gets a 404, not the badge
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 404
    client.force_login(linked.world.admin)
    syncing = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Syncing" in syncing and 'hx-trigger="every 2s"' in syncing
    outbox.drain()
    synced = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Synced" in synced and "hx-trigger" not in synced


def test_credentials_rotate_to_a_new_key(settings, linked):
    old_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    connection = AtsConnection.objects.unscoped().get(pk=linked.connection.pk)
    connection.credentials = {"token": "t0ken", "subdomain": "sandbox"}
    connection.webhook_secret = "hook"
    connection.save()
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert connection.credentials["token"] == "t0ken"  # old key still decrypts
    call_command("rotate_encryption_keys")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    connection.refresh_from_db()
    assert connection.credentials["token"] == "t0ken" and connection.webhook_secret == "hook"
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.DecryptionError):
        connection.credentials  # noqa: B018


def test_embedded_default_derives_a_working_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    token = crypto.encrypt_json({"a": "b"})
    assert crypto.decrypt_json(token) == {"a": "b"}


def test_lost_encryption_key_gives_clear_errors_not_500s(client, settings, linked, outbox):
    application = linked.apply()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # the old key is gone...
    services._adapters.__dict__.clear()  # ...and the processes restarted
    outbox.drain()
    event = SyncEvent.objects.unscoped().get(application=application)
    assert event.status == "failed" and "cannot be decrypted" in event.last_error
    client.force_login(linked.world.admin)
    response = client.post(reverse("integrations:test", args=[linked.connection.pk]), follow=True)
    assert response.status_code == 200 and "cannot be decrypted" in response.content.decode()
    url = reverse("integrations:webhook", args=["workable", linked.connection.webhook_token])
    assert client.post(url, data=b"{}", content_type="application/json").status_code == 403
    # re-entering the credentials repairs the connection
    client.post(
        reverse("integrations:connect", args=["workable"]),
        {"subdomain": "sandbox", "token": linked.running.app.token, "base_url": linked.running.credentials["base_url"]},
    )
    assert services.test_connection(connection=AtsConnection.objects.unscoped().get(pk=linked.connection.pk))[0]
