from __future__ import annotations

from django import forms

from .models import Provider
from .providers import CREDENTIAL_FIELDS

SECRET_FIELDS = {"token", "api_key", "client_secret", "api_token"}
LABELS = {
    "subdomain": "Account subdomain",
    "token": "API access token",
    "member_id": "Member id to act as (optional)",
    "api_key": "API key",
    "on_behalf_of": "User id for On-Behalf-Of",
    "perform_as": "User id for perform_as",
    "accounts_url": "Accounts server (data centre)",
    "client_id": "OAuth client id",
    "client_secret": "OAuth client secret",
    "api_token": "API token",
}
ZOHO_ACCOUNT_SERVERS = [
    ("https://accounts.zoho.com", "US (accounts.zoho.com)"),
    ("https://accounts.zoho.eu", "EU (accounts.zoho.eu)"),
    ("https://accounts.zoho.in", "India (accounts.zoho.in)"),
    ("https://accounts.zoho.com.au", "Australia (accounts.zoho.com.au)"),
    ("https://accounts.zoho.jp", "Japan (accounts.zoho.jp)"),
    ("https://accounts.zoho.com.cn", "China (accounts.zoho.com.cn)"),
    ("https://accounts.zoho.sa", "Saudi Arabia (accounts.zoho.sa)"),
    ("https://accounts.zohocloud.ca", "Canada (accounts.zohocloud.ca)"),
]


class ConnectionForm(forms.Form):
    """Credentials are write-only: the form never renders stored values, and a blank
    field on an existing connection keeps what is stored."""

    def __init__(self, *args, provider: str, existing: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.provider = provider
        for name in CREDENTIAL_FIELDS[provider]:
            required = not existing and name != "member_id"
            if name in SECRET_FIELDS:
                widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})
                self.fields[name] = forms.CharField(
                    label=LABELS[name], required=required, widget=widget, max_length=500
                )
            elif name == "accounts_url":
                self.fields[name] = forms.ChoiceField(
                    label=LABELS[name], choices=ZOHO_ACCOUNT_SERVERS, required=required
                )
            else:
                self.fields[name] = forms.CharField(label=LABELS[name], required=required, max_length=200)
        self.fields["base_url"] = forms.URLField(
            label="API base URL override (sandbox or regional host; leave blank for the provider's own)",
            required=False,
            max_length=300,
            assume_scheme="https",
        )
        if provider == Provider.ZOHO:
            self.fields["base_url"].label = "API domain override (leave blank: Zoho tells us after consent)"
        if provider != Provider.SKAILER:
            self.fields["webhook_secret"] = forms.CharField(
                label="Webhook signing secret / shared token",
                required=False,
                widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
                max_length=500,
            )

    def credentials(self) -> dict[str, str]:
        data = {name: self.cleaned_data.get(name) or "" for name in CREDENTIAL_FIELDS[self.provider]}
        base_url = self.cleaned_data.get("base_url") or ""
        data["api_domain" if self.provider == Provider.ZOHO else "base_url"] = base_url
        return data


class StageMappingForm(forms.Form):
    def __init__(self, *args, mappings, remote_stages, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "— not synced —")] + [(stage.id, stage.name) for stage in remote_stages]
        self.mappings = list(mappings)
        for mapping in self.mappings:
            self.fields[f"stage_{mapping.stage_id}"] = forms.ChoiceField(
                label=mapping.stage.name, choices=choices, required=False, initial=mapping.remote_stage_id
            )

    def remote_stage_ids(self) -> dict[int, str]:
        return {mapping.stage_id: self.cleaned_data.get(f"stage_{mapping.stage_id}") or "" for mapping in self.mappings}
