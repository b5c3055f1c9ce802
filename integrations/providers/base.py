"""One interface for every ATS, its result types, its errors and a shared HTTP helper.

Adapters never retry by themselves: they classify failures (``RetryableError`` vs
``PermanentError``) and the caller (the Celery delivery task, the import service) decides.
"""

from __future__ import annotations

import abc
import email.utils
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests

# (connect, read) seconds; every outgoing call uses it unless the caller passes a tighter one.
DEFAULT_TIMEOUT: tuple[float, float] = (3.05, 10.0)


# --------------------------------------------------------------------------- errors


class ProviderError(Exception):
    """Base class: ``provider_message`` is what the ATS said, shown to admins verbatim."""

    retryable = False

    def __init__(self, message: str, *, status: int | None = None, provider_message: str = ""):
        super().__init__(message)
        self.status = status
        self.provider_message = provider_message or message


class RetryableError(ProviderError):
    """Network failure, timeout, 5xx or 429: try again later (``retry_after`` seconds if known)."""

    retryable = True

    def __init__(
        self, message: str, *, status: int | None = None, provider_message: str = "", retry_after: float | None = None
    ):
        super().__init__(message, status=status, provider_message=provider_message)
        self.retry_after = retry_after


class RateLimited(RetryableError):
    """HTTP 429."""


class PermanentError(ProviderError):
    """A 4xx other than 429: retrying the same request cannot succeed."""


class AuthenticationError(PermanentError):
    """Credentials rejected (401/403 after any refresh)."""


class NotFoundError(PermanentError):
    """HTTP 404 for the remote object."""


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class RemoteJob:
    id: str
    title: str
    status: str = ""
    location: str = ""
    description: str = ""
    url: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class RemoteStage:
    id: str
    name: str
    position: int = 0
    kind: str = ""


@dataclass(frozen=True)
class RemoteReason:
    id: str
    name: str


@dataclass(frozen=True)
class CandidateData:
    name: str
    email: str
    phone: str = ""
    location: str = ""
    headline: str = ""
    links: tuple[str, ...] = ()

    @property
    def first_name(self) -> str:
        return self.name.split(" ", 1)[0] if self.name.strip() else ""

    @property
    def last_name(self) -> str:
        parts = self.name.strip().split(" ", 1)
        return parts[1] if len(parts) > 1 else "-"


@dataclass(frozen=True)
class ResumeFile:
    filename: str
    content: bytes
    content_type: str = "application/pdf"


@dataclass(frozen=True)
class RemoteCandidate:
    """A remote person. ``application_id`` is set when the provider created the job
    application as part of the candidate (Workable, Greenhouse, Lever do)."""

    id: str
    email: str = ""
    name: str = ""
    application_id: str = ""
    job_id: str = ""


@dataclass(frozen=True)
class ApplicationRef:
    """Everything an adapter needs to address one candidate-on-a-job remotely."""

    id: str
    candidate_id: str = ""
    job_id: str = ""


@dataclass(frozen=True)
class RemoteApplicationState:
    id: str
    stage_id: str
    disqualified: bool = False
    candidate_id: str = ""
    job_id: str = ""
    updated_at: datetime | None = None


# --------------------------------------------------------------------------- HTTP


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP-date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def _reset_header_delay(headers: Mapping[str, str]) -> float | None:
    """Workable/Greenhouse send the next window's start as a Unix timestamp."""
    for name in ("X-Rate-Limit-Reset", "X-RateLimit-Reset"):
        raw = headers.get(name)
        if raw:
            try:
                return max(0.0, float(raw) - time.time())
            except ValueError:
                return None
    return None


ErrorMessageParser = Callable[[requests.Response], str]


def default_error_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return (response.text or response.reason or "").strip()[:500]
    if isinstance(body, dict):
        for key in ("message", "error", "detail", "code"):
            if isinstance(body.get(key), str) and body[key]:
                return body[key]
    return str(body)[:500]


