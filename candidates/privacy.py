"""Data protection: export everything we hold on a candidate, erase it on request, and
anonymise candidates nobody has touched for the organisation's retention period."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from candidates.models import Application, Candidate, Note, StageChange
from candidates.signals import candidate_erased
from dashboard.models import Organization, User
from screening.models import PersonalityScreening, Resume, TestLog

logger = logging.getLogger(__name__)

ERASED_NAME = "Erased candidate"


def candidate_export_bytes(*, candidate: Candidate) -> bytes:
    """A zip with data.json (every record about the candidate) and their resume files."""
    applications = Application.objects.unscoped().filter(candidate=candidate).select_related("job", "stage")
    history = (
        StageChange.objects.unscoped()
        .filter(application__candidate=candidate)
        .select_related("from_stage", "to_stage", "application__job")
    )
    resumes = list(Resume.objects.unscoped().filter(candidate=candidate).select_related("job", "score"))
    data = {
        "exported_at": timezone.now(),
        "candidate": {
            field: getattr(candidate, field)
            for field in (
                "name",
                "email",
                "phone",
                "location",
                "linkedin_url",
                "github_url",
                "portfolio_url",
                "source",
                "created_at",
            )
        },
        "applications": [
            {
                "job": a.job.title,
                "stage": a.stage.name,
                "applied_at": a.applied_at,
                "rejection_reason": a.rejection_reason,
            }
            for a in applications
        ],
        "stage_history": [
            {
                "job": c.application.job.title,
                "from": c.from_stage.name if c.from_stage else None,
                "to": c.to_stage.name,
                "at": c.at,
            }
            for c in history
        ],
        "notes": [
            {"body": n.body, "created_at": n.created_at} for n in Note.objects.unscoped().filter(candidate=candidate)
        ],
        "resumes": [
            {
                "job": r.job.title,
                "file": r.original_name,
                "uploaded_at": r.created_at,
                "parsed": r.parsed,
                "relevant_experience_in_months": r.relevant_experience_in_months,
                "overall_score": getattr(getattr(r, "score", None), "overall_score", None),
            }
            for r in resumes
        ],
        "test_logs": list(
            TestLog.objects.unscoped()
            .filter(candidate=candidate)
            .values("test_name", "provider", "score", "max_score", "passed", "completed_at")
        ),
        "personality_screenings": list(
            PersonalityScreening.objects.unscoped()
            .filter(candidate=candidate)
            .values("instrument__name", "status", "answers", "trait_scores", "completed_at")
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))
        for index, resume in enumerate(resumes, start=1):
            if resume.file:
                try:
                    with resume.file.open("rb") as handle:
                        safe_name = (
                            "".join(c for c in resume.original_name if c.isalnum() or c in "._- ")[:80] or "resume"
                        )
                        archive.writestr(f"resumes/{index:02d}-{safe_name}", handle.read())
                except FileNotFoundError:
                    logger.warning("Resume file %s is missing from storage", resume.pk)
    return buffer.getvalue()


@transaction.atomic
def erase_candidate(*, candidate: Candidate, actor: User | None) -> Candidate:
    """Remove the person from the record; keep the anonymous pipeline history for statistics."""
    candidate = Candidate.objects.unscoped().select_for_update().get(pk=candidate.pk)
    files = [r.file.name for r in Resume.objects.unscoped().filter(candidate=candidate) if r.file]
    Resume.objects.unscoped().filter(candidate=candidate).update(
        extracted_text="", parsed={}, original_name="erased", file="", review_feedback=""
    )
    Note.objects.unscoped().filter(candidate=candidate).delete()
    TestLog.objects.unscoped().filter(candidate=candidate).update(raw_payload={}, report_url="", proctoring_flags=[])
    PersonalityScreening.objects.unscoped().filter(candidate=candidate).update(answers={})
    Application.objects.unscoped().filter(candidate=candidate).update(rejection_reason="", status_text="")
    StageChange.objects.unscoped().filter(application__candidate=candidate).update(reason="")
    remote_refs = {"candidate_id": candidate.pk, "org_id": candidate.org_id, "email": candidate.email}
    candidate.name = ERASED_NAME
    candidate.email = f"erased-{candidate.pk}@erased.invalid"
    candidate.phone = candidate.location = candidate.linkedin_url = candidate.github_url = candidate.portfolio_url = ""
    candidate.anonymised_at = timezone.now()
    candidate.save()
    # Listeners (the ATS sync, the audit log) act on the erasure in this same transaction.
    candidate_erased.send(sender=Candidate, candidate=candidate, actor=actor, remote_refs=remote_refs)
    transaction.on_commit(lambda: _delete_files(files))
    return candidate


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not delete erased resume file %s", name)


def candidates_past_retention(*, org: Organization):
    if not org.retention_months:
        return Candidate.objects.none()
    cutoff = timezone.now() - timedelta(days=30 * org.retention_months)
    return (
        Candidate.objects.unscoped()
        .filter(org=org, anonymised_at__isnull=True, updated_at__lt=cutoff)
        .annotate(last_application=Max("applications__updated_at"), last_note=Max("notes__created_at"))
        .filter(Q(last_application__isnull=True) | Q(last_application__lt=cutoff))
        .filter(Q(last_note__isnull=True) | Q(last_note__lt=cutoff))
    )


def anonymise_inactive_candidates(*, batch_size: int = 500) -> int:
    erased = 0
    for org in Organization.objects.filter(retention_months__isnull=False):
        for candidate in candidates_past_retention(org=org)[:batch_size]:
            erase_candidate(candidate=candidate, actor=None)
            erased += 1
    return erased
