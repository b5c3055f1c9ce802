from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from integrations.models import AtsConnection, JobLink
from jobs.models import Job

pytestmark = pytest.mark.django_db


def test_setup_demo_ats_connects_the_first_org_and_links_jobs(org_world, run_sandbox):
    running = run_sandbox("workable", rate_limit=0)
    Job.objects.unscoped().filter(org=org_world.org_a).update(status=Job.Status.OPEN)
    out = io.StringIO()
    call_command("setup_demo_ats", port=running.server.port, jobs=2, wait=2, stdout=out)
    connection = AtsConnection.objects.unscoped().get(org=org_world.org_a, provider="workable")
    assert connection.status == AtsConnection.Status.ACTIVE
    assert JobLink.objects.unscoped().filter(connection=connection).count() == 2
    assert running.app.webhook_url.endswith(f"/integrations/webhooks/workable/{connection.webhook_token}/")
    assert running.app.webhook_secret == connection.webhook_secret
    call_command("setup_demo_ats", port=running.server.port, jobs=2, wait=2, stdout=out)  # idempotent
    assert JobLink.objects.unscoped().filter(connection=connection).count() == 2


def test_setup_demo_ats_reports_a_missing_sandbox(org_world):
    with pytest.raises(CommandError, match="not answering"):
        call_command("setup_demo_ats", port=9, wait=0.5, stdout=io.StringIO())


def test_run_sandbox_ats_validates_rates():
    with pytest.raises(CommandError, match="between 0 and 1"):
        call_command("run_sandbox_ats", provider="workable", port=18798, fail_rate=2, stdout=io.StringIO())
