from django.contrib import admin
from django.urls import include, path

from config import health

urlpatterns = [
    path("healthz", health.liveness, name="liveness"),
    path("readyz", health.readiness, name="readiness"),
    path("admin/", admin.site.urls),
    path("", include("dashboard.urls")),
    path("jobs/", include("jobs.urls")),
    path("candidates/", include("candidates.urls")),
    path("privacy/", include("candidates.privacy_urls")),
    path("audit/", include("dashboard.audit.urls")),
    path("screening/", include("screening.urls")),
    path("integrations/", include("integrations.urls")),
    path("settings/", include("dashboard.urls_settings")),
    path("api/v1/", include("config.api")),
]

handler403 = "dashboard.views.permission_denied"
handler404 = "dashboard.views.page_not_found"
handler500 = "dashboard.views.server_error"
