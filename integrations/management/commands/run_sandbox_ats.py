from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from integrations.sandbox import SANDBOX_TOKEN, SANDBOXES, SandboxServer, make_sandbox


class Command(BaseCommand):
    help = "Serve a local sandbox ATS (same paths, auth, pagination, errors, limits, webhooks) until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--provider", required=True, choices=sorted(SANDBOXES))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--token", default=SANDBOX_TOKEN, help="API token / key the sandbox accepts")
        parser.add_argument("--jobs", type=int, default=25, help="jobs to seed")
        parser.add_argument("--fail-rate", type=float, help="share of requests answered 5xx (0-1)")
        parser.add_argument("--latency-ms", type=int, help="added latency per request")
        parser.add_argument("--rate-limit", type=int, help="requests per window per credential (0 = off)")
        parser.add_argument("--rate-window", type=float, help="rate limit window in seconds")
        parser.add_argument("--timeout-rate", type=float, help="share of requests that hang")
        parser.add_argument("--hang-seconds", type=float, help="how long a hung request hangs")
        parser.add_argument("--webhook-url", default="", help="where to post outgoing webhooks")
        parser.add_argument("--webhook-secret", default="", help="secret that signs outgoing webhooks")

    def handle(self, *args, **options):
        faults = {
            name: options[name]
            for name in ("fail_rate", "latency_ms", "rate_limit", "rate_window", "timeout_rate", "hang_seconds")
            if options[name] is not None
        }
        for name in ("fail_rate", "timeout_rate"):
            if name in faults and not 0 <= faults[name] <= 1:
                raise CommandError(f"--{name.replace('_', '-')} must be between 0 and 1")
        app = make_sandbox(options["provider"], token=options["token"], jobs=options["jobs"], **faults)
        app.webhook_url, app.webhook_secret = options["webhook_url"], options["webhook_secret"]
        server = SandboxServer(app, host=options["host"], port=options["port"])
        self.stdout.write(
            f"Sandbox {app.provider} on http://{options['host']}:{options['port']} "
            f"(token {options['token']!r}; control API under /__sandbox__/)"
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")
        except OSError as exc:
            raise CommandError(f"cannot listen on {options['host']}:{options['port']}: {exc}") from exc
