"""Every write of the integrations app: connections, job import, stage mapping, the
outbox (record, deliver, retry, sweep) and applying remote changes locally."""

from __future__ import annotations

import contextlib
import logging
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from candidates import services as candidate_services
from candidates.models import Application, Candidate, Note, StageChange
from config.tasks import enqueue_now, enqueue_on_commit
from dashboard.audit import services as audit
from dashboard.models import Organization, User
from jobs import services as job_services
from jobs.models import Job, Stage

from . import webhooks
from .crypto import DecryptionError
from .models import (
    DEFAULT_RATE_LIMITS,
    ApplicationLink,
    AtsConnection,
    CandidateLink,
    JobLink,
    Provider,
    StageMapping,
    SyncEvent,
    WebhookEvent,
)
from .providers import CREDENTIAL_FIELDS, build_provider, supports_erasure
from .providers.base import (
    DEFAULT_TIMEOUT,
    ApplicationRef,
    ATSProvider,
    AuthenticationError,
    CandidateData,
    NotFoundError,
    PermanentError,
    ProviderError,
    RemoteApplicationState,
    RemoteCandidate,
    ResumeFile,
    RetryableError,
)
from .providers.zoho import ZohoTokens
from .ratelimit import throttle_for

logger = logging.getLogger(__name__)

# A claimed event whose worker has said nothing for this long is presumed dead.
DELIVERY_LEASE = timedelta(minutes=2)
# Pending events older than this were probably never enqueued (broker down at commit).
STALE_PENDING_AFTER = timedelta(seconds=60)
MAX_RESUME_BYTES = 20 * 1024 * 1024
SYSTEM_SOURCES = (StageChange.Source.ATS, StageChange.Source.WEBHOOK)


# --------------------------------------------------------------------------- adapters


@contextlib.contextmanager
def _connection_lock(connection_id: int) -> Iterator[None]:
    """Cross-process mutex for Zoho's token refresh: the connection row lock."""
    with transaction.atomic():
        AtsConnection.objects.unscoped().select_for_update().filter(pk=connection_id).values_list("pk").first()
        yield


def _zoho_options(connection: AtsConnection) -> dict[str, Any]:
    def reload_tokens() -> ZohoTokens | None:
        fresh = AtsConnection.objects.unscoped().get(pk=connection.pk).credentials
        if not fresh.get("refresh_token"):
            return None
        return ZohoTokens(
            access_token=fresh.get("access_token", ""),
            refresh_token=fresh["refresh_token"],
            expires_at=float(fresh.get("expires_at") or 0),
            api_domain=fresh.get("api_domain", ""),
        )

    def save_tokens(tokens: ZohoTokens) -> None:
        fresh = AtsConnection.objects.unscoped().get(pk=connection.pk)
        credentials = fresh.credentials
        credentials.update(access_token=tokens.access_token, expires_at=tokens.expires_at, api_domain=tokens.api_domain)
        fresh.credentials = credentials
        AtsConnection.objects.unscoped().filter(pk=connection.pk).update(
            credentials_encrypted=fresh.credentials_encrypted
        )

    return {
        "connection_key": f"connection-{connection.pk}",
        "lock": lambda: _connection_lock(connection.pk),
        "reload_tokens": reload_tokens,
        "on_tokens": save_tokens,
    }


_adapters = threading.local()


def provider_for(connection: AtsConnection, *, timeout: Any = DEFAULT_TIMEOUT, throttled: bool = True) -> ATSProvider:
    """An adapter for the connection. Reused per worker thread while the connection's
    credentials and limits are unchanged, so its HTTP keep-alive connections are too."""
    key = (connection.pk, connection.credentials_encrypted, connection.rate_limit_per_second, str(timeout), throttled)
    cache = getattr(_adapters, "by_connection", None)
    if cache is None:
        cache = _adapters.by_connection = {}
    cached = cache.get(connection.pk)
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        provider = _build_provider(connection, timeout=timeout, throttled=throttled)
    except DecryptionError as exc:
        raise AuthenticationError(
            "The stored credentials cannot be decrypted with the configured FIELD_ENCRYPTION_KEYS: enter them again.",
        ) from exc
    if cached is not None:
        cached[1].close()
    # Workable may have stored a member id just now: key on what is stored after that.
    cache[connection.pk] = ((connection.pk, connection.credentials_encrypted, *key[2:]), provider)
    return provider


def _build_provider(connection: AtsConnection, *, timeout: Any, throttled: bool) -> ATSProvider:
    options: dict[str, Any] = {"timeout": timeout}
    if throttled:
        options["throttle"] = throttle_for(connection.pk, connection.rate_limit_per_second)
    if connection.provider == Provider.ZOHO:
        options.update(_zoho_options(connection))
    credentials = connection.credentials
    provider = build_provider(connection.provider, credentials, **options)
    if connection.provider == Provider.WORKABLE and not credentials.get("member_id"):
        # Writes act as a member; look it up once and keep it, not once per delivery.
        credentials["member_id"] = provider.resolve_member_id()
        connection.credentials = credentials
        AtsConnection.objects.unscoped().filter(pk=connection.pk).update(
            credentials_encrypted=connection.credentials_encrypted
        )
    return provider


