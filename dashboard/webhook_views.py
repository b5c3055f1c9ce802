"""Settings → Webhooks (admins): endpoints, their delivery log, test events."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from dashboard import webhooks_out
from dashboard.access import admin_required, get_visible_or_404
from dashboard.models import WebhookDelivery, WebhookEndpoint

DELIVERY_LOG_LENGTH = 50


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(max_length=500, label="Payload URL", assume_scheme="https")
    events = forms.MultipleChoiceField(choices=WebhookEndpoint.Event.choices, widget=forms.CheckboxSelectMultiple)
    description = forms.CharField(max_length=200, required=False)
    secret = forms.CharField(
        max_length=200,
        required=False,
        help_text="Leave empty to have one generated. It is shown once, then stored encrypted.",
    )


def _save_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@admin_required
@require_http_methods(["GET", "POST"])
def webhooks(request):
    form = WebhookEndpointForm(request.POST or None)
    new_secret = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                endpoint, new_secret = webhooks_out.create_webhook_endpoint(
                    org=request.user.org, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                _save_errors(form, exc)
                status = 400
            else:
                messages.success(request, f"Webhook endpoint {endpoint.url} added.")
                form = WebhookEndpointForm()
        else:
            status = 400
    context = {
        "form": form,
        "new_secret": new_secret,
        "endpoints": WebhookEndpoint.objects.visible_to(request.user),
        "events": WebhookEndpoint.Event,
    }
    return TemplateResponse(request, "dashboard/settings/webhooks.html", context, status=status)


@admin_required
@require_http_methods(["GET", "POST"])
def webhook_detail(request, endpoint_id: int):
    endpoint = get_visible_or_404(WebhookEndpoint.objects.visible_to(request.user), pk=endpoint_id)
    initial = {"url": endpoint.url, "events": endpoint.events, "description": endpoint.description}
    form = WebhookEndpointForm(request.POST or None, initial=initial)
    # The secret is shown once, at creation; it is never edited or shown again.
    del form.fields["secret"]
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                webhooks_out.update_webhook_endpoint(
                    endpoint=endpoint,
                    url=form.cleaned_data["url"],
                    events=form.cleaned_data["events"],
                    description=form.cleaned_data["description"],
                )
            except ValidationError as exc:
                _save_errors(form, exc)
                status = 400
            else:
                messages.success(request, "Webhook endpoint saved.")
                return redirect("settings:webhook_detail", endpoint.pk)
        else:
            status = 400
    deliveries = WebhookDelivery.objects.visible_to(request.user).filter(endpoint=endpoint)[:DELIVERY_LOG_LENGTH]
    context = {"endpoint": endpoint, "form": form, "deliveries": deliveries}
    return TemplateResponse(request, "dashboard/settings/webhook_detail.html", context, status=status)


@admin_required
@require_POST
def webhook_test(request, endpoint_id: int):
    endpoint = get_visible_or_404(WebhookEndpoint.objects.visible_to(request.user), pk=endpoint_id)
    webhooks_out.send_test_event(endpoint=endpoint)
    messages.success(request, "Test event queued; its delivery appears in the log below.")
    return redirect("settings:webhook_detail", endpoint.pk)


@admin_required
@require_POST
def webhook_set_active(request, endpoint_id: int):
    endpoint = get_visible_or_404(WebhookEndpoint.objects.visible_to(request.user), pk=endpoint_id)
    active = request.POST.get("active") == "1"
    webhooks_out.set_webhook_endpoint_active(endpoint=endpoint, active=active, reason="Disabled by an admin.")
    messages.success(request, "Endpoint enabled." if active else "Endpoint disabled.")
    return redirect("settings:webhook_detail", endpoint.pk)


@admin_required
@require_POST
def webhook_delete(request, endpoint_id: int):
    endpoint = get_visible_or_404(WebhookEndpoint.objects.visible_to(request.user), pk=endpoint_id)
    webhooks_out.delete_webhook_endpoint(endpoint=endpoint)
    messages.success(request, f"Webhook endpoint {endpoint.url} deleted.")
    return redirect("settings:webhooks")
