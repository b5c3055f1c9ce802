from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from candidates import selectors, services
from candidates.filters import CandidateFilter
from candidates.forms import BulkMoveForm, MoveForm, NoteForm
from candidates.models import Application, Candidate
from candidates.tables import CandidateTable
from dashboard import access
from dashboard.access import get_visible_or_404, member_required, staff_roles_required
from dashboard.models import User
from dashboard.views import error_messages, form_errors_text, render_page, safe_next
from jobs.models import Job, Stage

PER_PAGE = 25


@member_required
def candidate_list(request):
    candidate_filter = CandidateFilter(request.GET or None, queryset=selectors.candidates_for_list(user=request.user))
    table = CandidateTable(candidate_filter.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    context = {"filter": candidate_filter, "table": table}
    return render_page(request, "candidates/list.html", context, partials={"results": "results"})


@member_required
def candidate_detail(request, candidate_id: int):
    candidate = get_visible_or_404(Candidate.objects.visible_to(request.user), pk=candidate_id)
    context = {
        "candidate": candidate,
        "note_form": NoteForm(),
        # By the role table, admins and recruiters may move candidates in every job they can see.
        "can_move": request.user.role in (User.Role.ADMIN, User.Role.RECRUITER),
        **selectors.candidate_profile(user=request.user, candidate=candidate),
    }
    return render_page(request, "candidates/detail.html", context, partials={"notes": "notes"})


@member_required
@require_POST
def add_note(request, candidate_id: int):
    candidate = get_visible_or_404(Candidate.objects.visible_to(request.user), pk=candidate_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(candidate=candidate, author=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error("body", error_messages(error))
        else:
            form = NoteForm()
            messages.success(request, "Note added.")
    if not request.htmx:
        if form.errors:
            messages.error(request, form_errors_text(form))
        return redirect("candidates:detail", candidate_id=candidate.pk)
    context = {
        "candidate": candidate,
        "note_form": form,
        "notes": selectors.candidate_notes(user=request.user, candidate=candidate),
    }
    return TemplateResponse(request, "candidates/detail.html#notes", context)


def _board_url(job_id: int) -> str:
    return reverse("jobs:board", args=[job_id])


def _move_result(request, application: Application, job: Job):
    """The moved card inserted into its column, every column count, and the messages."""
    context = {
        "card": selectors.card(user=request.user, application_id=application.pk),
        "job": job,
        "stages": list(job.stages()),
        "counts": selectors.stage_counts(user=request.user, job=job),
        "can_move": True,
    }
    return TemplateResponse(request, "candidates/partials/move_result.html", context)


@staff_roles_required
@require_POST
def move_application(request, application_id: int):
    application = get_visible_or_404(
        Application.objects.visible_to(request.user).select_related("job", "candidate", "stage"), pk=application_id
    )
    job = application.job
    access.require(access.can_move_stage(request.user, job), "You cannot move candidates in this job.")
    form = MoveForm(request.POST, job=job)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
    else:
        stage = form.cleaned_data["stage"]
        try:
            change = services.move_application(
                application=application, to_stage=stage, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, f"{application.candidate.name} was not moved: {' '.join(error_messages(error))}")
        else:
            if change is not None:
                messages.success(request, f"{application.candidate.name} moved to {stage.name}.")
    if request.htmx:
        return _move_result(request, application, job)
    return redirect(safe_next(request, _board_url(job.pk)))


@staff_roles_required
@require_POST
def bulk_move(request, job_id: int):
    job = get_visible_or_404(Job.objects.visible_to(request.user).select_related("pipeline"), pk=job_id)
    access.require(access.can_move_stage(request.user, job), "You cannot move candidates in this job.")
    form = BulkMoveForm(request.POST, job=job, applications=selectors.job_applications(user=request.user, job=job))
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
    else:
        stage = form.cleaned_data["stage"]
        try:
            moved = services.bulk_move_applications(
                applications=list(form.cleaned_data["applications"]),
                to_stage=stage,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, f"Nobody was moved: {' '.join(error_messages(error))}")
        else:
            messages.success(request, f"Moved {moved} candidate{'s' if moved != 1 else ''} to {stage.name}.")
    if request.htmx:
        context = {
            "job": job,
            **selectors.board_context(user=request.user, job=job),
            "can_move": True,
            "oob_messages": True,
        }
        return TemplateResponse(request, "candidates/partials/board.html", context)
    return redirect(_board_url(job.pk))


@member_required
def stage_column(request, job_id: int, stage_id: int):
    """More cards of one column: the next page for HTMX, a page of its own without JS."""
    job = get_visible_or_404(Job.objects.visible_to(request.user).select_related("pipeline"), pk=job_id)
    stage = get_visible_or_404(Stage.objects.visible_to(request.user).filter(pipeline_id=job.pipeline_id), pk=stage_id)
    try:
        offset = max(int(request.GET.get("offset", 0)), 0)
    except ValueError:
        offset = 0
    count = selectors.stage_counts(user=request.user, job=job).get(stage.pk, 0)
    cards = selectors.stage_cards(user=request.user, job=job, stage=stage, offset=offset)
    next_offset = offset + len(cards)
    context = {
        "job": job,
        "stage": stage,
        "stages": list(job.stages()),
        "cards": cards,
        "count": count,
        "offset": offset,
        "next_offset": next_offset if next_offset < count else None,
        "shown_to": next_offset,
        "previous_offset": max(offset - selectors.BOARD_PAGE_SIZE, 0) if offset else None,
        "can_move": access.can_move_stage(request.user, job),
        # Without HTMX this is a page of its own: no board around the cards to drag or bulk-select in.
        "standalone_page": not request.htmx,
    }
    return render_page(request, "candidates/stage_column.html", context, partials={"more": "more"})