def _note_connection_error(connection: AtsConnection, message: str) -> None:
    AtsConnection.objects.unscoped().filter(pk=connection.pk).update(
        last_error=message[:2000], last_error_at=timezone.now()
    )


# with_retries: synchronous admin actions (test, import) ride out 429s and blips.
def _wait_for_retry(retry_state) -> float:
    exc = retry_state.outcome.exception()
    backoff = wait_exponential_jitter(initial=0.5, max=20)(retry_state)
    return max(getattr(exc, "retry_after", None) or 0, backoff)


with_retries = retry(
    retry=retry_if_exception_type(RetryableError),
    wait=_wait_for_retry,
    stop=stop_after_attempt(5),
    reraise=True,
)


# --------------------------------------------------------------------------- connections


def _require_admin(actor: User, org: Organization) -> None:
    if actor.org_id != org.pk or actor.role != User.Role.ADMIN:
        raise ValidationError("Only the organisation's admins manage ATS connections.")


@transaction.atomic
def save_connection(
    *, org: Organization, provider: str, credentials: dict[str, str], webhook_secret: str = "", actor: User
) -> AtsConnection:
    """Create or update the org's connection to ``provider``. Blank fields keep the stored
    value: secrets are never shown back, so an edit form submits only what changed."""
    _require_admin(actor, org)
    if provider not in Provider.values:
        raise ValidationError({"provider": "Unknown ATS provider."})
    connection = AtsConnection.objects.unscoped().select_for_update().filter(org=org, provider=provider).first()
    if connection is None:
        connection = AtsConnection(
            org=org, provider=provider, created_by=actor, rate_limit_per_second=DEFAULT_RATE_LIMITS[Provider(provider)]
        )
    try:
        merged = connection.credentials if connection.has_credentials else {}
    except DecryptionError:
        merged = {}  # unreadable after an encryption key change: everything must be entered again
    merged.update({key: value.strip() for key, value in credentials.items() if value and value.strip()})
    missing = [name for name in CREDENTIAL_FIELDS[provider] if not merged.get(name) and name != "member_id"]
    if missing:
        raise ValidationError(dict.fromkeys(missing, "This field is required."))
    connection.credentials = merged
    if webhook_secret.strip():
        connection.webhook_secret = webhook_secret.strip()
    if provider == Provider.ZOHO and not merged.get("refresh_token"):
        connection.status = AtsConnection.Status.AWAITING_CONSENT
    elif connection.status == AtsConnection.Status.AWAITING_CONSENT:
        connection.status = AtsConnection.Status.ACTIVE
    connection.save()
    audit.record(
        action=audit.Action.CONNECTION_CHANGED,
        actor=actor,
        org=org,
        target=connection,
        details={"provider": provider, "fields_set": sorted(key for key, value in credentials.items() if value)},
    )
    return connection


@transaction.atomic
def complete_zoho_consent(*, connection: AtsConnection, tokens: ZohoTokens, accounts_server: str = "") -> AtsConnection:
    connection = AtsConnection.objects.unscoped().select_for_update().get(pk=connection.pk)
    credentials = connection.credentials
    credentials.update(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_at=tokens.expires_at,
        api_domain=tokens.api_domain,
    )
    if accounts_server:
        credentials["accounts_url"] = accounts_server
    connection.credentials = credentials
    connection.status = AtsConnection.Status.ACTIVE
    connection.last_error = ""
    connection.save()
    return connection


def test_connection(*, connection: AtsConnection) -> tuple[bool, str]:
    try:
        provider = provider_for(connection)
        message = with_retries(provider.test_connection)()
    except ProviderError as exc:
        _note_connection_error(connection, exc.provider_message)
        return False, exc.provider_message
    AtsConnection.objects.unscoped().filter(pk=connection.pk).update(last_error="")
    return True, message


@transaction.atomic
def set_connection_status(*, connection: AtsConnection, active: bool, actor: User) -> AtsConnection:
    _require_admin(actor, connection.org)
    connection.status = AtsConnection.Status.ACTIVE if active else AtsConnection.Status.DISABLED
    connection.save(update_fields=["status", "updated_at"])
    audit.record(action=audit.Action.CONNECTION_CHANGED, actor=actor, target=connection, details={"active": active})
    return connection


# --------------------------------------------------------------------------- import


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    mapped_stages: int = 0


def _prefill_stage_mappings(job_link: JobLink, remote_stages: list[Any]) -> int:
    by_name = {stage.name.strip().casefold(): stage for stage in remote_stages}
    mapped = 0
    for stage in job_link.job.stages():
        mapping, _ = StageMapping.objects.unscoped().get_or_create(
            org_id=job_link.org_id, job_link=job_link, stage=stage
        )
        if mapping.remote_stage_id:
            continue  # an admin's choice (or an earlier match) wins over re-matching
        remote = by_name.get(stage.name.strip().casefold())
        if remote is not None and stage.kind != Stage.Kind.REJECTED:
            mapping.remote_stage_id, mapping.remote_stage_name = remote.id, remote.name
            mapping.save(update_fields=["remote_stage_id", "remote_stage_name"])
            mapped += 1
    return mapped


