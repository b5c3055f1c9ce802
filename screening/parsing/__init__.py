"""Resume parsing: validate an upload, extract its text, extract structured fields.

Pure Python (no models), so it runs the same in a Celery worker, a test or the benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .extraction import OK, Extraction, extract_text
from .fields import PARSED_KEYS, ParsedResume, extract_fields
from .validation import UploadLimits, UploadRejected, ValidatedUpload, validate_upload

__all__ = [
    "PARSED_KEYS",
    "Extraction",
    "ParseOutcome",
    "UploadLimits",
    "UploadRejected",
    "ValidatedUpload",
    "extract_fields",
    "extract_text",
    "parse_resume",
    "validate_upload",
]


@dataclass(frozen=True)
class ParseOutcome:
    status: str  # "ok" or one of the extraction statuses
    message: str = ""
    text: str = ""
    fields: dict = field(default_factory=dict)
    relevant_experience_in_months: int = 0
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == OK


def parse_resume(data: bytes, *, today: date, kind: str | None = None, phone_region: str = "US") -> ParseOutcome:
    """Validate (unless the caller already knows the kind), extract text, extract fields.

    Raises UploadRejected for files that must not be accepted at all; returns a non-ok
    outcome for accepted files that have no usable text (scans, encrypted PDFs).
    """
    if kind is None:
        kind = validate_upload(data).kind
    extraction = extract_text(data, kind)
    if not extraction.ok:
        return ParseOutcome(status=extraction.status, message=extraction.message, text=extraction.text)
    parsed: ParsedResume = extract_fields(extraction.text, today=today, phone_region=phone_region)
    return ParseOutcome(
        status=OK,
        text=extraction.text,
        fields=parsed.fields,
        relevant_experience_in_months=parsed.relevant_experience_in_months,
        warnings=tuple(parsed.warnings),
    )
