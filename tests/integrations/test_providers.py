"""Every adapter against its sandbox over real HTTP on loopback."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import requests

from integrations.providers.base import (
    AuthenticationError,
    CandidateData,
    NotFoundError,
    PermanentError,
    RateLimited,
    ResumeFile,
    RetryableError,
    parse_retry_after,
)

RESUME = ResumeFile("ada-lovelace.pdf", b"%PDF-1.4 sandbox resume", "application/pdf")


def new_candidate(sandbox, *, email="ada@example.test", job_index=0):
    adapter = sandbox.adapter()
    job = list(adapter.iter_jobs())[job_index]
    created = adapter.create_candidate(
        candidate=CandidateData(name="Ada Lovelace", email=email, phone="+44 20 7946 0000"),
        resume=RESUME,
        job_id=job.id,
    )
    application = adapter.create_application(candidate=created, job_id=job.id)
    return adapter, job, created, application


def test_imports_every_job_across_several_pages(sandbox):
    adapter = sandbox.adapter(page_size=10)
    jobs = list(adapter.iter_jobs())
    assert len(jobs) == 25
    assert len({job.id for job in jobs}) == 25
    assert {job.title for job in jobs} == {f"Sandbox role {n}" for n in range(1, 26)}
    assert sandbox.app.stats()["requests"] >= 3  # three pages at least


def test_lists_stages_in_order(sandbox):
    adapter = sandbox.adapter()
    job = next(adapter.iter_jobs())
    names = [stage.name for stage in adapter.list_stages(job.id)]
    assert names[:3] == ["Applied", "Resume Screening", "Assessment"]
    assert "Hired" in names


def test_creates_candidate_with_resume_and_application(sandbox):
    adapter, job, created, application = new_candidate(sandbox)
    assert created.id and application.id
    assert sandbox.app.stats().get("applications_created") == 1
    assert sandbox.app.stats().get("attachments", 0) + len(sandbox.app.store.files) >= 1
    state = adapter.get_application(application)
    assert state.job_id == job.id
    assert state.stage_id == adapter.list_stages(job.id)[0].id
    assert not state.disqualified
    found = adapter.find_application(email="ada@example.test", job_id=job.id)
    assert found is not None and found.id == application.id
    assert adapter.find_application(email="nobody@example.test", job_id=job.id) is None


def test_puts_an_existing_candidate_on_a_second_job(sandbox):
    adapter, job, created, first = new_candidate(sandbox)
    second_job = list(adapter.iter_jobs())[1]
    second = adapter.create_application(candidate=created, job_id=second_job.id)
    assert second.id != first.id
    assert adapter.get_application(second).job_id == second_job.id


def test_moves_disqualifies_and_notes(sandbox):
    adapter, job, _, application = new_candidate(sandbox)
    stages = adapter.list_stages(job.id)
    adapter.move_application(application=application, stage_id=stages[2].id)
    adapter.move_application(application=application, stage_id=stages[4].id)
    assert adapter.get_application(application).stage_id == stages[4].id
    remote = sandbox.app.application_state(_sandbox_app_id(sandbox, application))
    assert remote["moves"][-2:] == [stages[2].id, stages[4].id]

    adapter.add_note(application=application, body="Strong systems design round")
    adapter.disqualify(application=application, reason="Withdrew from the process")
    state = adapter.get_application(application)
    assert state.disqualified
    remote = sandbox.app.application_state(_sandbox_app_id(sandbox, application))
    assert "Strong systems design round" in remote["notes"]
    assert remote["disqualified"]


def _zoho_app_id(sandbox, application):
    candidate_id, _, job_id = application.id.partition(":")
    return next(
        app.id
        for app in sandbox.app.store.applications.values()
        if app.candidate_id == candidate_id and app.job_id == job_id
    )


def _sandbox_app_id(sandbox, application):
    return _zoho_app_id(sandbox, application) if sandbox.provider_slug == "zoho" else application.id


def test_unknown_stage_is_a_permanent_error_with_the_providers_message(sandbox):
    adapter, _, _, application = new_candidate(sandbox)
    with pytest.raises(PermanentError) as caught:
        adapter.move_application(application=application, stage_id="999999")
    assert not caught.value.retryable
    assert caught.value.provider_message


def test_bad_credentials_are_a_permanent_authentication_error(sandbox):
    sandbox.app.token = "rotated-elsewhere"
    if sandbox.provider_slug == "zoho":
        sandbox.app.client_secret = "rotated-elsewhere"
    with pytest.raises(AuthenticationError) as caught:
        list(sandbox.adapter().iter_jobs())
    assert not caught.value.retryable


def test_server_errors_are_retryable(sandbox):
    adapter = sandbox.adapter()
    next(adapter.iter_jobs())  # Zoho: token fetched before the failures start
    sandbox.app.configure(fail_rate=1.0)
    with pytest.raises(RetryableError) as caught:
        list(adapter.iter_jobs())
    assert caught.value.status in (500, 502, 503)


def test_rate_limit_gives_429_with_retry_after(sandbox):
    adapter = sandbox.adapter()
    next(adapter.iter_jobs())
    sandbox.app.configure(rate_limit=2, rate_window=30)
    with pytest.raises(RateLimited) as caught:
        for _ in range(5):
            list(adapter.iter_jobs())
    assert caught.value.status == 429
    assert 1 <= caught.value.retry_after <= 30
    assert sandbox.app.stats()["429"] >= 1


def test_storm_answers_429_until_it_passes(sandbox):
    adapter = sandbox.adapter()
    next(adapter.iter_jobs())
    sandbox.app.configure(storm_seconds=1)
    with pytest.raises(RateLimited) as caught:
        next(adapter.iter_jobs())
    assert caught.value.retry_after == 1
    time.sleep(1.05)
    assert next(adapter.iter_jobs()).title


def test_hung_server_is_a_retryable_timeout(sandbox):
    adapter = sandbox.adapter(timeout=(0.5, 0.3))
    next(adapter.iter_jobs())
    sandbox.app.configure(timeout_rate=1.0, hang_seconds=0.6)
    with pytest.raises(RetryableError, match="timed out"):
        next(adapter.iter_jobs())


def test_downtime_drops_connections_then_recovers(sandbox):
    adapter = sandbox.adapter()
    next(adapter.iter_jobs())
    sandbox.app.configure(down_seconds=0.5)
    with pytest.raises(RetryableError):
        next(adapter.iter_jobs())
    time.sleep(0.55)
    assert next(adapter.iter_jobs()).title


def test_pull_returns_applications_changed_since(sandbox):
    adapter, job, _, application = new_candidate(sandbox)
    since = datetime.now(UTC) - timedelta(minutes=5)
    stages = adapter.list_stages(job.id)
    sandbox.app.remote_move(_sandbox_app_id(sandbox, application), stages[3].id)
    changed = {state.id: state for state in adapter.iter_applications_updated_since(since, [job.id])}
    assert changed[application.id].stage_id == stages[3].id


def test_missing_application_is_not_found(sandbox):
    if sandbox.provider_slug == "zoho":
        pytest.skip("Zoho addresses applications as candidate:job associations")
    from integrations.providers.base import ApplicationRef

    with pytest.raises(NotFoundError):
        sandbox.adapter().get_application(ApplicationRef(id="424242", candidate_id="1", job_id="1"))


def test_control_api_reads_state_and_injects_faults(run_sandbox):
    running = run_sandbox("workable", rate_limit=0)
    base = running.server.url + "/__sandbox__"
    assert (
        requests.post(base + "/faults", json={"fail_rate": 0.5, "latency_ms": 5}, timeout=2).json()["fail_rate"] == 0.5
    )
    assert running.app.faults.latency_ms == 5
    requests.post(base + "/faults/reset", timeout=2)
    adapter, job, _, application = new_candidate(running)
    requests.post(f"{base}/applications/{application.id}/move", json={"stage_id": "offer"}, timeout=2)
    state = requests.get(f"{base}/applications/{application.id}", timeout=2).json()
    assert state["stage_id"] == "offer" and state["moves_received"] == 1
    assert requests.get(base + "/state", timeout=2).json()["provider"] == "workable"


def test_retry_after_parsing():
    assert parse_retry_after("7") == 7
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470) == 10
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
