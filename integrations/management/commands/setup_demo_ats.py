from __future__ import annotations

import secrets
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from dashboard.models import Organization, User
from integrations import services
from integrations.models import AtsConnection, JobLink, Provider
from integrations.providers import build_provider
from integrations.providers.base import ProviderError
from integrations.sandbox import SANDBOX_TOKEN, SandboxServer, make_sandbox
from jobs.models import Job


class Command(BaseCommand):
    help = (
        "Connect the first demo organisation to a sandbox Workable on 127.0.0.1:8765 and link a few of "
        "its jobs. With --serve the sandbox runs in this process (one Procfile line does both)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--jobs", type=int, default=3, help="how many demo jobs to link")
        parser.add_argument("--serve", action="store_true", help="start the sandbox here and keep serving it")
        parser.add_argument("--fail-rate", type=float, default=0.0, help="with --serve: share of requests answered 5xx")
        parser.add_argument("--wait", type=float, default=30.0, help="seconds to wait for an external sandbox")

    def handle(self, *args, **options):
        server = None
        app = None
        if options["serve"]:
            app = make_sandbox("workable", fail_rate=options["fail_rate"])
            server = SandboxServer(app, host=options["host"], port=options["port"])
            try:
                server.start()
            except OSError as exc:
                raise CommandError(f"cannot listen on {options['host']}:{options['port']}: {exc}") from exc
        base_url = f"http://{options['host']}:{options['port']}/spi/v3"
        self._wait_for(base_url, options["wait"])
        connection = self._connect(base_url, options["jobs"])
        if server is not None:
            # A sandbox started here is empty: remote ids from an earlier run point nowhere.
            forgotten = services.forget_remote_records(connection=connection)
            if forgotten:
                self.stdout.write(f"  forgot {forgotten} remote record(s) of the previous sandbox run")
        webhook_secret = connection.webhook_secret
        webhook_url = settings.SITE_URL + reverse(
            "integrations:webhook", args=[connection.provider, connection.webhook_token]
        )
        if app is not None:
            app.webhook_url, app.webhook_secret = webhook_url, webhook_secret
        else:
            import requests

            requests.post(
                f"http://{options['host']}:{options['port']}/__sandbox__/webhook",
                json={"url": webhook_url, "secret": webhook_secret},
                timeout=5,
            )
        self.stdout.write(self.style.SUCCESS(f"{connection.org} is connected to the sandbox Workable at {base_url}."))
        if server is not None:
            self.stdout.write("Serving the sandbox Workable (Ctrl+C stops it).")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                server.stop()

    def _wait_for(self, base_url: str, seconds: float) -> None:
        provider = build_provider("workable", {"subdomain": "sandbox", "token": SANDBOX_TOKEN, "base_url": base_url})
        deadline = time.monotonic() + seconds
        while True:
            try:
                provider.test_connection()
                return
            except ProviderError as exc:
                if time.monotonic() > deadline:
                    raise CommandError(f"the sandbox at {base_url} is not answering: {exc}") from exc
                time.sleep(0.5)

    def _connect(self, base_url: str, job_count: int) -> AtsConnection:
        org = Organization.objects.order_by("pk").first()
        if org is None:
            raise CommandError("No organisation yet: run `manage.py seed_demo` first.")
        admin = User.objects.filter(org=org, role=User.Role.ADMIN, is_active=True).order_by("pk").first()
        if admin is None:
            raise CommandError(f"{org} has no active admin to own the connection.")
        existing = AtsConnection.objects.unscoped().filter(org=org, provider=Provider.WORKABLE).first()
        connection = services.save_connection(
            org=org,
            provider=Provider.WORKABLE,
            credentials={"subdomain": "sandbox", "token": SANDBOX_TOKEN, "base_url": base_url},
            webhook_secret="" if existing and existing.webhook_secret else secrets.token_urlsafe(24),
            actor=admin,
        )
        if connection.status != AtsConnection.Status.ACTIVE:
            services.set_connection_status(connection=connection, active=True, actor=admin)
        provider = services.provider_for(connection)
        links = JobLink.objects.unscoped().filter(connection=connection)
        taken_remote = set(links.values_list("remote_id", flat=True))
        remote_jobs = [job for job in provider.iter_jobs() if job.id not in taken_remote]
        wanted = max(0, job_count - links.count())
        jobs = (
            Job.objects.unscoped()
            .filter(org=org, status=Job.Status.OPEN, ats_link__isnull=True)
            .order_by("pk")[:wanted]
        )
        for job, remote_job in zip(jobs, remote_jobs, strict=False):
            services.link_job(connection=connection, job=job, remote_id=remote_job.id, actor=admin)
            self.stdout.write(f"  linked “{job.title}” to sandbox job {remote_job.id}")
        return connection
