from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from dashboard import access
from dashboard.access import member_required, staff_roles_required
from screening import selectors, services
from screening.forms import InviteForm
from screening.personality import SELF_REPORT_NOTE


def _invite_form(job, data=None) -> InviteForm:
    return InviteForm(
        data,
        applications=selectors.invitable_applications(job=job),
        instruments=selectors.instruments_for(org=job.org),
    )


def _tab_context(request, job, form=None) -> dict:
    can_invite = access.can_invite_screening(request.user, job)
    return {
        "job": job,
        "screenings": selectors.screenings_for_job(job=job),
        "can_invite": can_invite,
        "form": form or (_invite_form(job) if can_invite else None),
        "note": SELF_REPORT_NOTE,
    }


@member_required
@require_GET
def job_screenings(request, job_id: int):
    job = selectors.visible_job(request.user, job_id)
    template = "screening/job_screenings.html" + ("#tab" if request.htmx else "")
    return TemplateResponse(request, template, _tab_context(request, job))


def _back_to_tab(request, job, form=None, status=200):
    if request.htmx:
        return TemplateResponse(
            request, "screening/job_screenings.html#tab", _tab_context(request, job, form), status=status
        )
    if status == 200:
        return redirect("screening:job_screenings", job_id=job.pk)
    return TemplateResponse(request, "screening/job_screenings.html", _tab_context(request, job, form), status=status)


@staff_roles_required
@require_POST
def screening_invite(request, job_id: int):
    job = selectors.visible_job(request.user, job_id)
    access.require(access.can_invite_screening(request.user, job), "You cannot invite candidates for this job.")
    form = _invite_form(job, request.POST)
    if not form.is_valid():
        return _back_to_tab(request, job, form, status=400)
    try:
        screening = services.invite_to_screening(
            job=job,
            application=form.cleaned_data["application"],
            instrument=form.cleaned_data["instrument"],
            actor=request.user,
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _back_to_tab(request, job, form, status=400)
    messages.success(request, f"Invitation sent to {screening.candidate.email}.")
    return _back_to_tab(request, job)


def _change(request, screening_id: int, action, success_message: str):
    screening = selectors.visible_screening(request.user, screening_id)
    access.require(
        access.can_invite_screening(request.user, screening.job), "You cannot manage screenings for this job."
    )
    try:
        action(screening=screening, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back_to_tab(request, screening.job, status=400)
    messages.success(request, success_message)
    return _back_to_tab(request, screening.job)


@staff_roles_required
@require_POST
def screening_resend(request, screening_id: int):
    return _change(
        request,
        screening_id,
        services.resend_screening_invite,
        "A new link was sent; the previous one no longer works.",
    )


@staff_roles_required
@require_POST
def screening_revoke(request, screening_id: int):
    return _change(request, screening_id, services.revoke_screening, "The invitation was revoked.")


@member_required
@require_GET
def screening_detail(request, screening_id: int):
    screening = selectors.visible_screening(request.user, screening_id)
    context = {"screening": screening, "job": screening.job, "report": selectors.screening_report(screening)}
    template = "screening/screening_detail.html" + ("#detail" if request.htmx else "")
    return TemplateResponse(request, template, context)
