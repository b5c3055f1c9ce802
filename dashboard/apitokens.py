"""Settings → API tokens: a member creates (shown once) and revokes their own tokens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from dashboard.access import get_visible_or_404, member_required
from dashboard.api_auth import create_api_token, revoke_api_token
from dashboard.models import ApiToken


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What will use it, e.g. “Careers site”.")


def _page(request, form, new_token: str = "", status: int = 200):
    context = {
        "form": form,
        "new_token": new_token,
        "tokens": ApiToken.objects.visible_to(request.user).order_by("revoked_at", "-created_at"),
    }
    return TemplateResponse(request, "dashboard/settings/api_tokens.html", context, status=status)


@member_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    if request.method != "POST":
        return _page(request, ApiTokenForm())
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            _, raw_token = create_api_token(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # Rendered, not redirected: the token exists only in this response.
            return _page(request, ApiTokenForm(), new_token=raw_token)
    return _page(request, form, status=400)


@member_required
@require_POST
def revoke_token(request, token_id: int):
    token = get_visible_or_404(ApiToken.objects.visible_to(request.user), pk=token_id)
    revoke_api_token(token=token)
    messages.success(request, f"The token “{token.name}” was revoked; requests using it now fail.")
    return redirect("settings:api_tokens")