class HttpClient:
    """A ``requests.Session`` with a base URL, a timeout on every call and error mapping."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: tuple[float, float] | float = DEFAULT_TIMEOUT,
        error_message: ErrorMessageParser = default_error_message,
        session: requests.Session | None = None,
        throttle: Callable[[], None] | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        # Called before every request: the per-connection rate limiter of the caller.
        self.throttle = throttle
        self.timeout = timeout
        self.error_message = error_message
        self.session = session or requests.Session()
        self.session.auth = auth
        self.session.headers.update({"Accept": "application/json", "User-Agent": "Hireboard/1.0"})
        if headers:
            self.session.headers.update(headers)

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def request(
        self, method: str, path: str, *, expected_statuses: tuple[int, ...] = (), **kwargs: Any
    ) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        if self.throttle is not None:
            self.throttle()
        try:
            response = self.session.request(method, self.url(path), **kwargs)
        except requests.Timeout as exc:
            raise RetryableError(f"{method} {path}: timed out", provider_message=str(exc)) from exc
        except requests.RequestException as exc:
            raise RetryableError(f"{method} {path}: {exc.__class__.__name__}", provider_message=str(exc)) from exc
        if response.status_code < 400 or response.status_code in expected_statuses:
            return response
        raise self.error_for(method, path, response)

    def error_for(self, method: str, path: str, response: requests.Response) -> ProviderError:
        status = response.status_code
        message = self.error_message(response)
        summary = f"{method} {path}: HTTP {status}: {message}"
        if status == 429:
            delay = parse_retry_after(response.headers.get("Retry-After"))
            if delay is None:
                delay = _reset_header_delay(response.headers)
            return RateLimited(summary, status=status, provider_message=message, retry_after=delay)
        if status >= 500 or status == 408:
            delay = parse_retry_after(response.headers.get("Retry-After"))
            return RetryableError(summary, status=status, provider_message=message, retry_after=delay)
        if status in (401, 403):
            return AuthenticationError(summary, status=status, provider_message=message)
        if status == 404:
            return NotFoundError(summary, status=status, provider_message=message)
        return PermanentError(summary, status=status, provider_message=message)

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        if response.status_code == 204 or not response.content:
            return {}
        try:
            return response.json()
        except ValueError as exc:
            raise RetryableError(f"{method} {path}: invalid JSON in response", status=response.status_code) from exc

    def close(self) -> None:
        self.session.close()


# --------------------------------------------------------------------------- interface


class ATSProvider(abc.ABC):
    """What the sync engine needs from any ATS. Every method talks HTTP and may raise
    ``RetryableError`` or ``PermanentError``."""

    slug: str = ""
    display_name: str = ""
    #: whether the provider sends signed webhooks for remote stage changes
    supports_webhooks: bool = True
    #: whether the public API can erase (delete or anonymise) a candidate; the adapters
    #: that say True define ``erase_candidate(*, candidate_ref: str) -> None``, which
    #: raises ``NotFoundError`` when the ATS no longer has that candidate
    supports_erasure: bool = False

    @abc.abstractmethod
    def test_connection(self) -> str:
        """A cheap authenticated read; returns a short human description of the account."""

    @abc.abstractmethod
    def iter_jobs(self) -> Iterator[RemoteJob]:
        """Every job, following the provider's pagination to the end."""

    @abc.abstractmethod
    def list_stages(self, job_id: str) -> list[RemoteStage]:
        """The stages a candidate on this job can be in, in pipeline order."""

    @abc.abstractmethod
    def list_disqualify_reasons(self) -> list[RemoteReason]: ...

    @abc.abstractmethod
    def create_candidate(
        self, *, candidate: CandidateData, resume: ResumeFile | None, job_id: str, stage_id: str | None = None
    ) -> RemoteCandidate:
        """Create the person (with the resume file) in the context of ``job_id``."""

    @abc.abstractmethod
    def create_application(
        self, *, candidate: RemoteCandidate, job_id: str, stage_id: str | None = None
    ) -> ApplicationRef:
        """Put an existing remote candidate on a job; returns the existing one if
        ``create_candidate`` already did."""

    @abc.abstractmethod
    def move_application(self, *, application: ApplicationRef, stage_id: str) -> None: ...

    @abc.abstractmethod
    def disqualify(self, *, application: ApplicationRef, reason: str) -> None: ...

    @abc.abstractmethod
    def add_note(self, *, application: ApplicationRef, body: str) -> None: ...

    @abc.abstractmethod
    def get_application(self, application: ApplicationRef) -> RemoteApplicationState:
        """Current remote state: checked before re-sending after an unknown outcome."""

    @abc.abstractmethod
    def find_application(self, *, email: str, job_id: str) -> ApplicationRef | None:
        """The candidate's application on ``job_id`` if it exists remotely: checked before
        re-sending a create whose outcome is unknown (timeout, killed worker)."""

    @abc.abstractmethod
    def iter_applications_updated_since(
        self, since: datetime, job_ids: list[str] | None = None
    ) -> Iterator[RemoteApplicationState]:
        """For the periodic pull of providers (or events) without webhooks."""

    def choose_reason(self, reason_text: str) -> RemoteReason | None:
        """Best matching remote reason for a free-text local reason (else the first one)."""
        if getattr(self, "_reasons_cache", None) is None:
            self._reasons_cache = self.list_disqualify_reasons()
        reasons = self._reasons_cache
        if not reasons:
            return None
        wanted = reason_text.strip().lower()
        for remote_reason in reasons:
            if wanted and (remote_reason.name.lower() in wanted or wanted in remote_reason.name.lower()):
                return remote_reason
        for remote_reason in reasons:
            if remote_reason.name.lower() in ("other", "others"):
                return remote_reason
        return reasons[0]

    def close(self) -> None:
        client = getattr(self, "http", None)
        if client is not None:
            client.close()


def iter_pages(fetch: Callable[[Any], tuple[list[Any], Any]], first_cursor: Any = None) -> Iterator[Any]:
    """Turn any pagination into one iterator: ``fetch(cursor) -> (items, next_cursor)``;
    a ``None`` next cursor ends it (page number, opaque cursor, link URL or since-id alike)."""
    cursor = first_cursor
    seen: set[Any] = set()
    while True:
        items, next_cursor = fetch(cursor)
        yield from items
        if next_cursor is None or next_cursor in seen:
            return
        seen.add(next_cursor)
        cursor = next_cursor


def on_jobs(states: Iterable[RemoteApplicationState], job_ids: list[str] | None) -> Iterator[RemoteApplicationState]:
    """The states of applications on ``job_ids`` (all of them when it is ``None``): for
    providers whose updated-since listing cannot filter by job itself."""
    return (state for state in states if job_ids is None or state.job_id in job_ids)
