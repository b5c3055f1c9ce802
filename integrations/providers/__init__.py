"""ATS adapters behind one interface (``base.ATSProvider``)."""

from __future__ import annotations

from typing import Any

from .base import ATSProvider
from .greenhouse import GreenhouseProvider
from .lever import LeverProvider
from .skailer import SkailerProvider
from .workable import WorkableProvider
from .zoho import ZohoRecruitProvider, ZohoTokens

PROVIDER_CLASSES: dict[str, type[ATSProvider]] = {
    "workable": WorkableProvider,
    "greenhouse": GreenhouseProvider,
    "lever": LeverProvider,
    "zoho": ZohoRecruitProvider,
    "skailer": SkailerProvider,
}

# The credential fields each provider needs (``base_url`` is optional everywhere: it points
# the adapter at a sandbox or a regional host).
CREDENTIAL_FIELDS: dict[str, tuple[str, ...]] = {
    "workable": ("subdomain", "token", "member_id"),
    "greenhouse": ("api_key", "on_behalf_of"),
    "lever": ("api_key", "perform_as"),
    "zoho": ("accounts_url", "client_id", "client_secret"),
    "skailer": ("api_token",),
}


def supports_erasure(slug: str) -> bool:
    """Answered from the adapter class: deciding needs no credentials and no request."""
    cls = PROVIDER_CLASSES.get(slug)
    return bool(cls and cls.supports_erasure)


def build_provider(slug: str, credentials: dict[str, Any], **options: Any) -> ATSProvider:
    """An adapter from stored credentials; ``options`` (timeout, page_size, and for Zoho the
    token lock / reload / save callbacks) come from the caller."""
    creds = {key: value for key, value in credentials.items() if value not in (None, "")}
    if slug == "zoho":
        tokens = ZohoTokens(
            access_token=creds.pop("access_token", ""),
            refresh_token=creds.pop("refresh_token", ""),
            expires_at=float(creds.pop("expires_at", 0) or 0),
            api_domain=creds.get("api_domain", ""),
        )
        creds.pop("location", None)
        return ZohoRecruitProvider(tokens=tokens, **creds, **options)
    try:
        cls = PROVIDER_CLASSES[slug]
    except KeyError:
        raise ValueError(f"unknown ATS provider {slug!r}") from None
    return cls(**creds, **options)


__all__ = ["CREDENTIAL_FIELDS", "PROVIDER_CLASSES", "ATSProvider", "build_provider", "supports_erasure"]
