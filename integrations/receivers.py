"""Signal receivers: the core announces changes, the outbox records them (same transaction)."""

from __future__ import annotations

from . import services


def application_created(sender, *, application, **kwargs) -> None:
    services.on_application_created(application=application)


def application_moved(sender, *, application, stage_change, **kwargs) -> None:
    services.on_application_moved(application=application, stage_change=stage_change)


def note_added(sender, *, note, **kwargs) -> None:
    services.on_note_added(note=note)


def candidate_erased(sender, *, candidate, **kwargs) -> None:
    services.on_candidate_erased(candidate=candidate)
