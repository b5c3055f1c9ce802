"""The machinery every sandbox ATS shares: a threaded loopback HTTP server, a tiny router,
fault switches (latency, 5xx rate, 429 storms, hangs, downtime, rate limiting), an
in-memory store of jobs / candidates / applications, counters for tests, and a queue that
posts outgoing webhooks. Provider modules only describe their paths, auth, JSON shapes,
pagination, error bodies and webhook signatures.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import itertools
import json
import logging
import queue
import random
import re
import socket
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

logger = logging.getLogger(__name__)

CONTROL_PREFIX = "/__sandbox__"
MAX_BODY_BYTES = 25 * 1024 * 1024
# The credential every sandbox accepts by default; it only ever guards loopback test servers.
SANDBOX_TOKEN = "sandbox-token"  # noqa: S105


# --------------------------------------------------------------------------- request / response


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Any
    body: bytes
    params: dict[str, str] = field(default_factory=dict)
    base_url: str = ""

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        if not self.body:
            return {}
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise HttpError(400, "invalid JSON body") from exc

    def form(self) -> tuple[dict[str, list[str]], dict[str, list[tuple[str, bytes, str]]]]:
        """Fields and files of a multipart/form-data or urlencoded body."""
        content_type = self.headers.get("Content-Type", "")
        if content_type.startswith("application/x-www-form-urlencoded"):
            return parse_qs(self.body.decode(), keep_blank_values=True), {}
        if not content_type.startswith("multipart/form-data"):
            raise HttpError(415, "expected multipart/form-data")
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + self.body
        )
        fields: dict[str, list[str]] = defaultdict(list)
        files: dict[str, list[tuple[str, bytes, str]]] = defaultdict(list)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            filename = part.get_filename()
            payload = part.get_payload(decode=True) or b""
            if filename is not None:
                files[name].append((filename, payload, part.get_content_type()))
            else:
                fields[name].append(payload.decode())
        return dict(fields), dict(files)


@dataclass
class Response:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        self.headers.setdefault("Content-Type", "application/json")
        return json.dumps(self.body).encode()


class HttpError(Exception):
    def __init__(self, status: int, message: str, *, code: str = "", headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers or {}


Handler = Callable[[Request], Response]


# --------------------------------------------------------------------------- faults


@dataclass
class Faults:
    latency_ms: int = 0
    fail_rate: float = 0.0  # share of requests answered 5xx before any effect
    timeout_rate: float = 0.0  # share of requests that hang for ``hang_seconds``
    hang_seconds: float = 11.0
    hang_after_effect: bool = True  # a hung write still happens: the client can't know
    storm_until: float = 0.0  # every request gets 429 until this time
    down_until: float = 0.0  # connections are dropped until this time
    rate_limit: int = 0  # requests per ``rate_window`` per credential; 0 = unlimited
    rate_window: float = 10.0

    def as_dict(self) -> dict[str, Any]:
        now = time.time()
        data = asdict(self)
        data["storm_seconds_left"] = max(0.0, self.storm_until - now)
        data["down_seconds_left"] = max(0.0, self.down_until - now)
        return data


class FixedWindowLimiter:
    """Per-credential fixed window, as Workable/Greenhouse/Lever describe their limits."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}

    def hit(self, key: str, limit: int, window: float) -> tuple[bool, int, float]:
        """Returns (allowed, remaining, reset_at)."""
        now = time.time()
        with self._lock:
            start, count = self._windows.get(key, (now, 0))
            if now - start >= window:
                start, count = now, 0
            reset_at = start + window
            if count >= limit:
                return False, 0, reset_at
            self._windows[key] = (start, count + 1)
            return True, limit - count - 1, reset_at


# --------------------------------------------------------------------------- store


