from django.core.paginator import Paginator
from django.template.response import TemplateResponse

from dashboard.access import admin_required
from dashboard.audit.models import AuditEvent


@admin_required
def audit_log(request):
    events = AuditEvent.objects.visible_to(request.user).select_related("actor")
    action = request.GET.get("action", "")
    if action in AuditEvent.Action.values:
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    template = "audit/audit_log.html#events" if request.htmx else "audit/audit_log.html"
    return TemplateResponse(
        request, template, {"page": page, "actions": AuditEvent.Action.choices, "selected_action": action}
    )
