from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from integrations.providers import build_provider
from integrations.sandbox import SandboxServer, make_sandbox, sandbox_credentials

PROVIDERS = ["workable", "greenhouse", "lever", "zoho", "skailer"]


class RunningSandbox:
    def __init__(self, provider: str, **options):
        self.provider_slug = provider
        self.app = make_sandbox(provider, seed=7, **options)
        self.server = SandboxServer(self.app)

    def __enter__(self):
        self.server.start()
        self.credentials = sandbox_credentials(self.app, self.server.url)
        return self

    def __exit__(self, *exc_info):
        self.server.stop()

    def adapter(self, **options):
        options.setdefault("timeout", (1.0, 2.0))
        return build_provider(self.provider_slug, self.credentials, **options)


@pytest.fixture
def run_sandbox():
    started = []

    def start(provider: str, **options) -> RunningSandbox:
        running = RunningSandbox(provider, **options).__enter__()
        started.append(running)
        return running

    yield start
    for running in started:
        running.__exit__(None, None, None)


@pytest.fixture(params=PROVIDERS)
def sandbox(request, run_sandbox) -> RunningSandbox:
    # rate limits off for functional tests; the limit tests switch them on explicitly
    return run_sandbox(request.param, rate_limit=0)


# --------------------------------------------------------------------------- Django-level fixtures


class Outbox:
    """Stands in for broker + worker + beat in-process: deliveries run here, retryable
    errors wait out their Retry-After (capped), and the sweep picks up what was never
    enqueued. The real Celery path is covered by the Redis end-to-end test."""

    def __init__(self, monkeypatch):
        self.enqueued: list[int] = []
        self.broker_up = True
        self.retryable_errors = 0
        monkeypatch.setattr("integrations.services.enqueue_delivery", self._enqueue)

    def _enqueue(self, event_id: int) -> None:
        if not self.broker_up:
            return  # the message is lost, exactly as with a broker that is down
        self.enqueued.append(event_id)

    def drain(self, *, timeout: float = 60.0, max_sleep: float = 1.0, delivery_timeout=(0.5, 1.0)) -> None:
        import time
        from datetime import timedelta

        from integrations import services
        from integrations.models import SyncEvent
        from integrations.providers.base import RetryableError

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.enqueued:
                services.sweep_stale_events(stale_after=timedelta(0))  # what beat does, without the wait
            if not self.enqueued:
                if not SyncEvent.objects.unscoped().filter(status__in=SyncEvent.UNDELIVERED).exists():
                    return
                time.sleep(0.05)
                continue
            event_id = self.enqueued.pop(0)
            try:
                services.deliver_event(event_id=event_id, worker_id="test-worker", timeout=delivery_timeout)
            except RetryableError as exc:
                self.retryable_errors += 1
                time.sleep(min(exc.retry_after or 0.05, max_sleep))
                self.enqueued.append(event_id)
        raise AssertionError("outbox did not drain in time")


@pytest.fixture
def outbox(monkeypatch, django_capture_on_commit_callbacks):
    return Outbox(monkeypatch)


class Linked:
    def __init__(self, world, running, connection, links):
        self.world, self.running, self.connection, self.links = world, running, connection, links

    @property
    def job(self):
        return self.links[0].job

    def remote(self, application):
        from integrations.models import ApplicationLink

        link = ApplicationLink.objects.unscoped().get(application=application)
        app_id = link.remote_id
        if self.running.provider_slug == "zoho":
            candidate_id, _, job_id = app_id.partition(":")
            app_id = next(
                a.id
                for a in self.running.app.store.applications.values()
                if a.candidate_id == candidate_id and a.job_id == job_id
            )
        return self.running.app.application_state(app_id)

    def remote_stage_name(self, application):
        state = self.remote(application)
        stages = self.running.app.store.stages[state["job_id"]]
        return next(stage["name"] for stage in stages if stage["id"] == state["stage_id"])

    def apply(self, email="ada@example.test", name="Ada Lovelace", job=None):
        from candidates import services as candidate_services

        candidate, _ = candidate_services.find_or_create_candidate(org=self.world.org_a, name=name, email=email)
        application, _ = candidate_services.apply_to_job(
            candidate=candidate, job=job or self.job, actor=self.world.admin
        )
        return application

    def move(self, application, stage_name, reason=""):
        from candidates import services as candidate_services

        stage = application.job.stages().get(name=stage_name)
        return candidate_services.move_application(
            application=application, to_stage=stage, actor=self.world.admin, reason=reason
        )


WEBHOOK_SECRET = "whsec-test"  # noqa: S105


def link_sandbox(world, running, *, jobs=2, rate=1000.0, webhook_secret=WEBHOOK_SECRET):
    from integrations import services
    from integrations.models import JobLink
    from integrations.providers import build_provider

    credentials = dict(running.credentials)
    connection = services.save_connection(
        org=world.org_a,
        provider=running.provider_slug,
        credentials={k: str(v) for k, v in credentials.items()},
        webhook_secret=webhook_secret,
        actor=world.admin,
    )
    connection.rate_limit_per_second = rate
    connection.save(update_fields=["rate_limit_per_second"])
    remote_ids = [job.id for job in list(build_provider(running.provider_slug, credentials).iter_jobs())[:jobs]]
    services.import_jobs(connection=connection, actor=world.admin, remote_ids=remote_ids)
    links = list(JobLink.objects.unscoped().filter(connection=connection).select_related("job").order_by("pk"))
    return Linked(world, running, connection, links)


@pytest.fixture
def linked(org_world, run_sandbox):
    """Org A connected to a Workable sandbox with two imported, linked jobs."""
    return link_sandbox(org_world, run_sandbox("workable", rate_limit=0))


class Receiver:
    """A loopback endpoint that records what the sandbox posts to it."""

    def __init__(self):
        self.received = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    endpoint = Receiver()
    yield endpoint
    endpoint.close()
