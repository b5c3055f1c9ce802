from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig
from django_tables2.export import TableExport
from tablib import Dataset

from candidates import selectors as candidate_selectors
from candidates.filters import ApplicationFilter
from candidates.tables import ApplicationTable, HistoryTable
from dashboard import access
from dashboard.access import get_visible_or_404, member_required, staff_roles_required
from dashboard.audit import services as audit
from dashboard.models import User
from dashboard.views import add_service_errors, render_page
from jobs import selectors, services
from jobs.filters import JobFilter
from jobs.forms import JobForm, ShareForm, skill_vocabulary
from jobs.tables import JobTable
from screening.services import request_rescore

PER_PAGE = 25
EXPORT_FORMATS = ("csv", "xlsx")

# The job's tabs: (slug, label, URL name of the screening engineer's partial or None).
TABS = (
    ("board", "Pipeline", None),
    ("candidates", "Candidates", None),
    ("resumes", "Resumes", "screening:job_resumes"),
    ("tests", "Test logs", "screening:job_test_logs"),
    ("screenings", "Personality screenings", "screening:job_screenings"),
    ("history", "History", None),
)
TAB_REMOTE = {slug: url_name for slug, _, url_name in TABS}


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _neutralise(value):
    # A cell starting like a formula would run in the spreadsheet of whoever opens the export.
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeTableExport(TableExport):
    def __init__(self, export_format, table, **kwargs):
        super().__init__(export_format, table, **kwargs)
        rows = [[_neutralise(value) for value in row] for row in self.dataset]
        self.dataset = Dataset(*rows, headers=self.dataset.headers)


def export_response(request, table, filename: str):
    """CSV/XLSX of every filtered row (not just the page) when `_export` asks for it."""
    export_format = request.GET.get("_export")
    if export_format not in EXPORT_FORMATS:
        return None
    RequestConfig(request, paginate=False).configure(table)  # the sort the user chose
    audit.record(
        action=audit.Action.EXPORT,
        actor=request.user,
        request=request,
        details={"what": filename, "format": export_format, "filters": request.GET.urlencode()[:500]},
    )
    return SafeTableExport(export_format, table).response(f"{filename}.{export_format}")


@member_required
def job_list(request):
    job_filter = JobFilter(request.GET or None, queryset=selectors.jobs_for_list(user=request.user), request=request)
    table = JobTable(job_filter.qs)
    if exported := export_response(request, table, "jobs"):
        return exported
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    context = {"filter": job_filter, "table": table, "can_create": access.can_create_job(request.user)}
    return render_page(request, "jobs/list.html", context, partials={"results": "results"})


def _form_context(form, **extra):
    return {"form": form, "skill_vocabulary": skill_vocabulary(), **extra}


