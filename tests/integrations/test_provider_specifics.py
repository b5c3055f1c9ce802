"""Provider-specific behaviour: Zoho OAuth, Greenhouse On-Behalf-Of, Skailer backdating,
and the outgoing webhook signatures of each sandbox."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from integrations.providers import build_provider, greenhouse, lever, workable, zoho
from integrations.providers.base import AuthenticationError, CandidateData, PermanentError, ResumeFile
from integrations.providers.zoho import ZohoTokens, authorization_url, exchange_code


def zoho_adapter(running, **options):
    options.setdefault("timeout", (1.0, 2.0))
    return build_provider("zoho", running.credentials, **options)


def test_zoho_first_call_fetches_a_token_then_reuses_it(run_sandbox):
    running = run_sandbox("zoho")
    saved = []
    adapter = zoho_adapter(running, on_tokens=saved.append)
    list(adapter.iter_jobs())
    list(adapter.iter_jobs())
    assert running.app.stats()["token_refreshes"] == 1
    assert saved and saved[0].access_token == adapter.tokens.access_token
    assert saved[0].expires_at > time.time() + 3000


def test_zoho_refreshes_shortly_before_expiry(run_sandbox):
    running = run_sandbox("zoho", token_ttl=2)
    adapter = zoho_adapter(running, refresh_margin=1.5)
    list(adapter.iter_jobs())
    first = adapter.tokens.access_token
    time.sleep(0.6)  # now inside the margin: refresh before the call, not after a 401
    list(adapter.iter_jobs())
    assert adapter.tokens.access_token != first
    assert running.app.stats()["token_refreshes"] == 2
    assert running.app.stats().get("4xx", 0) == 0


def test_zoho_refreshes_once_on_401_and_retries(run_sandbox):
    running = run_sandbox("zoho")
    adapter = zoho_adapter(running)
    list(adapter.iter_jobs())
    running.app.expire_access_tokens()  # revoked server-side before its expiry
    jobs = list(adapter.iter_jobs())
    assert len(jobs) == 25
    assert running.app.stats()["token_refreshes"] == 2
    assert running.app.stats()["4xx"] == 1


def test_zoho_one_refresh_at_a_time_per_connection(run_sandbox):
    running = run_sandbox("zoho", latency_ms=20)
    shared = {"tokens": None}
    lock = threading.Lock()

    def save(tokens):
        shared["tokens"] = tokens

    adapters = [
        zoho_adapter(running, connection_key="conn-1", on_tokens=save, reload_tokens=lambda: shared["tokens"])
        for _ in range(8)
    ]
    errors = []

    def work(adapter):
        try:
            next(adapter.iter_jobs())
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(adapter,)) for adapter in adapters]
    with lock:
        for thread in threads:
            thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert running.app.stats()["token_refreshes"] == 1


def test_zoho_token_errors_come_as_http_200_and_are_permanent(run_sandbox):
    running = run_sandbox("zoho")
    credentials = dict(running.credentials, refresh_token="1000.not-a-real-token")
    with pytest.raises(AuthenticationError, match="invalid_code"):
        list(build_provider("zoho", credentials).iter_jobs())


def test_zoho_consent_flow_exchanges_the_code(run_sandbox):
    running = run_sandbox("zoho")
    url = authorization_url(
        accounts_url=running.server.url,
        client_id=running.app.client_id,
        redirect_uri="http://127.0.0.1:9/cb",
        state="abc123",
    )
    response = requests.get(url, allow_redirects=False, timeout=2)
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["state"] == ["abc123"] and query["accounts-server"] == [running.server.url]
    tokens = exchange_code(
        accounts_url=running.server.url,
        client_id=running.app.client_id,
        client_secret=running.app.client_secret,
        redirect_uri="http://127.0.0.1:9/cb",
        code=query["code"][0],
    )
    assert tokens.refresh_token and tokens.api_domain == running.server.url
    with pytest.raises(AuthenticationError, match="invalid_code"):  # codes are single-use
        exchange_code(
            accounts_url=running.server.url,
            client_id=running.app.client_id,
            client_secret=running.app.client_secret,
            redirect_uri="http://127.0.0.1:9/cb",
            code=query["code"][0],
        )


def test_zoho_duplicate_email_reuses_the_existing_candidate(run_sandbox):
    running = run_sandbox("zoho")
    adapter = zoho_adapter(running)
    job = next(adapter.iter_jobs())
    first = adapter.create_candidate(
        candidate=CandidateData(name="Ada L", email="a@x.test"), resume=None, job_id=job.id
    )
    second = adapter.create_candidate(
        candidate=CandidateData(name="Ada L", email="A@x.test"), resume=None, job_id=job.id
    )
    assert first.id == second.id
    application = adapter.create_application(candidate=first, job_id=job.id)
    assert adapter.create_application(candidate=first, job_id=job.id) == application  # ALREADY_ASSOCIATED


def test_zoho_tokens_expiring():
    assert ZohoTokens("a", "r", time.time() + 10).expiring(60)
    assert not ZohoTokens("a", "r", time.time() + 600).expiring(60)


def test_greenhouse_writes_need_on_behalf_of(run_sandbox):
    running = run_sandbox("greenhouse", rate_limit=0)
    adapter = build_provider("greenhouse", dict(running.credentials, on_behalf_of="1"))
    job = next(adapter.iter_jobs())
    with pytest.raises(AuthenticationError, match="On-Behalf-Of"):
        adapter.create_candidate(candidate=CandidateData(name="A B", email="a@b.test"), resume=None, job_id=job.id)


def test_greenhouse_validation_errors_carry_the_field(run_sandbox):
    running = run_sandbox("greenhouse", rate_limit=0)
    adapter = build_provider("greenhouse", running.credentials)
    with pytest.raises(PermanentError) as caught:
        adapter.create_candidate(candidate=CandidateData(name="A B", email="a@b.test"), resume=None, job_id="99999999")
    assert caught.value.status == 422
    assert "job_id" in caught.value.provider_message


def test_skailer_seven_step_flow_and_backdated_action(run_sandbox):
    running = run_sandbox("skailer")
    adapter = build_provider("skailer", running.credentials, page_size=10)
    job = list(adapter.iter_jobs())[12]  # second page of the search
    stages = adapter.list_stages(job.id)
    candidate = adapter.create_candidate(
        candidate=CandidateData(name="Grace Hopper", email="g@h.test"),
        resume=ResumeFile(
            "cv.docx", b"PK..", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        ),
        job_id=job.id,
    )
    application = adapter.create_application(candidate=candidate, job_id=job.id, stage_id=stages[1].id)
    adapter.move_application(application=application, stage_id=stages[4].id)
    adapter.record_past_move(application=application, stage_id=stages[2].id, at=datetime.now(UTC) - timedelta(days=2))
    state = adapter.get_application(application)
    assert state.stage_id == stages[4].id  # backdated action left the current stage alone
    actions = running.app.application_state(application.id)["actions"]
    assert [action["backdated"] for action in actions] == [False, True]
    action_id = adapter.reserve(application=application)
    adapter.delete_action(application=application, action_id=action_id)
    assert len(running.app.application_state(application.id)["actions"]) == 2
    applicant = running.app.store.candidates[candidate.id]
    assert applicant["cv_ids"]


def test_skailer_rejects_unsupported_cv_types(run_sandbox):
    running = run_sandbox("skailer")
    adapter = build_provider("skailer", running.credentials)
    job = next(adapter.iter_jobs())
    with pytest.raises(PermanentError, match="pdf, doc, docx"):
        adapter.create_candidate(
            candidate=CandidateData(name="G H", email="g@h.test"),
            resume=ResumeFile("cv.png", b"\x89PNG", "image/png"),
            job_id=job.id,
        )


def _move_remotely(running, receiver, secret):
    running.app.webhook_url, running.app.webhook_secret = receiver.url, secret
    adapter = build_provider(running.provider_slug, running.credentials)
    job = next(adapter.iter_jobs())
    created = adapter.create_candidate(
        candidate=CandidateData(name="Ada L", email="a@x.test"), resume=None, job_id=job.id
    )
    application = adapter.create_application(candidate=created, job_id=job.id)
    stage = adapter.list_stages(job.id)[3].id
    app_id = next(app.id for app in running.app.store.applications.values())
    running.app.remote_move(app_id, stage)
    running.app.wait_for_webhooks()
    return application, stage


def test_workable_webhook_is_signed_with_hmac_sha256(run_sandbox, receiver):
    running = run_sandbox("workable", rate_limit=0)
    application, stage = _move_remotely(running, receiver, "whsec")
    headers, body = receiver.received[-1]
    assert workable.verify_webhook("whsec", body, headers)
    assert not workable.verify_webhook("other", body, headers)
    payload = json.loads(body)
    assert payload["event_type"] == "candidate_moved" and payload["data"]["id"] == application.id


def test_greenhouse_webhook_signature_header(run_sandbox, receiver):
    running = run_sandbox("greenhouse", rate_limit=0)
    _, stage = _move_remotely(running, receiver, "gh-secret")
    headers, body = receiver.received[-1]
    assert headers["Signature"].startswith("sha256 ")
    assert headers["Greenhouse-Event-ID"]
    assert greenhouse.verify_webhook("gh-secret", body, headers)
    assert not greenhouse.verify_webhook("gh-secret", body + b" ", headers)
    assert json.loads(body)["action"] == "candidate_stage_change"


def test_lever_webhook_signature_in_body(run_sandbox, receiver):
    running = run_sandbox("lever", rate_limit=0)
    _, stage = _move_remotely(running, receiver, "lever-token")
    payload = json.loads(receiver.received[-1][1])
    assert payload["event"] == "candidateStageChange" and payload["data"]["toStageId"] == stage
    assert lever.verify_webhook("lever-token", payload)
    assert not lever.verify_webhook("lever-token", dict(payload, triggeredAt=payload["triggeredAt"] + 1))


def test_zoho_webhook_carries_the_shared_token(run_sandbox, receiver):
    running = run_sandbox("zoho")
    _move_remotely(running, receiver, "zoho-shared")
    params = {key: values[0] for key, values in parse_qs(receiver.received[-1][1].decode()).items()}
    assert zoho.verify_webhook("zoho-shared", params)
    assert not zoho.verify_webhook("zoho-shared", dict(params, token="guess"))