def import_jobs(*, connection: AtsConnection, actor: User, remote_ids: list[str] | None = None) -> ImportResult:
    """Remote jobs (and their stages) become local jobs linked to them; re-importing
    updates the linked jobs instead of adding new ones."""
    _require_admin(actor, connection.org)
    provider = provider_for(connection)
    remote_jobs = [
        job for job in with_retries(lambda: list(provider.iter_jobs()))() if not remote_ids or job.id in remote_ids
    ]
    result = ImportResult()
    for remote_job in remote_jobs:
        remote_stages = with_retries(provider.list_stages)(remote_job.id)
        with transaction.atomic():
            link = (
                JobLink.objects.unscoped()
                .select_for_update()
                .filter(connection=connection, remote_id=remote_job.id)
                .first()
            )
            fields = {
                "title": remote_job.title[:200] or remote_job.id,
                "location": remote_job.location[:200],
                "jd_html": remote_job.description,
            }
            if link is None:
                job = job_services.create_job(actor=actor, status=Job.Status.OPEN, **fields)
                link = JobLink.objects.create(
                    org=connection.org,
                    connection=connection,
                    job=job,
                    remote_id=remote_job.id,
                    remote_title=remote_job.title[:300],
                )
                result.created += 1
            else:
                job_services.update_job(job=link.job, actor=actor, **fields)
                link.remote_title = remote_job.title[:300]
                link.save(update_fields=["remote_title", "imported_at"])
                result.updated += 1
            result.mapped_stages += _prefill_stage_mappings(link, remote_stages)
    AtsConnection.objects.unscoped().filter(pk=connection.pk).update(last_imported_at=timezone.now())
    return result


@transaction.atomic
def link_job(*, connection: AtsConnection, job: Job, remote_id: str, actor: User) -> JobLink:
    """Link an existing local job to a remote one (stage mappings pre-filled by name)."""
    _require_admin(actor, connection.org)
    if job.org_id != connection.org_id:
        raise ValidationError("The job belongs to another organisation.")
    link, _ = JobLink.objects.unscoped().update_or_create(
        job=job, defaults={"org": connection.org, "connection": connection, "remote_id": remote_id}
    )
    _prefill_stage_mappings(link, with_retries(provider_for(connection).list_stages)(remote_id))
    return link


@transaction.atomic
def update_stage_mappings(
    *, job_link: JobLink, remote_stage_ids: dict[int, str], remote_names: dict[str, str], actor: User
) -> int:
    """``remote_stage_ids``: local stage id -> remote stage id ("" unmaps)."""
    _require_admin(actor, job_link.connection.org)
    changed = 0
    for mapping in StageMapping.objects.unscoped().select_for_update().filter(job_link=job_link):
        if mapping.stage_id not in remote_stage_ids:
            continue
        wanted = remote_stage_ids[mapping.stage_id]
        if wanted and wanted not in remote_names:
            raise ValidationError({f"stage_{mapping.stage_id}": "Choose one of the ATS's stages."})
        if mapping.remote_stage_id != wanted:
            mapping.remote_stage_id, mapping.remote_stage_name = wanted, remote_names.get(wanted, "")
            mapping.save(update_fields=["remote_stage_id", "remote_stage_name"])
            changed += 1
    return changed


@transaction.atomic
def forget_remote_records(*, connection: AtsConnection) -> int:
    """Drop the links to remote candidates/applications (the remote side was reset, as a
    fresh sandbox is): the next event for each application creates it remotely again."""
    applications, _ = ApplicationLink.objects.unscoped().filter(connection=connection).delete()
    candidates, _ = CandidateLink.objects.unscoped().filter(connection=connection).delete()
    return applications + candidates


# --------------------------------------------------------------------------- outbox: record


def _active_link_for(application: Application) -> JobLink | None:
    return (
        JobLink.objects.unscoped()
        .select_related("connection")
        .filter(job_id=application.job_id, connection__status=AtsConnection.Status.ACTIVE)
        .first()
    )


def record_sync_event(*, application: Application, kind: str, payload: dict[str, Any]) -> SyncEvent | None:
    """Called inside the transaction that changed the application (via the core signals):
    the outbox row commits or rolls back with the change. The delivery is enqueued on commit."""
    job_link = _active_link_for(application)
    if job_link is None:
        return None
    if Candidate.objects.unscoped().filter(pk=application.candidate_id, anonymised_at__isnull=False).exists():
        return None  # the person was erased: nothing about them goes to the ATS any more
    return _append_event(
        org_id=application.org_id,
        connection=job_link.connection,
        application_id=application.pk,
        kind=kind,
        payload=payload,
    )


