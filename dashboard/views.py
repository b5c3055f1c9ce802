from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_POST

from dashboard import services
from dashboard.access import admin_required, get_visible_or_404, member_required, public
from dashboard.forms import AcceptInviteForm, InviteForm, RoleForm
from dashboard.models import User
from dashboard.selectors import home_summary, members_for_list, recent_activity, stage_funnel


def render_page(
    request: HttpRequest, template_name: str, context: dict, *, partials: dict[str, str] | None = None, status=200
) -> TemplateResponse:
    """The full page, or for an HTMX request the partial its target asks for.

    `partials` maps an hx-target id to a partial of the template; the first entry is the
    default. History-restore requests get the full page so Back/reload always work.
    """
    if partials and request.htmx and not request.htmx.history_restore_request:
        partial = partials.get(request.htmx.target or "", next(iter(partials.values())))
        template_name = partial if partial.endswith(".html") or ".html#" in partial else f"{template_name}#{partial}"
    response = TemplateResponse(request, template_name, context, status=status)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def error_messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def form_errors_text(form) -> str:
    """A form's errors as one sentence, for the messages area of a page without the form."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@member_required
def home(request):
    context = {
        "summary": home_summary(user=request.user),
        "funnel": stage_funnel(user=request.user),
        "activity": recent_activity(user=request.user),
    }
    return TemplateResponse(request, "dashboard/home.html", context)


@admin_required
def members(request):
    context = {
        "members": members_for_list(user=request.user),
        "invite_form": InviteForm(),
        "roles": User.Role.choices,
    }
    return render_page(request, "dashboard/members.html", context, partials={"members-panel": "members_panel"})


@admin_required
def invite_member(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invited = services.invite_member(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {invited.email}.")
            return redirect("members")
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "dashboard/invite.html", {"form": form}, status=status)


def _member_or_404(request, user_id: int) -> User:
    return get_visible_or_404(User.objects.visible_to(request.user), pk=user_id)


def _members_response(request):
    if request.htmx:
        return members(request)
    return redirect("members")


@admin_required
@require_POST
def change_role(request, user_id: int):
    member = _member_or_404(request, user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a valid role.")
        return _members_response(request)
    try:
        services.change_member_role(actor=request.user, member=member, role=form.cleaned_data["role"])
    except ValidationError as error:
        messages.error(request, " ".join(error_messages(error)))
    else:
        messages.success(request, f"{member} is now {member.get_role_display().lower()}.")
    return _members_response(request)


@admin_required
@require_POST
def set_active(request, user_id: int):
    member = _member_or_404(request, user_id)
    if request.POST.get("active") not in ("0", "1"):
        messages.error(request, "Say whether to activate or deactivate.")
        return _members_response(request)
    active = request.POST["active"] == "1"
    try:
        services.set_member_active(actor=request.user, member=member, active=active)
    except ValidationError as error:
        messages.error(request, " ".join(error_messages(error)))
    else:
        messages.success(request, f"{member} {'reactivated' if active else 'deactivated'}.")
    return _members_response(request)


def _invited_user(uidb64: str, token: str) -> User | None:
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    if not services.is_pending_invitation(user) or not services.invitation_tokens.check_token(user, token):
        return None
    return user


@public
def accept_invite(request, uidb64: str, token: str):
    invited = _invited_user(uidb64, token)
    if invited is None:
        return TemplateResponse(request, "dashboard/invite_invalid.html", status=404)
    form = AcceptInviteForm(request.POST or None, initial={"name": invited.name})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation(
                user=invited, name=form.cleaned_data["name"], password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            form.add_error("password1", error_messages(error))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {user.org.name}, {user.get_short_name()}.")
            return HttpResponseRedirect("/")
    return TemplateResponse(request, "dashboard/accept_invite.html", {"form": form, "invited": invited})


@public
@requires_csrf_token
def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else "You don't have access to this page."
    return TemplateResponse(request, "errors/403.html", {"message": message}, status=403)


@public
@requires_csrf_token
def page_not_found(request, exception=None):
    return TemplateResponse(request, "errors/404.html", status=404)


@public
@requires_csrf_token
def server_error(request):
    # A plain render: the 500 page must not depend on anything that may be broken.
    return render(request, "errors/500.html", status=500)