@dataclass
class Application:
    id: str
    candidate_id: str
    job_id: str
    stage_id: str
    disqualified: bool = False
    disqualify_reason_id: str = ""
    disqualify_note: str = ""
    reserved: bool = False
    updated_at: float = field(default_factory=time.time)
    created_at: float = field(default_factory=time.time)
    moves: list[str] = field(default_factory=list)  # every stage id received, in order
    notes: list[str] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)


class Store:
    """In-memory ATS state shared by every request thread of one sandbox."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._ids = itertools.count(1001)
        self.jobs: dict[str, dict[str, Any]] = {}
        self.stages: dict[str, list[dict[str, Any]]] = {}  # job id -> stages in order
        self.reasons: list[dict[str, Any]] = []
        self.sources: list[dict[str, Any]] = []
        self.users: list[dict[str, Any]] = []
        self.candidates: dict[str, dict[str, Any]] = {}
        self.applications: dict[str, Application] = {}
        self.files: dict[str, dict[str, Any]] = {}

    def new_id(self, prefix: str = "") -> str:
        return f"{prefix}{next(self._ids)}"

    def application(self, application_id: str) -> Application:
        try:
            return self.applications[application_id]
        except KeyError:
            raise HttpError(404, "Not found", code="not_found") from None

    def candidate_by_email(self, email: str) -> dict[str, Any] | None:
        wanted = email.strip().lower()
        for candidate in self.candidates.values():
            if candidate.get("email", "").lower() == wanted:
                return candidate
        return None

    def stage_ids(self, job_id: str) -> list[str]:
        return [stage["id"] for stage in self.stages.get(job_id, [])]


DEFAULT_STAGE_NAMES = [
    "Applied",
    "Resume Screening",
    "Assessment",
    "Personality Screening",
    "Interview",
    "Offer",
    "Hired",
]
DEFAULT_REASONS = ["Not qualified", "Withdrew", "Position filled", "Other"]


# --------------------------------------------------------------------------- app


class SandboxApp:
    """Base class: subclasses set ``provider``, register routes and format errors."""

    provider = ""
    default_rate_limit = 0
    default_rate_window = 10.0

    def __init__(self, *, token: str = SANDBOX_TOKEN, jobs: int = 25, seed: int | None = None, **faults: Any):
        self.token = token
        self.random = random.Random(seed)
        self.faults = Faults(rate_limit=self.default_rate_limit, rate_window=self.default_rate_window)
        self.configure(**faults)
        self.store = Store()
        self.limiter = FixedWindowLimiter()
        self.counters: Counter[str] = Counter()
        self.counters_lock = threading.Lock()
        self.webhook_url = ""
        self.webhook_secret = ""
        self.webhooks_sent: list[dict[str, Any]] = []
        self._webhook_queue: queue.Queue[tuple[str, bytes, dict[str, str]] | None] = queue.Queue()
        self._webhook_thread: threading.Thread | None = None
        self.base_url = ""
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.register_routes()
        self.seed(jobs)

    # ---- configuration ----------------------------------------------------------

    def configure(self, **options: Any) -> None:
        now = time.time()
        for name, value in options.items():
            if value is None:
                continue
            if name == "storm_seconds":
                self.faults.storm_until = now + float(value)
            elif name == "down_seconds":
                self.faults.down_until = now + float(value)
            elif hasattr(self.faults, name):
                current = getattr(self.faults, name)
                setattr(self.faults, name, type(current)(value))
            else:
                raise ValueError(f"unknown sandbox option {name!r}")

    def reset_faults(self) -> None:
        self.faults = Faults(rate_limit=self.faults.rate_limit, rate_window=self.faults.rate_window)

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$")
        self._routes.append((method, regex, handler))

    def register_routes(self) -> None:
        raise TypeError(f"{type(self).__name__} must register its routes")

    # ---- provider hooks ---------------------------------------------------------

    def authenticate(self, request: Request) -> str:
        """Return the credential key (for rate limiting) or raise HttpError(401)."""
        raise TypeError(f"{type(self).__name__} must define authenticate")

    def error_body(self, status: int, message: str, code: str) -> Any:
        return {"error": message}

    def seed(self, jobs: int) -> None:
        raise TypeError(f"{type(self).__name__} must define seed")

    # ---- seeding helpers ----------------------------------------------------------

    def _seed_common(
        self, jobs: int, *, make_job: Callable[[int], dict[str, Any]], shared_stages: bool = False
    ) -> None:
        store = self.store
        with store.lock:
            shared = [
                {"id": store.new_id(), "name": name, "position": index}
                for index, name in enumerate(DEFAULT_STAGE_NAMES)
            ]
            store.reasons = [{"id": store.new_id(), "name": name} for name in DEFAULT_REASONS]
            store.users = [{"id": store.new_id(), "name": "Sandbox Admin", "email": "admin@sandbox.test"}]
            store.sources = [{"id": store.new_id(), "name": name} for name in ("Career site", "Hireboard", "Referral")]
            for number in range(1, jobs + 1):
                job = make_job(number)
                store.jobs[job["id"]] = job
                store.stages[job["id"]] = (
                    shared
                    if shared_stages
                    else [
                        {"id": store.new_id(), "name": name, "position": index}
                        for index, name in enumerate(DEFAULT_STAGE_NAMES)
                    ]
                )

    # ---- state operations used by providers, tests and the control API ----------

    def add_application(
        self, *, candidate_id: str, job_id: str, stage_id: str | None = None, app_id: str | None = None
    ) -> Application:
        store = self.store
        with store.lock:
            if job_id not in store.jobs:
                raise HttpError(404, "Not found", code="not_found")
            stage_ids = store.stage_ids(job_id)
            if stage_id and stage_id not in stage_ids:
                raise HttpError(422, f"unknown stage {stage_id}", code="invalid_stage")
            application = Application(
                id=app_id or store.new_id(),
                candidate_id=candidate_id,
                job_id=job_id,
                stage_id=stage_id or stage_ids[0],
            )
            store.applications[application.id] = application
        self.count("applications_created")
        self.on_application_created(application)
        return application

    def move(self, application_id: str, stage_id: str, *, notify: bool = True) -> Application:
        store = self.store
        with store.lock:
            application = store.application(application_id)
            if stage_id not in store.stage_ids(application.job_id):
                raise HttpError(422, f"unknown stage {stage_id}", code="invalid_stage")
            application.moves.append(stage_id)
            application.stage_id = stage_id
            application.disqualified = False
            application.updated_at = time.time()
        self.count("moves")
        if notify:
            self.on_application_moved(application)
        return application

    def disqualify(self, application_id: str, *, reason_id: str = "", note: str = "") -> Application:
        with self.store.lock:
            application = self.store.application(application_id)
            if reason_id and reason_id not in {reason["id"] for reason in self.store.reasons}:
                raise HttpError(422, f"unknown reason {reason_id}", code="invalid_reason")
            application.disqualified = True
            application.disqualify_reason_id = reason_id
            application.disqualify_note = note
            application.updated_at = time.time()
        self.count("disqualifications")
        self.on_application_disqualified(application)
        return application

    def note(self, application_id: str, body: str) -> Application:
        with self.store.lock:
            application = self.store.application(application_id)
            application.notes.append(body)
            application.updated_at = time.time()
        self.count("notes")
        return application

    def remote_move(self, application_id: str, stage_id: str) -> Application:
        """A recruiter moves the card inside the ATS itself (sends the webhook)."""
        return self.move(application_id, stage_id)

    def application_state(self, application_id: str) -> dict[str, Any]:
        with self.store.lock:
            application = self.store.application(application_id)
            data = asdict(application)
        data["moves_received"] = len(data["moves"])
        return data

    # webhook hooks: providers override to send their own events
    def on_application_created(self, application: Application) -> None:
        return None

    def on_application_moved(self, application: Application) -> None:
        return None

    def on_application_disqualified(self, application: Application) -> None:
        return None

    # ---- counters -----------------------------------------------------------------

    def count(self, name: str, amount: int = 1) -> None:
        with self.counters_lock:
            self.counters[name] += amount

    def stats(self) -> dict[str, int]:
        with self.counters_lock:
            return dict(self.counters)

    # ---- outgoing webhooks -------------------------------------------------------

    def send_webhook(self, body: bytes, headers: dict[str, str]) -> None:
        if not self.webhook_url:
            return
        self._webhook_queue.put((self.webhook_url, body, headers))
        if self._webhook_thread is None or not self._webhook_thread.is_alive():
            self._webhook_thread = threading.Thread(
                target=self._deliver_webhooks, daemon=True, name=f"{self.provider}-webhooks"
            )
            self._webhook_thread.start()

    def _deliver_webhooks(self) -> None:
        while True:
            try:
                item = self._webhook_queue.get(timeout=5)
            except queue.Empty:
                return
            if item is None:
                return
            url, body, headers = item
            record = {"url": url, "body": body.decode(), "headers": headers, "status": None}
            try:
                response = requests.post(
                    url, data=body, headers={"Content-Type": "application/json", **headers}, timeout=5
                )
                record["status"] = response.status_code
            except requests.RequestException as exc:
                record["status"] = f"error: {exc.__class__.__name__}"
            self.webhooks_sent.append(record)
            self._webhook_queue.task_done()

    def wait_for_webhooks(self, timeout: float = 5.0) -> None:
        deadline = time.time() + timeout
        while self._webhook_queue.unfinished_tasks and time.time() < deadline:
            time.sleep(0.02)

    # ---- dispatch -----------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if request.path.startswith(CONTROL_PREFIX):
            return self.handle_control(request)
        self.count("requests")
        faults = self.faults
        if faults.latency_ms:
            time.sleep(faults.latency_ms / 1000)
        if time.time() < faults.storm_until:
            self.count("429")
            retry_after = max(1, int(faults.storm_until - time.time() + 0.999))
            return self.error_response(429, "Too many requests", "rate_limited", {"Retry-After": str(retry_after)})
        try:
            handler, params = self._resolve(request)
            request.params = params
            key = self.authenticate(request)
            limit_headers: dict[str, str] = {}
            if faults.rate_limit:
                allowed, remaining, reset_at = self.limiter.hit(key, faults.rate_limit, faults.rate_window)
                limit_headers = self.rate_limit_headers(faults.rate_limit, remaining, reset_at)
                if not allowed:
                    self.count("429")
                    retry_after = max(1, int(reset_at - time.time() + 0.999))
                    return self.error_response(
                        429, "Too many requests", "rate_limited", {**limit_headers, "Retry-After": str(retry_after)}
                    )
            if faults.fail_rate and self.random.random() < faults.fail_rate:
                self.count("5xx")
                return self.error_response(
                    self.random.choice([500, 502, 503]), "Internal server error", "internal_error", {}
                )
            hang = faults.timeout_rate and self.random.random() < faults.timeout_rate
            if hang and not faults.hang_after_effect:
                self.count("hangs")
                time.sleep(faults.hang_seconds)
            response = handler(request)
            if hang and faults.hang_after_effect:
                self.count("hangs")
                time.sleep(faults.hang_seconds)
            response.headers.update(limit_headers)
            self.count(f"{response.status // 100}xx")
            return response
        except HttpError as exc:
            self.count(f"{exc.status // 100}xx")
            return self.error_response(exc.status, exc.message, exc.code, exc.headers)

    def rate_limit_headers(self, limit: int, remaining: int, reset_at: float) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(int(reset_at)),
        }

    def error_response(self, status: int, message: str, code: str, headers: dict[str, str]) -> Response:
        return Response(status, self.error_body(status, message, code), dict(headers))

    def _resolve(self, request: Request) -> tuple[Handler, dict[str, str]]:
        path_matched = False
        for method, regex, handler in self._routes:
            match = regex.match(request.path)
            if match:
                path_matched = True
                if method == request.method:
                    return handler, match.groupdict()
        if path_matched:
            raise HttpError(405, "Method not allowed", code="method_not_allowed")
        raise HttpError(404, "Not found", code="not_found")

    # ---- control API ----------------------------------------------------------------

    def handle_control(self, request: Request) -> Response:
        path = request.path[len(CONTROL_PREFIX) :]
        try:
            if path == "/state" and request.method == "GET":
                return Response(200, self.snapshot())
            if path == "/faults" and request.method == "POST":
                self.configure(**request.json())
                return Response(200, self.faults.as_dict())
            if path == "/faults/reset" and request.method == "POST":
                self.reset_faults()
                return Response(200, self.faults.as_dict())
            if path == "/webhook" and request.method == "POST":
                body = request.json()
                self.webhook_url = body.get("url", "")
                self.webhook_secret = body.get("secret", "")
                return Response(200, {"url": self.webhook_url})
            match = re.match(r"^/applications/([^/]+)$", path)
            if match and request.method == "GET":
                return Response(200, self.application_state(match.group(1)))
            match = re.match(r"^/applications/([^/]+)/move$", path)
            if match and request.method == "POST":
                self.remote_move(match.group(1), request.json()["stage_id"])
                return Response(200, self.application_state(match.group(1)))
        except (HttpError, ValueError, KeyError, TypeError) as exc:
            return Response(400, {"error": str(exc)})
        return Response(404, {"error": "unknown control endpoint"})

    def snapshot(self) -> dict[str, Any]:
        with self.store.lock:
            return {
                "provider": self.provider,
                "faults": self.faults.as_dict(),
                "stats": self.stats(),
                "jobs": len(self.store.jobs),
                "candidates": len(self.store.candidates),
                "applications": {key: asdict(value) for key, value in self.store.applications.items()},
            }

    # ---- pagination helpers -----------------------------------------------------------

    @staticmethod
    def int_arg(request: Request, name: str, default: int, *, low: int = 1, high: int = 500) -> int:
        raw = request.arg(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise HttpError(400, f"{name} must be an integer", code="invalid_param") from None
        if not low <= value <= high:
            raise HttpError(400, f"{name} must be between {low} and {high}", code="invalid_param")
        return value


# --------------------------------------------------------------------------- server


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        logger.debug("%s %s", self.server.app.provider, format % args)

    def _dispatch(self) -> None:
        app = self.server.app
        if time.time() < app.faults.down_until and not self.path.startswith(CONTROL_PREFIX):
            app.count("dropped")
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self.send_error(413)
            return
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers=self.headers,
            body=body,
            base_url=app.base_url,
        )
        try:
            response = app.handle(request)
        except Exception:  # a sandbox bug must be visible to the client as a 500, not a hang
            logger.exception("sandbox %s crashed on %s %s", app.provider, self.command, self.path)
            response = Response(500, {"error": "sandbox crashed"})
        payload = response.encoded()
        try:
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout): exactly what a real server sees

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: SandboxApp):
        self.app = app
        super().__init__(address, _RequestHandler)


class SandboxServer:
    """Runs a SandboxApp on loopback in a background thread: ``with SandboxServer(app) as s:``."""

    def __init__(self, app: SandboxApp, *, host: str = "127.0.0.1", port: int = 0):
        self.app = app
        self.host = host
        self.port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> SandboxServer:
        self._server = _Server((self.host, self.port), self.app)
        self.port = self._server.server_address[1]
        self.app.base_url = self.url
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server = _Server((self.host, self.port), self.app)
        self.port = self._server.server_address[1]
        self.app.base_url = self.url
        self._server.serve_forever()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