def _append_event(
    *, org_id: int, connection: AtsConnection, application_id: int, kind: str, payload: dict[str, Any]
) -> SyncEvent:
    """The next event in the application's sequence; its delivery is enqueued on commit."""
    last = (
        SyncEvent.objects.unscoped().filter(application_id=application_id).aggregate(Max("sequence"))["sequence__max"]
    )
    event = SyncEvent.objects.create(
        org_id=org_id,
        connection=connection,
        application_id=application_id,
        kind=kind,
        payload=payload,
        sequence=(last or 0) + 1,
        idempotency_key=uuid.uuid4().hex,
    )
    transaction.on_commit(lambda: enqueue_delivery(event.pk))
    return event


def enqueue_delivery(event_id: int) -> None:
    """Best effort: if the broker is down the event stays pending and the sweep finds it."""
    from .tasks import deliver_sync_event

    enqueue_now(deliver_sync_event, event_id)


def on_application_created(*, application: Application) -> None:
    record_sync_event(
        application=application, kind=SyncEvent.Kind.APPLICATION_CREATED, payload={"stage_id": application.stage_id}
    )


def on_application_moved(*, application: Application, stage_change: StageChange) -> None:
    if stage_change.source in SYSTEM_SOURCES:
        return  # the ATS told us about this move: sending it back would be an echo
    rejected = stage_change.to_stage.kind == Stage.Kind.REJECTED
    record_sync_event(
        application=application,
        kind=SyncEvent.Kind.REJECTED if rejected else SyncEvent.Kind.STAGE_MOVED,
        payload={
            "stage_id": stage_change.to_stage_id,
            "stage_name": stage_change.to_stage.name,
            "reason": stage_change.reason,
        },
    )


def on_note_added(*, note: Note) -> None:
    if note.application_id is None:
        return
    record_sync_event(
        application=note.application, kind=SyncEvent.Kind.NOTE_ADDED, payload={"note_id": note.pk, "body": note.body}
    )


ERASURE_SUPERSEDED = "Not sent: the candidate was erased."


def erasure_unsupported_message(connection: AtsConnection, remote_candidate_id: str) -> str:
    name = connection.get_provider_display()
    return (
        f"{name} has no erasure API: erase the candidate in {name} by hand (their id in {name}: {remote_candidate_id})."
    )


def on_candidate_erased(*, candidate: Candidate) -> list[SyncEvent]:
    """Called inside the erasure's transaction (via the core signal): one outbox event per
    (connection, remote person) we created, plus the end of everything still queued for the
    person, whose payloads lose what the erasure removed locally (note bodies, reasons)."""
    own_events = SyncEvent.objects.unscoped().filter(application__candidate=candidate)
    own_events.filter(status=SyncEvent.Status.PENDING).exclude(kind=SyncEvent.Kind.CANDIDATE_ERASED).update(
        status=SyncEvent.Status.SKIPPED, last_error=ERASURE_SUPERSEDED
    )
    scrubbed = []
    for event in own_events.filter(
        kind__in=(SyncEvent.Kind.NOTE_ADDED, SyncEvent.Kind.STAGE_MOVED, SyncEvent.Kind.REJECTED)
    ):
        event.payload = {key: value for key, value in event.payload.items() if key not in ("body", "reason")}
        scrubbed.append(event)
    SyncEvent.objects.unscoped().bulk_update(scrubbed, ["payload"])

    # (connection id, remote candidate id) -> the application the event queues behind
    targets: dict[tuple[int, str], int | None] = {}
    for link in (
        ApplicationLink.objects.unscoped()
        .filter(application__candidate=candidate)
        .exclude(remote_candidate_id="")
        .order_by("pk")
    ):
        targets.setdefault((link.connection_id, link.remote_candidate_id), link.application_id)
    for link in CandidateLink.objects.unscoped().filter(candidate=candidate).order_by("pk"):
        targets.setdefault((link.connection_id, link.remote_id), None)
    if not targets:
        return []
    applications = list(
        Application.objects.unscoped().filter(candidate=candidate).order_by("pk").values_list("pk", "job_id")
    )
    linked_jobs = dict(
        JobLink.objects.unscoped()
        .filter(job_id__in=[job_id for _, job_id in applications])
        .values_list("job_id", "connection_id")
    )
    connections = AtsConnection.objects.unscoped().in_bulk({connection_id for connection_id, _ in targets})
    events = []
    for (connection_id, remote_id), application_id in targets.items():
        if application_id is None:
            application_id = next(
                (pk for pk, job_id in applications if linked_jobs.get(job_id) == connection_id),
                applications[0][0] if applications else None,
            )
        if application_id is None:
            continue
        already = (
            SyncEvent.objects.unscoped()
            .filter(
                connection_id=connection_id,
                kind=SyncEvent.Kind.CANDIDATE_ERASED,
                payload__remote_candidate_id=remote_id,
            )
            .exclude(status=SyncEvent.Status.FAILED)
            .exists()
        )
        if already:
            continue  # erased before (a repeated request): that event is the record
        events.append(
            _append_event(
                org_id=candidate.org_id,
                connection=connections[connection_id],
                application_id=application_id,
                kind=SyncEvent.Kind.CANDIDATE_ERASED,
                payload={"remote_candidate_id": remote_id},
            )
        )
    return events


