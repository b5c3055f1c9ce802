"""Read queries of the integrations app (scoped; admin-only except the sync badge)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet

from dashboard.models import User

from .models import AtsConnection, JobLink, StageMapping, SyncEvent

SYNCING, SYNCED, FAILED = "syncing", "synced", "failed"


def sync_status_for_applications(application_ids: list[int]) -> dict[int, str]:
    """ "syncing" / "synced" / "failed" per application that has outbox events, in one query.
    Callers pass ids they already scoped; nothing here reveals another org's data."""
    if not application_ids:
        return {}
    rows = (
        SyncEvent.objects.unscoped()
        .filter(application_id__in=application_ids)
        .values("application_id")
        .annotate(
            undelivered=Count("pk", filter=Q(status__in=SyncEvent.UNDELIVERED)),
            last_delivered=Max("sequence", filter=Q(status=SyncEvent.Status.DELIVERED)),
            last_failed=Max("sequence", filter=Q(status=SyncEvent.Status.FAILED)),
        )
    )
    statuses = {}
    for row in rows:
        if row["undelivered"]:
            status = SYNCING
        elif row["last_failed"] is not None and (row["last_delivered"] or 0) < row["last_failed"]:
            status = FAILED
        else:
            status = SYNCED
        statuses[row["application_id"]] = status
    return statuses


def connections_for(user: User) -> QuerySet[AtsConnection]:
    return AtsConnection.objects.visible_to(user).order_by("provider")


def job_links_for(connection: AtsConnection) -> QuerySet[JobLink]:
    return JobLink.objects.unscoped().filter(connection=connection).select_related("job").order_by("job__title")


def stage_mappings_for(job_link: JobLink) -> QuerySet[StageMapping]:
    return StageMapping.objects.unscoped().filter(job_link=job_link).select_related("stage").order_by("stage__order")


@dataclass
class ConnectionHealth:
    connection: AtsConnection
    counts: dict[str, int] = field(default_factory=dict)
    failed_events: list[SyncEvent] = field(default_factory=list)
    # erasures the ATS has no API for: an admin must do them in the ATS itself
    manual_erasures: list[SyncEvent] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return self.counts.get(SyncEvent.Status.PENDING, 0) + self.counts.get(SyncEvent.Status.DELIVERING, 0)


def health_for(user: User, *, failed_limit: int = 50) -> list[ConnectionHealth]:
    connections = list(connections_for(user))
    counts: dict[int, dict[str, int]] = {}
    for row in (
        SyncEvent.objects.visible_to(user)
        .filter(connection__in=connections)
        .values("connection_id", "status")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(row["connection_id"], {})[row["status"]] = row["n"]
    failed = (
        SyncEvent.objects.visible_to(user)
        .filter(connection__in=connections, status=SyncEvent.Status.FAILED)
        .select_related("application__candidate", "application__job")
        .order_by("-created_at")[: failed_limit * max(1, len(connections))]
    )
    failed_by_connection: dict[int, list[SyncEvent]] = {}
    for event in failed:
        failed_by_connection.setdefault(event.connection_id, []).append(event)
    manual = (
        SyncEvent.objects.visible_to(user)
        .filter(connection__in=connections, kind=SyncEvent.Kind.CANDIDATE_ERASED, status=SyncEvent.Status.SKIPPED)
        .order_by("-created_at")[: failed_limit * max(1, len(connections))]
    )
    manual_by_connection: dict[int, list[SyncEvent]] = {}
    for event in manual:
        manual_by_connection.setdefault(event.connection_id, []).append(event)
    return [
        ConnectionHealth(
            connection,
            counts.get(connection.pk, {}),
            failed_by_connection.get(connection.pk, [])[:failed_limit],
            manual_by_connection.get(connection.pk, [])[:failed_limit],
        )
        for connection in connections
    ]
