from csp.decorators import csp_replace
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dashboard import access
from dashboard.access import member_required, staff_roles_required
from dashboard.pagination import RankThenLoad
from screening import selectors, services
from screening.forms import ResumeReviewForm, ResumeUploadForm
from screening.views import bound_data

PAGE_SIZE = 50


def _htmx_partial(request, template: str, partial: str) -> str:
    return f"{template}#{partial}" if request.htmx else template


@member_required
@require_GET
def job_resumes(request, job_id: int):
    job = selectors.visible_job(request.user, job_id)
    order = request.GET.get("order") if request.GET.get("order") in selectors.RESUME_ORDERINGS else "score"
    ranked = RankThenLoad(selectors.ranked_resumes(job=job, order=order))
    page = Paginator(ranked, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "job": job,
        "page": page,
        "resumes": page.object_list,
        "order": order,
        "rescore": selectors.latest_rescore_run(job=job),
        "can_upload": access.can_upload_resume(request.user, job),
    }
    return TemplateResponse(request, _htmx_partial(request, "screening/job_resumes.html", "tab"), context)


@staff_roles_required
@require_http_methods(["GET", "POST"])
def job_upload(request, job_id: int):
    job = selectors.visible_job(request.user, job_id)
    access.require(access.can_upload_resume(request.user, job), "You cannot upload resumes to this job.")
    results = None
    form = ResumeUploadForm(*bound_data(request))
    if request.method == "POST" and form.is_valid():
        results = services.ingest_resume_batch(job=job, files=form.cleaned_data["files"], actor=request.user)
    context = {"job": job, "form": form, "results": results, **_progress_context(results or [])}
    template = "screening/job_upload.html"
    if request.htmx and request.method == "POST":
        template += "#results"
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return TemplateResponse(request, template, context, status=status)


MAX_POLLED_IDS = 200


def _progress_context(results) -> dict:
    accepted = [result for result in results if result.resume is not None]
    return {
        "accepted": accepted,
        "refused": [result for result in results if result.resume is None],
        "all_done": all(result.resume.completed for result in accepted),
        "resume_ids": ",".join(str(result.resume.pk) for result in accepted),
    }


@member_required
@require_GET
def upload_status(request, job_id: int):
    """The progress rows of one upload batch (polled by the upload page)."""
    job = selectors.visible_job(request.user, job_id)
    raw_ids = [part for part in request.GET.get("ids", "").split(",") if part.isdigit() and len(part) < 19]
    resumes = selectors.upload_statuses(job=job, resume_ids=[int(part) for part in raw_ids[:MAX_POLLED_IDS]])
    results = [
        services.UploadResult(file_name=resume.original_name, resume=resume) for resume in resumes.order_by("pk")
    ]
    return TemplateResponse(
        request, "screening/partials/upload_progress.html", {"job": job, **_progress_context(results)}
    )


@member_required
@require_GET
def resume_status(request, resume_id: int):
    resume = selectors.visible_resume(request.user, resume_id)
    return TemplateResponse(
        request, "screening/partials/upload_row.html", {"result": {"resume": resume, "file_name": resume.original_name}}
    )


@member_required
@require_GET
def rescore_status(request, job_id: int):
    job = selectors.visible_job(request.user, job_id)
    return TemplateResponse(
        request,
        "screening/partials/rescore_status.html",
        {"job": job, "rescore": selectors.latest_rescore_run(job=job)},
    )


@staff_roles_required
@require_POST
def job_rescore(request, job_id: int):
    job = selectors.visible_job(request.user, job_id)
    access.require(access.can_edit_job(request.user, job), "You cannot rescore this job.")
    run = services.request_rescore(job=job, actor=request.user, reason="Requested from the dashboard")
    if request.htmx:
        return TemplateResponse(request, "screening/partials/rescore_status.html", {"job": job, "rescore": run})
    messages.success(request, "Rescoring started.")
    return redirect("screening:job_resumes", job_id=job.pk)


def _detail_context(request, resume) -> dict:
    return {
        "resume": resume,
        "job": resume.job,
        "breakdown": selectors.score_breakdown(resume),
        "history": selectors.resume_history(resume=resume),
        "review_form": ResumeReviewForm(),
        "can_review": access.can_review_resume(request.user, resume.job),
        "is_pdf": resume.content_type == "application/pdf",
    }


@member_required
@require_GET
def resume_detail(request, resume_id: int):
    resume = selectors.visible_resume(request.user, resume_id)
    context = _detail_context(request, resume)
    return TemplateResponse(request, _htmx_partial(request, "screening/resume_detail.html", "detail"), context)


@member_required
@require_POST
def resume_review(request, resume_id: int):
    resume = selectors.visible_resume(request.user, resume_id)
    access.require(access.can_review_resume(request.user, resume.job))
    form = ResumeReviewForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            services.review_resume(
                resume=resume,
                reviewer=request.user,
                approved=form.cleaned_data["decision"] == "approve",
                feedback=form.cleaned_data["feedback"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            status = 400
    else:
        status = 400
    if not request.htmx and status == 200:
        messages.success(request, "Review saved.")
        return redirect("screening:resume_detail", resume_id=resume.pk)
    if not request.htmx:
        context = {**_detail_context(request, resume), "review_form": form}
        return TemplateResponse(request, "screening/resume_detail.html", context, status=status)
    context = {"resume": resume, "review_form": form if status != 200 else ResumeReviewForm(), "can_review": True}
    return TemplateResponse(request, "screening/resume_detail.html#review", context, status=status)


@member_required
@require_GET
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"]})
def resume_file(request, resume_id: int):
    """The stored file, only through this access check; inline for the PDF preview."""
    resume = selectors.visible_resume(request.user, resume_id)
    if not resume.file:
        raise Http404("This resume has no stored file.")
    try:
        handle = resume.file.open("rb")
    except OSError:
        raise Http404("The stored file is missing.")
    inline = request.GET.get("inline") == "1" and resume.content_type == "application/pdf"
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=resume.original_name or f"resume-{resume.pk}",
        content_type=resume.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response