# --------------------------------------------------------------------------- outbox: deliver


class Outcome:
    DELIVERED = "delivered"
    ALREADY_DONE = "already_done"
    BUSY = "busy"
    WAITING = "waiting"
    SKIPPED = "skipped"
    FAILED = "failed"


def _claim(event_id: int, worker_id: str) -> tuple[str, SyncEvent | None]:
    now = timezone.now()
    with transaction.atomic():
        event = SyncEvent.objects.unscoped().select_for_update().filter(pk=event_id).first()
        if event is None or event.status not in SyncEvent.UNDELIVERED:
            return Outcome.ALREADY_DONE, event
        if (
            event.status == SyncEvent.Status.DELIVERING
            and event.claimed_by != worker_id
            and event.claimed_at
            and event.claimed_at > now - DELIVERY_LEASE
        ):
            return Outcome.BUSY, event
        others = list(
            SyncEvent.objects.unscoped()
            .filter(application_id=event.application_id, status__in=SyncEvent.UNDELIVERED)
            .exclude(pk=event.pk)
            .values_list("sequence", "kind")
        )
        if any(sequence < event.sequence for sequence, _ in others):
            return Outcome.WAITING, event
        if event.kind == SyncEvent.Kind.CANDIDATE_ERASED and _person_delivery_in_flight(event):
            return Outcome.WAITING, event  # the sweep enqueues it again once that one is done
        moves = (SyncEvent.Kind.STAGE_MOVED, SyncEvent.Kind.REJECTED)
        if event.is_move and any(sequence > event.sequence and kind in moves for sequence, kind in others):
            event.status = SyncEvent.Status.SKIPPED
            event.last_error = ""
            event.save(update_fields=["status", "last_error"])
            return Outcome.SKIPPED, event
        event.status = SyncEvent.Status.DELIVERING
        event.attempts += 1
        event.claimed_by = worker_id[:64]
        event.claimed_at = now
        event.save(update_fields=["status", "attempts", "claimed_by", "claimed_at"])
        _record_intent(event)
        return "claimed", event


def _person_delivery_in_flight(event: SyncEvent) -> bool:
    """A create or move of the same person's other application, sent before the erasure
    and still on the wire, must land first, or it would outlive the erasure remotely."""
    return (
        SyncEvent.objects.unscoped()
        .filter(
            connection_id=event.connection_id,
            application__candidate__applications=event.application_id,
            status=SyncEvent.Status.DELIVERING,
        )
        .exclude(application_id=event.application_id)
        .exists()
    )


def _record_intent(event: SyncEvent) -> None:
    """Note the remote state this event will produce before sending it: the ATS's webhook
    for the move may arrive before its HTTP answer, and must be recognised as our echo."""
    if event.kind == SyncEvent.Kind.REJECTED:
        ApplicationLink.objects.unscoped().filter(application_id=event.application_id).update(remote_disqualified=True)
    elif event.kind == SyncEvent.Kind.STAGE_MOVED:
        remote_stage = (
            StageMapping.objects.unscoped()
            .filter(job_link__job__applications=event.application_id, stage_id=event.payload.get("stage_id"))
            .exclude(remote_stage_id="")
            .values_list("remote_stage_id", flat=True)
            .first()
        )
        if remote_stage:
            ApplicationLink.objects.unscoped().filter(application_id=event.application_id).update(
                remote_stage_id=remote_stage, remote_disqualified=False
            )


@transaction.atomic
def _finish(event: SyncEvent, *, status: str, error: str = "", outcome: str = "") -> None:
    fields: dict[str, Any] = {"status": status, "last_error": error[:2000], "claimed_by": "", "claimed_at": None}
    if status == SyncEvent.Status.DELIVERED:
        fields["delivered_at"] = timezone.now()
    SyncEvent.objects.unscoped().filter(pk=event.pk).update(**fields)
    if event.kind == SyncEvent.Kind.CANDIDATE_ERASED:
        _audit_remote_erasure(event, outcome=outcome or status, message=error)


def _audit_remote_erasure(event: SyncEvent, *, outcome: str, message: str) -> None:
    """The local erasure is audited when it happens; this records what became of it in the ATS."""
    audit.record(
        action=audit.Action.CANDIDATE_ERASED,
        org=event.connection.org,
        target=event.application.candidate,
        details={
            "ats": event.connection.provider,
            "remote_candidate_id": event.payload.get("remote_candidate_id", ""),
            "outcome": outcome,
            "message": message[:500],
        },
    )


