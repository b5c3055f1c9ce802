from __future__ import annotations

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
