import pytest
from django.urls import reverse

from dashboard.audit.models import AuditEvent
from jobs.services import share_job, unshare_job
from tests.factories import TEST_PASSWORD


@pytest.mark.django_db
def test_logins_and_failed_logins_are_audited(client, org_world):
    client.post(reverse("login"), {"username": "recruiter@acme.test", "password": "wrong-password"})
    client.post(reverse("login"), {"username": "recruiter@acme.test", "password": TEST_PASSWORD})
    actions = list(AuditEvent.objects.filter(org=org_world.org_a).values_list("action", flat=True))
    assert AuditEvent.Action.LOGIN_FAILED in actions
    assert AuditEvent.Action.LOGIN in actions


@pytest.mark.django_db
def test_shares_are_audited(org_world):
    share_job(job=org_world.job_own, user=org_world.manager, actor=org_world.recruiter)
    unshare_job(job=org_world.job_own, user=org_world.manager, actor=org_world.recruiter)
    assert list(AuditEvent.objects.order_by("at", "id").values_list("action", flat=True)) == [
        "job_shared",
        "job_unshared",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("who, status", [("admin", 200), ("recruiter", 403), ("manager", 403)])
def test_audit_log_page_is_for_admins_and_scoped(client, org_world, who, status):
    share_job(job=org_world.job_b, user=org_world.b_admin, actor=org_world.b_recruiter)
    share_job(job=org_world.job_own, user=org_world.manager, actor=org_world.recruiter)
    client.force_login(getattr(org_world, who))
    response = client.get(reverse("audit:log"))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert org_world.job_own.title in body
        assert org_world.job_b.title not in body


@pytest.mark.django_db
def test_audit_log_htmx_returns_the_table_only(client, org_world, django_assert_max_num_queries):
    for _ in range(30):
        share_job(job=org_world.job_own, user=org_world.manager, actor=org_world.recruiter)
        unshare_job(job=org_world.job_own, user=org_world.manager, actor=org_world.recruiter)
    client.force_login(org_world.admin)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("audit:log"), {"action": "job_shared"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and 'id="events"' in body


@pytest.mark.django_db
def test_login_lockout_after_repeated_failures(client, org_world):
    for _ in range(5):
        client.post(reverse("login"), {"username": "manager@acme.test", "password": "wrong-password"})
    locked = client.post(reverse("login"), {"username": "manager@acme.test", "password": TEST_PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()


@pytest.mark.django_db
def test_member_changes_are_audited(org_world):
    from dashboard.services import change_member_role, invite_member, set_member_active

    change_member_role(actor=org_world.admin, member=org_world.manager, role="recruiter")
    set_member_active(actor=org_world.admin, member=org_world.other_recruiter, active=False)
    invite_member(actor=org_world.admin, email="new.hire@acme.test", role="hiring_manager")
    events = {e.action: e for e in AuditEvent.objects.filter(org=org_world.org_a)}
    assert events["role_changed"].details == {"from": "hiring_manager", "to": "recruiter"}
    assert events["member_deactivated"].target_repr
    assert events["member_invited"].details == {"role": "hiring_manager"}
    assert all(e.actor_id == org_world.admin.pk for e in events.values())


@pytest.mark.django_db
def test_tokens_connections_webhooks_and_exports_are_audited(client, org_world, settings):
    from dashboard.api_auth import create_api_token, revoke_api_token
    from dashboard.webhooks_out import create_webhook_endpoint
    from integrations.services import save_connection, set_connection_status

    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True  # no DNS here: a loopback receiver address
    token, _ = create_api_token(user=org_world.recruiter, name="careers site")
    revoke_api_token(token=token)
    connection = save_connection(
        org=org_world.org_a,
        provider="workable",
        credentials={"subdomain": "acme", "token": "s3cret-token"},
        actor=org_world.admin,
    )
    set_connection_status(connection=connection, active=False, actor=org_world.admin)
    create_webhook_endpoint(
        org=org_world.org_a, actor=org_world.admin, url="http://127.0.0.1:9/in", events=["application.created"]
    )
    client.force_login(org_world.recruiter)
    assert client.get(reverse("jobs:list"), {"_export": "csv"}).status_code == 200
    actions = list(AuditEvent.objects.filter(org=org_world.org_a).values_list("action", flat=True))
    for expected in ("token_created", "token_revoked", "connection_changed", "webhook_changed", "export"):
        assert expected in actions, expected
    assert "s3cret-token" not in str(list(AuditEvent.objects.values_list("details", flat=True)))