def _next_event_of(application_id: int) -> int | None:
    return (
        SyncEvent.objects.unscoped()
        .filter(application_id=application_id, status__in=SyncEvent.UNDELIVERED)
        .order_by("sequence")
        .values_list("pk", flat=True)
        .first()
    )


def _resume_for(application: Application) -> ResumeFile | None:
    from screening.models import Resume

    resumes = Resume.objects.unscoped().filter(candidate_id=application.candidate_id, is_current=True).exclude(file="")
    resume = resumes.filter(job_id=application.job_id).first() or resumes.order_by("-created_at").first()
    if resume is None or resume.size > MAX_RESUME_BYTES:
        return None
    try:
        with resume.file.open("rb") as handle:
            content = handle.read()
    except OSError:
        logger.warning("resume %s is missing from storage; creating the candidate without it", resume.pk)
        return None
    return ResumeFile(
        filename=resume.original_name or "resume.pdf",
        content=content,
        content_type=resume.content_type or "application/pdf",
    )


def _remote_stage_for(job_link: JobLink, stage_id: int) -> str:
    mapping = (
        StageMapping.objects.unscoped().filter(job_link=job_link, stage_id=stage_id).select_related("stage").first()
    )
    if mapping is None or not mapping.remote_stage_id:
        name = (
            mapping.stage.name
            if mapping
            else Stage.objects.unscoped().filter(pk=stage_id).values_list("name", flat=True).first()
        )
        raise PermanentError(f"Stage “{name}” is not mapped to a stage of the ATS: map it on the Integrations page.")
    return mapping.remote_stage_id


def _ref(link: ApplicationLink) -> ApplicationRef:
    return ApplicationRef(id=link.remote_id, candidate_id=link.remote_candidate_id, job_id=link.remote_job_id)


def _ensure_remote_application(
    event: SyncEvent, provider: ATSProvider, job_link: JobLink, *, check_remote: bool
) -> ApplicationLink:
    application = event.application
    existing = ApplicationLink.objects.unscoped().filter(application=application).first()
    if existing is not None:
        return existing
    candidate = application.candidate
    first_stage = application.job.pipeline.first_stage()
    remote_first = _remote_stage_for(job_link, first_stage.pk) if first_stage else None
    ref = provider.find_application(email=candidate.email, job_id=job_link.remote_id) if check_remote else None
    if ref is None:
        candidate_link = (
            CandidateLink.objects.unscoped().filter(connection=event.connection, candidate=candidate).first()
        )
        if candidate_link is not None:
            remote_candidate = RemoteCandidate(id=candidate_link.remote_id, email=candidate.email, name=candidate.name)
        else:
            data = CandidateData(
                name=candidate.name,
                email=candidate.email,
                phone=candidate.phone,
                location=candidate.location,
                links=tuple(
                    url for url in (candidate.linkedin_url, candidate.github_url, candidate.portfolio_url) if url
                ),
            )
            remote_candidate = provider.create_candidate(
                candidate=data, resume=_resume_for(application), job_id=job_link.remote_id, stage_id=remote_first
            )
            CandidateLink.objects.unscoped().get_or_create(
                connection=event.connection,
                candidate=candidate,
                defaults={"org_id": event.org_id, "remote_id": remote_candidate.id},
            )
        ref = provider.create_application(candidate=remote_candidate, job_id=job_link.remote_id, stage_id=remote_first)
    link, _ = ApplicationLink.objects.unscoped().get_or_create(
        application=application,
        defaults={
            "org_id": event.org_id,
            "connection": event.connection,
            "remote_id": ref.id,
            "remote_candidate_id": ref.candidate_id,
            "remote_job_id": ref.job_id or job_link.remote_id,
            "remote_stage_id": remote_first or "",
        },
    )
    return link


def _perform(event: SyncEvent, provider: ATSProvider) -> None:
    job_link = JobLink.objects.unscoped().filter(job_id=event.application.job_id).first()
    if job_link is None:
        raise PermanentError("The job is no longer linked to the ATS.")
    # A repeated attempt may follow one whose effect happened but whose answer was lost
    # (timeout, killed worker): look at the remote state before sending again.
    check_remote = event.attempts > 1
    link = _ensure_remote_application(event, provider, job_link, check_remote=check_remote)
    ref = _ref(link)
    if event.kind == SyncEvent.Kind.STAGE_MOVED:
        remote_stage = _remote_stage_for(job_link, event.payload["stage_id"])
        # The intent is recorded before sending (see ``_record_intent``, which ran at claim
        # time); only a link created since then still needs it.
        if link.remote_stage_id != remote_stage or link.remote_disqualified:
            ApplicationLink.objects.unscoped().filter(pk=link.pk).update(
                remote_stage_id=remote_stage, remote_disqualified=False
            )
        if check_remote:
            state = provider.get_application(ref)
            if state.stage_id == remote_stage and not state.disqualified:
                return
        provider.move_application(application=ref, stage_id=remote_stage)
    elif event.kind == SyncEvent.Kind.REJECTED:
        if not link.remote_disqualified:
            ApplicationLink.objects.unscoped().filter(pk=link.pk).update(remote_disqualified=True)
        if check_remote and provider.get_application(ref).disqualified:
            return
        provider.disqualify(
            application=ref, reason=event.payload.get("reason") or event.payload.get("stage_name") or "Rejected"
        )
    elif event.kind == SyncEvent.Kind.NOTE_ADDED:
        provider.add_note(application=ref, body=event.payload["body"])


