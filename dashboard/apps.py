from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"

    def ready(self):
        # Outbound webhooks listen to the core events (candidates.signals, dashboard.events).
        from dashboard import checks, webhooks_out  # noqa: F401
