"""Local, faithful stand-ins for each ATS, for tests, the demo and benchmarks."""

from __future__ import annotations

from typing import Any

from .core import SANDBOX_TOKEN, SandboxApp, SandboxServer
from .greenhouse import GreenhouseSandbox
from .lever import LeverSandbox
from .skailer import SkailerSandbox
from .workable import WorkableSandbox
from .zoho import ZohoSandbox

SANDBOXES: dict[str, type[SandboxApp]] = {
    "workable": WorkableSandbox,
    "greenhouse": GreenhouseSandbox,
    "lever": LeverSandbox,
    "zoho": ZohoSandbox,
    "skailer": SkailerSandbox,
}


def make_sandbox(provider: str, **options: Any) -> SandboxApp:
    try:
        return SANDBOXES[provider](**options)
    except KeyError:
        raise ValueError(f"unknown provider {provider!r}; choose from {', '.join(SANDBOXES)}") from None


def sandbox_credentials(app: SandboxApp, url: str) -> dict[str, Any]:
    """The credentials a connection needs to talk to ``app`` served at ``url``."""
    if isinstance(app, WorkableSandbox):
        return {"subdomain": app.subdomain, "token": app.token, "base_url": f"{url}/spi/v3"}
    if isinstance(app, GreenhouseSandbox):
        return {"api_key": app.token, "on_behalf_of": app.store.users[0]["id"], "base_url": f"{url}/v1"}
    if isinstance(app, LeverSandbox):
        return {"api_key": app.token, "perform_as": app.store.users[0]["id"], "base_url": f"{url}/v1"}
    if isinstance(app, ZohoSandbox):
        return {
            "accounts_url": url,
            "api_domain": url,
            "client_id": app.client_id,
            "client_secret": app.client_secret,
            "refresh_token": app.issue_refresh_token(),
        }
    if isinstance(app, SkailerSandbox):
        return {"api_token": app.token, "base_url": url}
    raise ValueError(f"no credentials recipe for {type(app).__name__}")


__all__ = ["SANDBOXES", "SANDBOX_TOKEN", "SandboxApp", "SandboxServer", "make_sandbox", "sandbox_credentials"]
