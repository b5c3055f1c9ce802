from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates.models import Candidate
from dashboard import access
from dashboard.access import admin_required, get_visible_or_404, member_required, public, staff_roles_required
from screening import selectors, services, webhooks
from screening.forms import AssessmentWebhookForm, TestLogCsvForm
from screening.models import AssessmentWebhook
from screening.testlogs import read_test_log_csv
from screening.views import bound_data

PAGE_SIZE = 50


@member_required
@require_GET
def job_test_logs(request, job_id: int):
    job = selectors.visible_job(request.user, job_id)
    page = Paginator(selectors.test_logs_for_job(job=job), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "job": job,
        "page": page,
        "test_logs": page.object_list,
        "can_import": access.can_move_stage(request.user, job),
    }
    template = "screening/job_test_logs.html" + ("#tab" if request.htmx else "")
    return TemplateResponse(request, template, context)


@staff_roles_required
@require_http_methods(["GET", "POST"])
def test_log_import(request, job_id: int):
    """Upload → preview with per-row errors → confirm. The confirmed CSV travels back in
    the form, so nothing is stored until the import itself."""
    job = selectors.visible_job(request.user, job_id)
    access.require(access.can_move_stage(request.user, job), "You cannot add test results to this job.")
    form = TestLogCsvForm(*bound_data(request))
    preview = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            preview = read_test_log_csv(job=job, text=form.cleaned_data["csv_text"])
            if request.POST.get("confirm") == "1" and preview.can_import:
                try:
                    created, updated = services.import_test_logs(job=job, rows=preview.rows, actor=request.user)
                except ValidationError as error:
                    form.add_error(None, error)
                    status = 400
                else:
                    messages.success(request, f"Imported {created} new and updated {updated} test results.")
                    return redirect("screening:job_test_logs", job_id=job.pk)
            elif not preview.can_import:
                status = 400
        else:
            status = 400
    context = {"job": job, "form": form, "preview": preview}
    return TemplateResponse(request, "screening/test_log_import.html", context, status=status)


@admin_required
@require_http_methods(["GET", "POST"])
def assessment_webhooks(request):
    form = AssessmentWebhookForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.ensure_assessment_webhook(
                    org=request.user.org,
                    provider=form.cleaned_data["provider"],
                    actor=request.user,
                    rotate=request.POST.get("rotate") == "1",
                )
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            else:
                messages.success(request, "Webhook saved. Give the provider its URL and secret.")
                return redirect("screening:assessment_webhooks")
        else:
            status = 400
    hooks = [
        {
            "webhook": hook,
            "secret": webhooks.webhook_secret(hook),
            "url": request.build_absolute_uri(f"/screening/webhooks/assessments/{hook.key}/"),
        }
        for hook in AssessmentWebhook.objects.visible_to(request.user)
    ]
    return TemplateResponse(
        request, "screening/assessment_webhooks.html", {"form": form, "hooks": hooks}, status=status
    )


@public
@csrf_exempt
@require_POST
def assessment_webhook(request, key):
    """Provider → Hireboard. Signed (HMAC), replays refused, idempotent by result id."""
    try:
        result = webhooks.receive(
            key=str(key),
            body=request.body,
            timestamp=request.META.get(webhooks.TIMESTAMP_HEADER, ""),
            signature=request.META.get(webhooks.SIGNATURE_HEADER, ""),
        )
    except webhooks.WebhookRefused as refused:
        return JsonResponse(
            {"success": False, "error": refused.code, "message": refused.message}, status=refused.status
        )
    return JsonResponse(
        {"success": True, "data": {"test_log_id": result.test_log.pk, "created": result.created}},
        status=201 if result.created else 200,
    )


@member_required
@require_GET
def candidate_test_logs(request, candidate_id: int):
    """A candidate's results across the jobs the user can see (for the candidate page)."""
    candidate = get_visible_or_404(Candidate.objects.visible_to(request.user), pk=candidate_id)
    context = {
        "candidate": candidate,
        "test_logs": selectors.test_logs_for_candidate(user=request.user, candidate_id=candidate.pk),
    }
    template = "screening/candidate_test_logs.html" + ("#tab" if request.htmx else "")
    return TemplateResponse(request, template, context)
