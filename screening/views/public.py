"""Pages for candidates, who never log in: careers, apply, the questionnaire."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods

from dashboard.access import public
from dashboard.models import Organization
from jobs.models import Job
from screening import services
from screening.forms import ApplyForm
from screening.models import PersonalityScreening
from screening.parsing import UploadRejected
from screening.personality import scale_choices
from screening.views import bound_data

RATE_WINDOW_SECONDS = 3600


def _published_job(token: str) -> Job | None:
    job_id = Job.id_from_public_token(token)
    if job_id is None:
        return None
    # Public pages have no user to scope by; the signed token names the one job.
    return Job.objects.unscoped().published().select_related("org").filter(pk=job_id).first()


@public
@require_GET
def careers(request, org_slug: str):
    org = get_object_or_404(Organization, slug=org_slug)
    jobs = Job.objects.unscoped().published().filter(org=org).order_by("title")
    return TemplateResponse(request, "screening/public/careers.html", {"org": org, "jobs": jobs})


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def _rate_limited(request) -> bool:
    """Count application attempts per IP in a fixed window (the cache is shared by workers
    when CACHE_URL points at Redis)."""
    limit = int(getattr(settings, "APPLY_RATE_LIMIT_PER_HOUR", 10))
    key = f"screening:apply-rate:{_client_ip(request)}"
    if cache.add(key, 1, RATE_WINDOW_SECONDS):
        return False
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, RATE_WINDOW_SECONDS)
        return False
    return count > limit


@public
@require_http_methods(["GET", "POST"])
def apply(request, token: str):
    job = _published_job(token)
    if job is None:
        return TemplateResponse(request, "screening/public/job_closed.html", {}, status=404)
    form = ApplyForm(*bound_data(request))
    status = 200
    if request.method == "POST":
        if _rate_limited(request):
            return TemplateResponse(request, "screening/public/rate_limited.html", {"job": job}, status=429)
        if form.is_valid():
            if form.cleaned_data["website"]:
                # A bot filled the honeypot: look successful, store nothing.
                return redirect("screening:apply_done", token=token)
            data = form.cleaned_data
            try:
                services.submit_application(
                    job=job,
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    uploaded=data["resume"],
                    cover_letter=data["cover_letter"],
                    linkedin_url=data["linkedin_url"],
                    portfolio_url=data["portfolio_url"],
                )
            except UploadRejected as rejected:
                form.add_error("resume", rejected.message)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("screening:apply_done", token=token)
        status = 400
    return TemplateResponse(request, "screening/public/apply.html", {"job": job, "form": form}, status=status)


@public
@require_GET
def apply_done(request, token: str):
    job = _published_job(token)
    if job is None:
        return TemplateResponse(request, "screening/public/job_closed.html", {}, status=404)
    return TemplateResponse(request, "screening/public/apply_done.html", {"job": job})


UNAVAILABLE_STATUS = {"invalid": 404, "replaced": 410, "completed": 410, "revoked": 410, "expired": 410}


@public
@require_http_methods(["GET", "POST"])
def questionnaire(request, signed: str):
    try:
        screening = services.screening_from_link(signed)
    except services.QuestionnaireUnavailable as unavailable:
        return TemplateResponse(
            request,
            "screening/public/questionnaire_unavailable.html",
            {"reason": unavailable.reason},
            status=UNAVAILABLE_STATUS[unavailable.reason],
        )
    items = list(screening.instrument.items.all())
    per_page = screening.instrument.items_per_page or 10
    pages = max(1, -(-len(items) // per_page))
    try:
        page = min(max(int(request.POST.get("page") or request.GET.get("page") or 1), 1), pages)
    except ValueError:
        page = 1
    page_items = items[(page - 1) * per_page : page * per_page]
    errors: list[str] = []
    if request.method == "POST":
        answers: dict[str, int] = {}
        for item in page_items:
            raw = request.POST.get(f"item-{item.pk}")
            if raw is None or not raw.isdigit():
                errors.append(f"Please answer statement {item.order}.")
                continue
            answers[str(item.pk)] = int(raw)
        if not errors:
            finish = page == pages
            try:
                screening = services.save_screening_answers(screening=screening, answers=answers, finish=finish)
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                if screening.status == PersonalityScreening.Status.COMPLETED:
                    return TemplateResponse(
                        request, "screening/public/questionnaire_done.html", {"screening": screening}
                    )
                if not finish:
                    return redirect(f"{request.path}?page={page + 1}")
                first_open = screening.unanswered[0]
                first_open_page = next(
                    (index // per_page + 1 for index, item in enumerate(items) if item.order == first_open), 1
                )
                errors.append(
                    f"{len(screening.unanswered)} statement(s) on earlier pages are still unanswered, "
                    f"starting with number {first_open} on page {first_open_page}."
                )
    context = {
        "screening": screening,
        "items": page_items,
        "page": page,
        "pages": pages,
        "answers": {
            **screening.answers,
            **{k[5:]: int(v) for k, v in request.POST.items() if k.startswith("item-") and v.isdigit()},
        },
        "scale": scale_choices(page_items[0].scale_points if page_items else 5),
        "errors": errors,
    }
    return TemplateResponse(request, "screening/public/questionnaire.html", context, status=400 if errors else 200)