@staff_roles_required
def job_create(request):
    form = JobForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.create_job(actor=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Job “{job.title}” created.")
            return redirect("jobs:board", job_id=job.pk)
    status = 400 if request.method == "POST" else 200
    return render_page(request, "jobs/form.html", _form_context(form, job=None), status=status)


@staff_roles_required
def job_edit(request, job_id: int):
    job = get_visible_or_404(selectors.job_for_detail(user=request.user), pk=job_id)
    access.require(access.can_edit_job(request.user, job), "You cannot edit this job.")
    form = JobForm(request.POST or None, user=request.user, initial=JobForm.initial_for(job))
    if request.method == "POST" and form.is_valid():
        try:
            job, criteria_changed = services.update_job(job=job, actor=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if criteria_changed:
                request_rescore(job=job, actor=request.user, reason="Scoring criteria changed")
                messages.info(request, "The scoring criteria changed: resumes are being rescored.")
            messages.success(request, f"Job “{job.title}” saved.")
            return redirect("jobs:board", job_id=job.pk)
    status = 400 if request.method == "POST" else 200
    return render_page(request, "jobs/form.html", _form_context(form, job=job), status=status)


def _application_filter(request, job) -> ApplicationFilter:
    applications = candidate_selectors.applications_table(user=request.user, job=job)
    return ApplicationFilter(request.GET or None, queryset=applications, job=job)


def _tab_context(request, job, tab: str) -> dict:
    user = request.user
    if tab == "board":
        return {
            **candidate_selectors.board_context(user=user, job=job),
            "can_move": access.can_move_stage(user, job),
        }
    if tab == "candidates":
        application_filter = _application_filter(request, job)
        table = ApplicationTable(application_filter.qs)
        RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
        return {"filter": application_filter, "table": table}
    if tab == "history":
        table = HistoryTable(candidate_selectors.job_history(user=user, job=job))
        RequestConfig(request, paginate={"per_page": 50}).configure(table)
        return {"table": table}
    return {"remote_url": reverse(TAB_REMOTE[tab], args=[job.pk])}


TAB_PARTIALS = {
    "candidates": "candidates/partials/applications_tab.html#results",
    "history": "candidates/partials/history_tab.html#results",
}


@member_required
def job_detail(request, job_id: int, tab: str = "board"):
    if tab not in TAB_REMOTE:
        raise Http404("No such tab.")
    job = get_visible_or_404(selectors.job_for_detail(user=request.user), pk=job_id)
    if tab == "candidates" and request.GET.get("_export") in EXPORT_FORMATS:
        table = ApplicationTable(_application_filter(request, job).qs)
        return export_response(request, table, f"job-{job.pk}-candidates")
    context = {
        "job": job,
        "tab": tab,
        "tabs": [(slug, label) for slug, label, _ in TABS],
        "can_edit": access.can_edit_job(request.user, job),
        "can_share": access.can_share_job(request.user, job),
        "can_upload": access.can_upload_resume(request.user, job),
        **_tab_context(request, job, tab),
    }
    partials = {"tab-panel": "tab_panel"}
    if tab in TAB_PARTIALS:
        partials["results"] = TAB_PARTIALS[tab]
    return render_page(request, "jobs/detail.html", context, partials=partials)


def _shareable_job(request, job_id: int):
    job = get_visible_or_404(selectors.job_for_detail(user=request.user), pk=job_id)
    if not access.can_share_job(request.user, job):
        raise PermissionDenied("Only admins and the job's owner can share it.")
    return job


def _share_response(request, job, form, status=200):
    context = {
        "job": job,
        "form": form,
        "shares": selectors.shares_of_job(user=request.user, job=job),
    }
    return render_page(request, "jobs/share.html", context, partials={"share-dialog": "dialog_body"}, status=status)


@staff_roles_required
def job_share(request, job_id: int):
    job = _shareable_job(request, job_id)
    colleagues = selectors.share_candidates(user=request.user, job=job)
    form = ShareForm(request.POST or None, colleagues=colleagues)
    if request.method == "POST":
        if form.is_valid():
            try:
                share = services.share_job(job=job, user=form.cleaned_data["user"], actor=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Shared with {share.user}.")
                if not request.htmx:
                    return redirect("jobs:share", job_id=job.pk)
                form = ShareForm(colleagues=selectors.share_candidates(user=request.user, job=job))
                return _share_response(request, job, form)
        return _share_response(request, job, form, status=200 if request.htmx else 400)
    return _share_response(request, job, form)


@staff_roles_required
@require_POST
def job_unshare(request, job_id: int, user_id: int):
    job = _shareable_job(request, job_id)
    colleague = get_visible_or_404(User.objects.visible_to(request.user), pk=user_id)
    services.unshare_job(job=job, user=colleague, actor=request.user)
    messages.success(request, f"{colleague} no longer has access through sharing.")
    if request.htmx:
        form = ShareForm(colleagues=selectors.share_candidates(user=request.user, job=job))
        return _share_response(request, job, form)
    return redirect("jobs:share", job_id=job.pk)
