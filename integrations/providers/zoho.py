"""Zoho Recruit v2: OAuth 2 (``Authorization: Zoho-oauthtoken``) against the account's
data-centre accounts server; ``page``/``per_page`` pagination with ``info.more_records``.

Access tokens live an hour. They are refreshed shortly before expiry and once on a 401,
and only one refresh runs at a time per connection (Zoho allows 10 access tokens per
refresh token per 10 minutes, so a thundering herd of workers would lock the account out).
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import requests

from .base import (
    DEFAULT_TIMEOUT,
    ApplicationRef,
    ATSProvider,
    AuthenticationError,
    CandidateData,
    HttpClient,
    NotFoundError,
    PermanentError,
    RemoteApplicationState,
    RemoteCandidate,
    RemoteJob,
    RemoteReason,
    RemoteStage,
    ResumeFile,
    RetryableError,
    iter_pages,
)

# data centre -> (accounts server, Recruit API domain)
DATA_CENTRES: dict[str, tuple[str, str]] = {
    "com": ("https://accounts.zoho.com", "https://recruit.zoho.com"),
    "eu": ("https://accounts.zoho.eu", "https://recruit.zoho.eu"),
    "in": ("https://accounts.zoho.in", "https://recruit.zoho.in"),
    "com.au": ("https://accounts.zoho.com.au", "https://recruit.zoho.com.au"),
    "jp": ("https://accounts.zoho.jp", "https://recruit.zoho.jp"),
    "com.cn": ("https://accounts.zoho.com.cn", "https://recruit.zoho.com.cn"),
    "sa": ("https://accounts.zoho.sa", "https://recruit.zoho.sa"),
    "ca": ("https://accounts.zohocloud.ca", "https://recruit.zohocloud.ca"),
}
SCOPE = "ZohoRecruit.modules.ALL,ZohoRecruit.settings.ALL"
# hrflow-connectors uses ``JobOpenings``; some accounts expose ``Job_Openings`` (see
# GET /recruit/v2/settings/modules): one constant to correct.
JOBS_MODULE = "JobOpenings"
REJECTION_MARKERS = ("reject", "not qualified", "junk", "no-show", "declined")


@dataclass(frozen=True)
class ZohoTokens:
    access_token: str
    refresh_token: str
    expires_at: float
    api_domain: str = ""

    def expiring(self, margin: float) -> bool:
        return time.time() >= self.expires_at - margin


def authorization_url(*, accounts_url: str, client_id: str, redirect_uri: str, state: str) -> str:
    query = {
        "scope": SCOPE,
        "client_id": client_id,
        "response_type": "code",
        "access_type": "offline",
        "prompt": "consent",
        "redirect_uri": redirect_uri,
        "state": state,
    }
    return f"{accounts_url.rstrip('/')}/oauth/v2/auth?{urlencode(query)}"


def _token_request(accounts_url: str, form: dict[str, str], timeout: Any) -> dict[str, Any]:
    try:
        response = requests.post(f"{accounts_url.rstrip('/')}/oauth/v2/token", data=form, timeout=timeout)
    except requests.RequestException as exc:
        raise RetryableError(f"Zoho token endpoint: {exc.__class__.__name__}", provider_message=str(exc)) from exc
    if response.status_code >= 500 or response.status_code == 429:
        raise RetryableError(f"Zoho token endpoint: HTTP {response.status_code}", status=response.status_code)
    try:
        body = response.json()
    except ValueError:
        raise RetryableError("Zoho token endpoint: invalid JSON", status=response.status_code) from None
    # Zoho reports token failures as HTTP 200 with an ``error`` field.
    if "error" in body or "access_token" not in body:
        message = str(body.get("error_description") or body.get("error") or "no access_token in response")
        raise AuthenticationError(
            f"Zoho token endpoint: {message}", status=response.status_code, provider_message=message
        )
    return body


def exchange_code(
    *,
    accounts_url: str,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    code: str,
    timeout: Any = DEFAULT_TIMEOUT,
) -> ZohoTokens:
    body = _token_request(
        accounts_url,
        {
            "grant_type": "authorization_code",
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uri": redirect_uri,
            "code": code,
        },
        timeout,
    )
    if not body.get("refresh_token"):
        raise AuthenticationError("Zoho returned no refresh token: consent must use access_type=offline")
    return ZohoTokens(
        access_token=body["access_token"],
        refresh_token=body["refresh_token"],
        expires_at=time.time() + int(body.get("expires_in", 3600)),
        api_domain=body.get("api_domain", ""),
    )


_local_locks: dict[str, threading.Lock] = {}
_local_locks_guard = threading.Lock()


def local_refresh_lock(key: str) -> AbstractContextManager[Any]:
    """One refresh at a time per connection within this process; the Django layer passes
    a cross-process lock instead."""
    with _local_locks_guard:
        return _local_locks.setdefault(key, threading.Lock())


class ZohoRecruitProvider(ATSProvider):
    slug = "zoho"
    display_name = "Zoho Recruit"
    # ``DELETE /recruit/v2/Candidates?ids=`` (the record goes to Zoho's recycle bin).
    supports_erasure = True

    def __init__(
        self,
        *,
        accounts_url: str,
        client_id: str,
        client_secret: str,
        tokens: ZohoTokens,
        api_domain: str = "",
        connection_key: str = "",
        lock: Callable[[], AbstractContextManager[Any]] | None = None,
        reload_tokens: Callable[[], ZohoTokens | None] | None = None,
        on_tokens: Callable[[ZohoTokens], None] | None = None,
        refresh_margin: float = 300.0,
        page_size: int = 200,
        timeout: Any = DEFAULT_TIMEOUT,
        throttle: Callable[[], None] | None = None,
    ):
        self.accounts_url = accounts_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.tokens = tokens
        self.refresh_margin = refresh_margin
        self.page_size = min(page_size, 200)
        self.timeout = timeout
        key = connection_key or f"{self.accounts_url}:{client_id}:{tokens.refresh_token[-12:]}"
        self._lock = lock or (lambda: local_refresh_lock(key))
        self._reload_tokens = reload_tokens
        self._on_tokens = on_tokens
        domain = (api_domain or tokens.api_domain).rstrip("/")
        self.http = HttpClient(f"{domain}/recruit/v2", timeout=timeout, throttle=throttle)

    # ---- tokens ------------------------------------------------------------------------

    def _refresh(self, stale_access_token: str) -> None:
        with self._lock():
            if self._reload_tokens is not None:
                latest = self._reload_tokens()
                if latest is not None:
                    self.tokens = latest
            if self.tokens.access_token != stale_access_token and not self.tokens.expiring(self.refresh_margin):
                return  # another worker refreshed while we waited for the lock
            body = _token_request(
                self.accounts_url,
                {
                    "grant_type": "refresh_token",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "refresh_token": self.tokens.refresh_token,
                },
                self.timeout,
            )
            self.tokens = replace(
                self.tokens,
                access_token=body["access_token"],
                expires_at=time.time() + int(body.get("expires_in", 3600)),
                api_domain=body.get("api_domain", self.tokens.api_domain),
            )
            if self._on_tokens is not None:
                self._on_tokens(self.tokens)

    def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        if self.tokens.expiring(self.refresh_margin):
            self._refresh(self.tokens.access_token)
        for attempt in range(2):
            used = self.tokens.access_token
            headers = {**kwargs.pop("headers", {}), "Authorization": f"Zoho-oauthtoken {used}"}
            try:
                return self.http.request(method, path, headers=headers, **kwargs)
            except AuthenticationError as exc:
                if exc.status != 401 or attempt:
                    raise
                self._refresh(used)
                kwargs["headers"] = {key: value for key, value in headers.items() if key != "Authorization"}
        raise AssertionError("unreachable")

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._call(method, path, **kwargs)
        return response.json() if response.status_code != 204 and response.content else {}

    @staticmethod
    def _record_result(body: Any, *, ok_codes: tuple[str, ...] = ("SUCCESS",)) -> dict[str, Any]:
        """Per-record outcome; the status-change response nests it one level deeper."""
        records = body.get("data") if isinstance(body, dict) else None
        if not records:
            raise PermanentError("Zoho Recruit: empty response", provider_message="empty response")
        record = records[0][0] if isinstance(records[0], list) else records[0]
        if record.get("code") not in ok_codes:
            message = f"{record.get('code')}: {record.get('message')}"
            raise PermanentError(f"Zoho Recruit: {message}", provider_message=message)
        return record

    # ---- reads -------------------------------------------------------------------------

    def _paged(
        self, path: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> Iterator[dict[str, Any]]:
        def fetch(page: int | None) -> tuple[list[dict[str, Any]], int | None]:
            number = page or 1
            body = self._json(
                "GET",
                path,
                params={**(params or {}), "page": number, "per_page": self.page_size},
                headers=dict(headers or {}),
            )
            info = body.get("info") or {}
            return body.get("data") or [], number + 1 if info.get("more_records") else None

        return iter_pages(fetch)

    def test_connection(self) -> str:
        body = self._json("GET", f"/{JOBS_MODULE}", params={"page": 1, "per_page": 1})
        return f"Zoho Recruit at {self.http.base_url}: {len(body.get('data') or [])} job opening(s) on the first page"

    def iter_jobs(self) -> Iterator[RemoteJob]:
        for job in self._paged(f"/{JOBS_MODULE}"):
            yield RemoteJob(
                id=str(job["id"]),
                title=job.get("Posting_Title") or job.get("Job_Opening_Name") or "",
                status=job.get("Job_Opening_Status") or "",
                location=", ".join(filter(None, [job.get("City"), job.get("Country")])),
                description=job.get("Job_Description") or "",
                raw=job,
            )

    def _statuses(self) -> list[str]:
        # UNCONFIRMED for Recruit: the field-metadata endpoint of Zoho's v2 APIs.
        fields = self._json("GET", "/settings/fields", params={"module": "Candidates"}).get("fields", [])
        status_field = next((item for item in fields if item.get("api_name") == "Candidate_Status"), {})
        return [value["actual_value"] for value in status_field.get("pick_list_values", [])]

    def list_stages(self, job_id: str) -> list[RemoteStage]:
        statuses = [
            status for status in self._statuses() if not any(marker in status.lower() for marker in REJECTION_MARKERS)
        ]
        return [RemoteStage(id=status, name=status, position=index) for index, status in enumerate(statuses)]

    def list_disqualify_reasons(self) -> list[RemoteReason]:
        # A rejection in Zoho is a status change to a rejection status (names are per account).
        return [
            RemoteReason(id=status, name=status)
            for status in self._statuses()
            if any(marker in status.lower() for marker in REJECTION_MARKERS)
        ]

    def _associated(self, job_id: str) -> Iterator[dict[str, Any]]:
        # UNCONFIRMED path: "get associated records" of a job opening.
        return self._paged(f"/{JOBS_MODULE}/{job_id}/associate")

    def _state(self, record: dict[str, Any], job_id: str) -> RemoteApplicationState:
        status = record.get("Candidate_Status") or ""
        return RemoteApplicationState(
            id=f"{record['id']}:{job_id}",
            stage_id=status,
            disqualified=any(marker in status.lower() for marker in REJECTION_MARKERS),
            candidate_id=str(record["id"]),
            job_id=job_id,
        )

    def get_application(self, application: ApplicationRef) -> RemoteApplicationState:
        candidate_id, job_id = self._split(application)
        for record in self._associated(job_id):
            if str(record["id"]) == candidate_id:
                return self._state(record, job_id)
        raise PermanentError(f"Zoho Recruit: candidate {candidate_id} is not associated with job {job_id}")

    def _search_candidate(self, email: str) -> str | None:
        body = self._json("GET", "/Candidates/search", params={"criteria": f"(Email:equals:{email})"})
        records = body.get("data") or []
        return str(records[0]["id"]) if records else None

    def find_application(self, *, email: str, job_id: str) -> ApplicationRef | None:
        candidate_id = self._search_candidate(email)
        if candidate_id is None:
            return None
        for record in self._associated(job_id):
            if str(record["id"]) == candidate_id:
                return ApplicationRef(id=f"{candidate_id}:{job_id}", candidate_id=candidate_id, job_id=job_id)
        return None

    def iter_applications_updated_since(
        self, since: datetime, job_ids: list[str] | None = None
    ) -> Iterator[RemoteApplicationState]:
        # The association list has no updated-since filter: read each linked job's list.
        for job_id in job_ids or []:
            for record in self._associated(job_id):
                yield self._state(record, job_id)

    # ---- writes -------------------------------------------------------------------------

    @staticmethod
    def _split(application: ApplicationRef) -> tuple[str, str]:
        if application.candidate_id and application.job_id:
            return application.candidate_id, application.job_id
        candidate_id, _, job_id = application.id.partition(":")
        return candidate_id, job_id

    def create_candidate(
        self, *, candidate: CandidateData, resume: ResumeFile | None, job_id: str, stage_id: str | None = None
    ) -> RemoteCandidate:
        record = {
            "First_Name": candidate.first_name,
            "Last_Name": candidate.last_name,
            "Email": candidate.email,
            "Mobile": candidate.phone,
            "City": candidate.location,
            "Current_Job_Title": candidate.headline,
            "Source": "Hireboard",
        }
        body = self._json("POST", "/Candidates", json={"data": [record], "trigger": ["workflow"]})
        # Zoho dedupes on unique fields (Email): a duplicate reports the existing record's id.
        result = self._record_result(body, ok_codes=("SUCCESS", "DUPLICATE_DATA"))
        candidate_id = str(result["details"]["id"])
        if resume is not None:
            # UNCONFIRMED: v2 attachment upload (multipart ``file`` + ``attachments_category``).
            self._call(
                "POST",
                f"/Candidates/{candidate_id}/Attachments",
                files={"file": (resume.filename, resume.content, resume.content_type)},
                data={"attachments_category": "Resume"},
            )
        return RemoteCandidate(id=candidate_id, email=candidate.email, name=candidate.name)

    def create_application(
        self, *, candidate: RemoteCandidate, job_id: str, stage_id: str | None = None
    ) -> ApplicationRef:
        body = self._json(
            "PUT",
            "/Candidates/actions/associate",
            json={"data": [{"jobids": [job_id], "ids": [candidate.id], "comments": "Applied via Hireboard"}]},
        )
        self._record_result(body, ok_codes=("SUCCESS", "ALREADY_ASSOCIATED"))
        application = ApplicationRef(id=f"{candidate.id}:{job_id}", candidate_id=candidate.id, job_id=job_id)
        if stage_id:
            self.move_application(application=application, stage_id=stage_id)
        return application

    def _change_status(self, application: ApplicationRef, status: str, comments: str) -> None:
        candidate_id, job_id = self._split(application)
        payload = {
            "data": [{"ids": [candidate_id], "jobids": [job_id], "Candidate_Status": status, "comments": comments}]
        }
        self._record_result(self._json("PUT", "/Candidates/status", json=payload))

    def move_application(self, *, application: ApplicationRef, stage_id: str) -> None:
        self._change_status(application, stage_id, "")

    def disqualify(self, *, application: ApplicationRef, reason: str) -> None:
        chosen = self.choose_reason(reason)
        if chosen is None:
            raise PermanentError("Zoho Recruit: the account has no rejection status in Candidate_Status")
        self._change_status(application, chosen.id, reason)

    def add_note(self, *, application: ApplicationRef, body: str) -> None:
        candidate_id, _ = self._split(application)
        # UNCONFIRMED for Recruit: the Notes module as in Zoho's other v2 APIs.
        note = {"Note_Title": "Hireboard", "Note_Content": body, "Parent_Id": candidate_id, "se_module": "Candidates"}
        self._record_result(self._json("POST", "/Notes", json={"data": [note]}))

    def erase_candidate(self, *, candidate_ref: str) -> None:
        body = self._json("DELETE", "/Candidates", params={"ids": candidate_ref})
        records = body.get("data") if isinstance(body, dict) else None
        record = records[0] if records else {}
        # UNCONFIRMED: an id Zoho does not (or no longer) know comes back as a per-record
        # INVALID_DATA naming that id, as in the other record APIs.
        if record.get("code") == "INVALID_DATA" and str((record.get("details") or {}).get("id", "")) == candidate_ref:
            message = f"{record.get('code')}: {record.get('message')}"
            raise NotFoundError(f"Zoho Recruit: {message}", provider_message=message)
        self._record_result(body)


def verify_webhook(shared_token: str, params: Mapping[str, str]) -> bool:
    """Zoho webhooks are unsigned: the workflow sends a shared token as a custom parameter."""
    given = params.get("token", "")
    return bool(shared_token) and bool(given) and hmac.compare_digest(given, shared_token)