def deliver_event(*, event_id: int, worker_id: str, timeout: Any = DEFAULT_TIMEOUT) -> str:
    """Deliver one outbox event exactly once in effect. Raises ``RetryableError`` (the task
    retries with backoff); permanent errors mark the event failed with the ATS's message."""
    outcome, event = _claim(event_id, worker_id)
    if outcome == Outcome.SKIPPED and event is not None:
        _enqueue_next(event.application_id)
    if outcome != "claimed" or event is None:
        return outcome
    event = (
        SyncEvent.objects.unscoped()
        .select_related("connection", "application__job__pipeline", "application__candidate")
        .get(pk=event.pk)
    )
    erasure = event.kind == SyncEvent.Kind.CANDIDATE_ERASED
    if erasure and not supports_erasure(event.connection.provider):
        message = erasure_unsupported_message(event.connection, event.payload.get("remote_candidate_id", ""))
        _finish(event, status=SyncEvent.Status.SKIPPED, error=message, outcome="not_supported")
        _enqueue_next(event.application_id)
        return Outcome.SKIPPED
    note, outcome = "", ""
    try:
        if event.connection.status != AtsConnection.Status.ACTIVE:
            raise PermanentError(f"The {event.connection.get_provider_display()} connection is not active.")
        provider = provider_for(event.connection, timeout=timeout)
        if erasure:
            note, outcome = _erase_remote_candidate(event, provider)
        else:
            _perform(event, provider)
    except RetryableError as exc:
        SyncEvent.objects.unscoped().filter(pk=event.pk).update(
            status=SyncEvent.Status.PENDING,
            last_error=str(exc)[:2000],
            claimed_by="",
            claimed_at=None,
            next_attempt_at=timezone.now() + timedelta(seconds=exc.retry_after or 0),
        )
        _note_connection_error(event.connection, str(exc))
        raise
    except PermanentError as exc:
        _finish(event, status=SyncEvent.Status.FAILED, error=exc.provider_message)
        _note_connection_error(event.connection, exc.provider_message)
        _enqueue_next(event.application_id)
        return Outcome.FAILED
    _finish(event, status=SyncEvent.Status.DELIVERED, error=note, outcome=outcome)
    _enqueue_next(event.application_id)
    return Outcome.DELIVERED


def _erase_remote_candidate(event: SyncEvent, provider: ATSProvider) -> tuple[str, str]:
    """(note for the event, audit outcome). Erasing twice is harmless: a repeat after a lost
    answer finds the person anonymised again (Greenhouse) or gone (Zoho: not found)."""
    remote_id = event.payload["remote_candidate_id"]
    try:
        provider.erase_candidate(candidate_ref=remote_id)
    except NotFoundError:
        name = event.connection.get_provider_display()
        return (
            f"{name} no longer has candidate {remote_id} (erased already, or deleted or merged there).",
            "already_absent",
        )
    return "", "erased"


def _enqueue_next(application_id: int) -> None:
    next_id = _next_event_of(application_id)
    if next_id is not None:
        transaction.on_commit(lambda: enqueue_delivery(next_id))


# --------------------------------------------------------------------------- outbox: recover


def sweep_stale_events(*, stale_after: timedelta = STALE_PENDING_AFTER, lease: timedelta = DELIVERY_LEASE) -> int:
    """Re-enqueue the oldest undelivered event of every application whose delivery is not
    in flight: never enqueued (broker down at commit), or claimed by a worker that died."""
    now = timezone.now()
    SyncEvent.objects.unscoped().filter(status=SyncEvent.Status.DELIVERING, claimed_at__lt=now - lease).update(
        status=SyncEvent.Status.PENDING, claimed_by="", claimed_at=None
    )
    stale = (
        SyncEvent.objects.unscoped()
        .filter(status=SyncEvent.Status.PENDING, created_at__lt=now - stale_after)
        .exclude(next_attempt_at__gt=now)
        .order_by()
        .values_list("application_id", flat=True)
        .distinct()
    )
    enqueued = 0
    for application_id in list(stale):
        next_id = _next_event_of(application_id)
        if next_id is not None:
            enqueue_delivery(next_id)
            enqueued += 1
    return enqueued


@transaction.atomic
def retry_failed_events(*, connection: AtsConnection, actor: User, event_ids: list[int] | None = None) -> int:
    _require_admin(actor, connection.org)
    failed = (
        SyncEvent.objects.unscoped().select_for_update().filter(connection=connection, status=SyncEvent.Status.FAILED)
    )
    if event_ids is not None:
        failed = failed.filter(pk__in=event_ids)
    events = list(failed)
    for event in events:
        event.status, event.attempts, event.last_error, event.next_attempt_at = SyncEvent.Status.PENDING, 0, "", None
        event.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
    for application_id in {event.application_id for event in events}:
        _enqueue_next(application_id)
    return len(events)


