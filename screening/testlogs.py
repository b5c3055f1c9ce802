"""Reading assessment results from a CSV upload: every row checked, every problem named.

Columns (header row required, order free): candidate_email, test_name, provider,
result_id, score, max_score, passed, started_at, completed_at, duration_minutes,
proctoring_flags (separated by ";"), report_url. Only candidate_email and test_name are
required. Candidates must already have applied to the job.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from candidates.models import Candidate
from jobs.models import Job
from screening.services import TestLogInput, validate_test_log

REQUIRED_COLUMNS = ("candidate_email", "test_name")
KNOWN_COLUMNS = REQUIRED_COLUMNS + (
    "provider", "result_id", "score", "max_score", "passed", "started_at", "completed_at",
    "duration_minutes", "proctoring_flags", "report_url",
)  # fmt: skip
MAX_ROWS = 2000
MAX_CSV_BYTES = 2 * 1024 * 1024
TRUE_WORDS = {"yes", "y", "true", "1", "pass", "passed"}
FALSE_WORDS = {"no", "n", "false", "0", "fail", "failed"}


@dataclass
class TestLogRow:
    __test__ = False

    line: int
    raw: dict
    candidate: Candidate | None = None
    values: TestLogInput | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class CsvPreview:
    rows: list[TestLogRow]
    errors: list[str] = field(default_factory=list)

    @property
    def valid_rows(self) -> list[TestLogRow]:
        return [row for row in self.rows if not row.errors]

    @property
    def invalid_rows(self) -> list[TestLogRow]:
        return [row for row in self.rows if row.errors]

    @property
    def can_import(self) -> bool:
        return not self.errors and bool(self.rows) and not self.invalid_rows


def _number(text: str, name: str, errors: list[str]) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        errors.append(f"{name} “{text}” is not a number.")
        return None
    if not value.is_finite():
        errors.append(f"{name} must be a finite number.")
        return None
    return value


def _when(text: str, name: str, errors: list[str]) -> datetime | None:
    if not text:
        return None
    value = parse_datetime(text.replace("/", "-"))
    if value is None:
        errors.append(f"{name} “{text}” is not a date and time (use 2026-03-01 14:30).")
        return None
    return value if value.tzinfo else timezone.make_aware(value)


def _passed(text: str, errors: list[str]) -> bool | None:
    lowered = text.lower()
    if not lowered:
        return None
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    errors.append(f"passed “{text}” must be yes or no.")
    return None


def read_test_log_csv(*, job: Job, text: str) -> CsvPreview:
    if len(text.encode("utf-8", errors="ignore")) > MAX_CSV_BYTES:
        return CsvPreview(rows=[], errors=["The file is larger than 2 MB."])
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        return CsvPreview(rows=[], errors=[f"Missing column(s): {', '.join(missing)}."])
    reader.fieldnames = header
    rows: list[TestLogRow] = []
    try:
        for line, raw in enumerate(reader, start=2):
            if len(rows) >= MAX_ROWS:
                return CsvPreview(rows=[], errors=[f"At most {MAX_ROWS} rows can be imported at once."])
            cleaned = {key: (value or "").strip() for key, value in raw.items() if key in KNOWN_COLUMNS}
            if any(cleaned.values()):
                rows.append(TestLogRow(line=line, raw=cleaned))
    except csv.Error as error:
        return CsvPreview(rows=[], errors=[f"The CSV cannot be read: {error}."])
    if not rows:
        return CsvPreview(rows=[], errors=["The file has no rows."])
    emails = {row.raw.get("candidate_email", "").lower() for row in rows}
    applicants = {
        candidate.email: candidate
        for candidate in Candidate.objects.unscoped().filter(org_id=job.org_id, email__in=emails, applications__job=job)
    }
    url_validator = URLValidator(schemes=["https", "http"])
    for row in rows:
        raw, errors = row.raw, row.errors
        email = raw.get("candidate_email", "").lower()
        row.candidate = applicants.get(email)
        if not email:
            errors.append("candidate_email is empty.")
        elif row.candidate is None:
            errors.append(f"No applicant to this job has the email {email}.")
        minutes = _number(raw.get("duration_minutes", ""), "duration_minutes", errors)
        report_url = raw.get("report_url", "")
        if report_url:
            try:
                url_validator(report_url)
            except ValidationError:
                errors.append("report_url is not a web address.")
                report_url = ""
        values = TestLogInput(
            test_name=raw.get("test_name", ""),
            provider=raw.get("provider", "") or "csv",
            external_id=raw.get("result_id", ""),
            score=_number(raw.get("score", ""), "score", errors),
            max_score=_number(raw.get("max_score", ""), "max_score", errors),
            passed=_passed(raw.get("passed", ""), errors),
            started_at=_when(raw.get("started_at", ""), "started_at", errors),
            completed_at=_when(raw.get("completed_at", ""), "completed_at", errors),
            duration=timedelta(minutes=float(minutes)) if minutes is not None and minutes >= 0 else None,
            proctoring_flags=tuple(flag.strip() for flag in raw.get("proctoring_flags", "").split(";") if flag.strip()),
            report_url=report_url,
            raw_payload={"csv_line": row.line, **raw},
        )
        try:
            validate_test_log(values)
        except ValidationError as error:
            errors.extend(error.messages)
        row.values = values
    return CsvPreview(rows=rows)
