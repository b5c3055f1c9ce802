from django.template.response import TemplateResponse
from django.views.decorators.csrf import requires_csrf_token

from dashboard.access import member_required, public
from dashboard.selectors import home_summary


@member_required
def home(request):
    return TemplateResponse(request, "dashboard/home.html", {"summary": home_summary(user=request.user)})


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
    from django.shortcuts import render

    # A plain render: the 500 page must not depend on anything that may be broken.
    return render(request, "errors/500.html", status=500)