# --------------------------------------------------------------------------- inbound


def _local_stage_for(job_link: JobLink, application: Application, state: RemoteApplicationState) -> Stage | None:
    if state.disqualified:
        return application.job.pipeline.stages.filter(kind=Stage.Kind.REJECTED).order_by("order").first()
    candidates = [
        m.stage
        for m in StageMapping.objects.unscoped()
        .filter(job_link=job_link, remote_stage_id=state.stage_id)
        .select_related("stage")
        .order_by("stage__order")
    ]
    if not candidates:
        return None
    return next((stage for stage in candidates if stage.pk == application.stage_id), candidates[0])


def apply_remote_state(*, connection: AtsConnection, state: RemoteApplicationState, source: str) -> str:
    """Bring the local application in line with the ATS's current state of it."""
    with transaction.atomic():
        link = (
            ApplicationLink.objects.unscoped()
            .select_for_update()
            .filter(connection=connection, remote_id=state.id)
            .first()
        )
        if link is None:
            return "unknown application"
        if (
            SyncEvent.objects.unscoped()
            .filter(application_id=link.application_id, status__in=SyncEvent.UNDELIVERED)
            .exists()
        ):
            return "local changes pending"  # ours are newer and on their way out
        if link.remote_stage_id == state.stage_id and link.remote_disqualified == state.disqualified:
            return "no change"  # including the echo of our own move
        application = Application.objects.unscoped().select_related("job__pipeline").get(pk=link.application_id)
        job_link = JobLink.objects.unscoped().filter(job_id=application.job_id, connection=connection).first()
        link.remote_stage_id, link.remote_disqualified = state.stage_id, state.disqualified
        link.save(update_fields=["remote_stage_id", "remote_disqualified", "updated_at"])
        target = _local_stage_for(job_link, application, state) if job_link else None
        if target is None:
            return "unmapped remote stage"
        change = candidate_services.move_application(
            application=application,
            to_stage=target,
            actor=None,
            source=source,
            reason="Disqualified in the ATS" if state.disqualified else "",
        )
        return "moved" if change is not None else "no change"


def pull_remote_changes(*, connection: AtsConnection) -> int:
    """Periodic pull (updated-since) for providers without webhooks, and as a safety net."""
    started = timezone.now()
    since = (connection.last_pulled_at or started - timedelta(days=1)) - timedelta(minutes=2)
    job_ids = list(JobLink.objects.unscoped().filter(connection=connection).values_list("remote_id", flat=True))
    if not job_ids:
        return 0
    moved = 0
    for state in provider_for(connection).iter_applications_updated_since(since, job_ids):
        if apply_remote_state(connection=connection, state=state, source=StageChange.Source.ATS) == "moved":
            moved += 1
    AtsConnection.objects.unscoped().filter(pk=connection.pk).update(last_pulled_at=started)
    return moved


@transaction.atomic
def receive_webhook(
    *, connection: AtsConnection, event_id: str, event_type: str, payload: dict[str, Any]
) -> tuple[WebhookEvent, bool]:
    """Store the event once (by the provider's event id) and process it after commit."""
    webhook_event, created = WebhookEvent.objects.unscoped().get_or_create(
        connection=connection,
        provider_event_id=event_id[:200],
        defaults={"org_id": connection.org_id, "event_type": event_type[:100], "payload": payload},
    )
    if created:
        from .tasks import process_webhook_event

        enqueue_on_commit(process_webhook_event, webhook_event.pk)  # broker down: the periodic pull catches up
    return webhook_event, created


def process_webhook(*, webhook_event_id: int) -> str:
    webhook_event = WebhookEvent.objects.unscoped().select_related("connection").filter(pk=webhook_event_id).first()
    if webhook_event is None or webhook_event.status != WebhookEvent.Status.RECEIVED:
        return "already processed"
    connection = webhook_event.connection
    remote_id = webhooks.remote_application_id(connection.provider, webhook_event.payload)
    link = (
        ApplicationLink.objects.unscoped().filter(connection=connection, remote_id=remote_id).first()
        if remote_id
        else None
    )
    if link is None:
        result, status = "not a linked application", WebhookEvent.Status.IGNORED
    else:
        try:
            state = provider_for(connection).get_application(_ref(link))
        except PermanentError as exc:
            state, result, status = None, exc.provider_message, WebhookEvent.Status.FAILED
        if state is not None:
            result = apply_remote_state(connection=connection, state=state, source=StageChange.Source.WEBHOOK)
            status = WebhookEvent.Status.PROCESSED if result == "moved" else WebhookEvent.Status.IGNORED
    WebhookEvent.objects.unscoped().filter(pk=webhook_event.pk).update(
        status=status, result=result, processed_at=timezone.now()
    )
    return result
