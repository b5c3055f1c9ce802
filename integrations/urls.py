from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("", views.index, name="index"),
    path("connect/<slug:provider>/", views.connect, name="connect"),
    path("connections/<int:pk>/", views.detail, name="detail"),
    path("connections/<int:pk>/test/", views.test, name="test"),
    path("connections/<int:pk>/toggle/", views.toggle, name="toggle"),
    path("connections/<int:pk>/import/", views.import_jobs, name="import_jobs"),
    path("connections/<int:pk>/zoho/authorize/", views.zoho_start, name="zoho_start"),
    path("connections/<int:pk>/retry-failed/", views.retry_all, name="retry_all"),
    path("zoho/callback/", views.zoho_callback, name="zoho_callback"),
    path("job-links/<int:pk>/stages/", views.stage_mapping, name="stage_mapping"),
    path("health/", views.health, name="health"),
    path("events/<int:pk>/retry/", views.retry_event, name="retry_event"),
    path("sync-badge/<int:application_id>/", views.sync_badge, name="sync_badge"),
    path("webhooks/<slug:provider>/<str:token>/", views.webhook, name="webhook"),
]
