from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "dashboard.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self):
        from dashboard.audit import receivers  # noqa: F401
