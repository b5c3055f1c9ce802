from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "ATS integrations"

    def ready(self) -> None:
        from candidates.signals import application_created, application_moved, candidate_erased, note_added

        from . import receivers

        application_created.connect(receivers.application_created, dispatch_uid="integrations.application_created")
        application_moved.connect(receivers.application_moved, dispatch_uid="integrations.application_moved")
        note_added.connect(receivers.note_added, dispatch_uid="integrations.note_added")
        candidate_erased.connect(receivers.candidate_erased, dispatch_uid="integrations.candidate_erased")
