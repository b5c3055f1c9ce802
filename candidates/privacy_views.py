from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from candidates.models import Candidate
from candidates.privacy import candidate_export_bytes, erase_candidate
from dashboard.access import admin_required, get_visible_or_404
from dashboard.audit import services as audit


@admin_required
def export_candidate(request, candidate_id: int):
    candidate = get_visible_or_404(Candidate.objects.visible_to(request.user), pk=candidate_id)
    response = HttpResponse(candidate_export_bytes(candidate=candidate), content_type="application/zip")
    audit.record(action=audit.Action.CANDIDATE_EXPORTED, actor=request.user, target=candidate, request=request)
    filename = f"candidate-{candidate.pk}-{slugify(candidate.name)[:40] or 'export'}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin_required
@require_http_methods(["GET", "POST"])
def erase_candidate_view(request, candidate_id: int):
    candidate = get_visible_or_404(Candidate.objects.visible_to(request.user), pk=candidate_id)
    if request.method == "POST":
        if request.POST.get("confirm_email", "").strip().lower() != candidate.email:
            messages.error(request, "Type the candidate's email address to confirm the erasure.")
            return TemplateResponse(request, "candidates/privacy/erase.html", {"candidate": candidate}, status=400)
        erase_candidate(candidate=candidate, actor=request.user)
        messages.success(request, "The candidate's personal data was erased.")
        return redirect("home")
    return TemplateResponse(request, "candidates/privacy/erase.html", {"candidate": candidate})
