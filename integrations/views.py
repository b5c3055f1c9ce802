from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from candidates.models import Application
from config.tasks import enqueue_on_commit
from dashboard.access import get_visible_or_404, member_required, public, roles_required
from dashboard.models import User

from . import selectors, services, webhooks
from .crypto import DecryptionError
from .forms import ZOHO_ACCOUNT_SERVERS, ConnectionForm, StageMappingForm
from .models import AtsConnection, JobLink, Provider, SyncEvent
from .providers.base import ProviderError
from .providers.zoho import authorization_url, exchange_code
from .tasks import import_jobs_task

admin_only = roles_required(User.Role.ADMIN)
ZOHO_STATE_SESSION_KEY = "integrations.zoho_oauth"


def _errors(error: ValidationError) -> str:
    return " ".join(
        message for messages_ in getattr(error, "message_dict", {"": error.messages}).values() for message in messages_
    )


@admin_only
@require_GET
def index(request: HttpRequest) -> TemplateResponse:
    connections = list(selectors.connections_for(request.user))
    connected = {connection.provider for connection in connections}
    return TemplateResponse(
        request,
        "integrations/index.html",
        {
            "connections": connections,
            "available": [choice for choice in Provider.choices if choice[0] not in connected],
        },
    )


@admin_only
def connect(request: HttpRequest, provider: str) -> TemplateResponse | HttpResponse:
    if provider not in Provider.values:
        return TemplateResponse(request, "errors/404.html", status=404)
    existing = selectors.connections_for(request.user).filter(provider=provider).first()
    form = ConnectionForm(request.POST or None, provider=provider, existing=existing is not None)
    if request.method == "POST" and form.is_valid():
        try:
            connection = services.save_connection(
                org=request.user.org,
                provider=provider,
                credentials=form.credentials(),
                webhook_secret=form.cleaned_data.get("webhook_secret") or "",
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            if connection.status == AtsConnection.Status.AWAITING_CONSENT:
                return redirect("integrations:zoho_start", pk=connection.pk)
            messages.success(request, f"{connection.get_provider_display()} credentials saved.")
            return redirect("integrations:detail", pk=connection.pk)
    return TemplateResponse(
        request,
        "integrations/connect.html",
        {"form": form, "provider_label": Provider(provider).label, "existing": existing},
        status=400 if request.method == "POST" else 200,
    )


@admin_only
@require_GET
def detail(request: HttpRequest, pk: int) -> TemplateResponse:
    connection = get_visible_or_404(selectors.connections_for(request.user), pk=pk)
    webhook_url = request.build_absolute_uri(
        reverse("integrations:webhook", args=[connection.provider, connection.webhook_token])
    )
    return TemplateResponse(
        request,
        "integrations/detail.html",
        {
            "connection": connection,
            "job_links": selectors.job_links_for(connection),
            "webhook_url": webhook_url if connection.provider != Provider.SKAILER else "",
        },
    )


@admin_only
@require_POST
def test(request: HttpRequest, pk: int) -> HttpResponse:
    connection = get_visible_or_404(selectors.connections_for(request.user), pk=pk)
    ok, message = services.test_connection(connection=connection)
    (messages.success if ok else messages.error)(request, message)
    return redirect("integrations:detail", pk=connection.pk)


@admin_only
@require_POST
def toggle(request: HttpRequest, pk: int) -> HttpResponse:
    connection = get_visible_or_404(selectors.connections_for(request.user), pk=pk)
    services.set_connection_status(connection=connection, active=request.POST.get("active") == "1", actor=request.user)
    return redirect("integrations:detail", pk=connection.pk)


@admin_only
@require_POST
def import_jobs(request: HttpRequest, pk: int) -> HttpResponse:
    connection = get_visible_or_404(selectors.connections_for(request.user), pk=pk)
    if connection.status != AtsConnection.Status.ACTIVE:
        messages.error(request, "Activate the connection before importing jobs.")
        return redirect("integrations:detail", pk=connection.pk)
    enqueue_on_commit(import_jobs_task, connection.pk, request.user.pk)
    messages.success(request, "Importing jobs and their stages; refresh in a moment to see them.")
    return redirect("integrations:detail", pk=connection.pk)


@admin_only
def stage_mapping(request: HttpRequest, pk: int) -> TemplateResponse | HttpResponse:
    job_link = get_visible_or_404(JobLink.objects.visible_to(request.user).select_related("job", "connection"), pk=pk)
    try:
        remote_stages = services.with_retries(services.provider_for(job_link.connection).list_stages)(
            job_link.remote_id
        )
    except ProviderError as exc:
        messages.error(request, f"Could not read the ATS's stages: {exc.provider_message}")
        return redirect("integrations:detail", pk=job_link.connection_id)
    mappings = selectors.stage_mappings_for(job_link)
    form = StageMappingForm(request.POST or None, mappings=mappings, remote_stages=remote_stages)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_stage_mappings(
                job_link=job_link,
                remote_stage_ids=form.remote_stage_ids(),
                remote_names={stage.id: stage.name for stage in remote_stages},
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(request, f"Stage mapping saved ({changed} changed).")
            return redirect("integrations:detail", pk=job_link.connection_id)
    return TemplateResponse(request, "integrations/stage_mapping.html", {"job_link": job_link, "form": form})


@admin_only
@require_GET
def zoho_start(request: HttpRequest, pk: int) -> HttpResponse:
    connection = get_visible_or_404(selectors.connections_for(request.user).filter(provider=Provider.ZOHO), pk=pk)
    state = secrets.token_urlsafe(24)
    request.session[ZOHO_STATE_SESSION_KEY] = {"state": state, "connection": connection.pk}
    credentials = connection.credentials
    return redirect(
        authorization_url(
            accounts_url=credentials["accounts_url"],
            client_id=credentials["client_id"],
            redirect_uri=request.build_absolute_uri(reverse("integrations:zoho_callback")),
            state=state,
        )
    )


@admin_only
@require_GET
def zoho_callback(request: HttpRequest) -> HttpResponse:
    expected = request.session.pop(ZOHO_STATE_SESSION_KEY, None) or {}
    state = request.GET.get("state", "")
    if not expected or not state or not secrets.compare_digest(state, expected.get("state", "")):
        messages.error(request, "The Zoho authorisation could not be verified (state mismatch). Please try again.")
        return redirect("integrations:index")
    connection = get_visible_or_404(selectors.connections_for(request.user), pk=expected["connection"])
    if request.GET.get("error") or not request.GET.get("code"):
        messages.error(request, f"Zoho did not grant access: {request.GET.get('error', 'no code returned')}.")
        return redirect("integrations:detail", pk=connection.pk)
    credentials = connection.credentials
    # Only a known data centre (or the server the admin configured) may receive our secret.
    accounts_server = request.GET.get("accounts-server", "") or credentials["accounts_url"]
    allowed = {url for url, _ in ZOHO_ACCOUNT_SERVERS} | {credentials["accounts_url"]}
    if accounts_server.rstrip("/") not in {url.rstrip("/") for url in allowed}:
        messages.error(request, "Zoho redirected with an unknown accounts server; nothing was saved.")
        return redirect("integrations:detail", pk=connection.pk)
    try:
        tokens = exchange_code(
            accounts_url=accounts_server,
            client_id=credentials["client_id"],
            client_secret=credentials["client_secret"],
            redirect_uri=request.build_absolute_uri(reverse("integrations:zoho_callback")),
            code=request.GET["code"],
        )
    except ProviderError as exc:
        messages.error(request, f"Zoho refused the authorisation: {exc.provider_message}")
        return redirect("integrations:detail", pk=connection.pk)
    services.complete_zoho_consent(connection=connection, tokens=tokens, accounts_server=accounts_server)
    messages.success(request, "Zoho Recruit is connected.")
    return redirect("integrations:detail", pk=connection.pk)


@admin_only
@require_GET
def health(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "integrations/health.html", {"health": selectors.health_for(request.user)})


@admin_only
@require_POST
def retry_event(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_visible_or_404(SyncEvent.objects.visible_to(request.user).select_related("connection"), pk=pk)
    count = services.retry_failed_events(connection=event.connection, actor=request.user, event_ids=[event.pk])
    messages.success(request, "Retrying the event." if count else "That event is not failed any more.")
    return redirect("integrations:health")


@admin_only
@require_POST
def retry_all(request: HttpRequest, pk: int) -> HttpResponse:
    connection = get_visible_or_404(selectors.connections_for(request.user), pk=pk)
    count = services.retry_failed_events(connection=connection, actor=request.user)
    messages.success(request, f"Retrying {count} failed event(s).")
    return redirect("integrations:health")


@member_required
@require_GET
def sync_badge(request: HttpRequest, application_id: int) -> TemplateResponse:
    application = get_visible_or_404(Application.objects.visible_to(request.user), pk=application_id)
    status = selectors.sync_status_for_applications([application.pk]).get(application.pk)
    return TemplateResponse(
        request,
        "integrations/partials/sync_badge.html",
        {"application": application, "status": status, "sync_status": status},
    )


@public
@csrf_exempt
def webhook(request: HttpRequest, provider: str, token: str) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if int(request.headers.get("Content-Length") or 0) > webhooks.MAX_BODY_BYTES:
        return JsonResponse({"error": "Body too large."}, status=413)
    connection = AtsConnection.objects.unscoped().filter(provider=provider, webhook_token=token).first()
    if connection is None or connection.status != AtsConnection.Status.ACTIVE:
        return JsonResponse({"error": "Unknown webhook endpoint."}, status=404)
    try:
        event = webhooks.parse(connection, request.body, request.headers)
    except webhooks.WebhookRejected as rejected:
        return JsonResponse({"error": rejected.message}, status=rejected.status)
    except DecryptionError:
        return JsonResponse({"error": "The webhook secret cannot be read; it must be entered again."}, status=403)
    _, created = services.receive_webhook(
        connection=connection, event_id=event.event_id, event_type=event.event_type, payload=event.payload
    )
    return JsonResponse({"received": True, "duplicate": not created}, status=200)
