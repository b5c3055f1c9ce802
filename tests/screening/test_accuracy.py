"""Per-field parsing accuracy on the project's generated resumes (tests/data/resumes/).

Thresholds (also in docs/PERFORMANCE.md): email and phone 100 %, name ≥ 95 %,
skills F1 ≥ 0.90 (micro-averaged), months of experience within ±3 on ≥ 90 % of resumes,
each role's dates ≥ 90 %, titles and companies ≥ 80 % of roles,
and every unreadable file (scanned, encrypted) gets its expected status.
Regenerate the data with `.venv/bin/python tests/data/make_resumes.py`.
"""

import pytest

from tests.screening.accuracy import THRESHOLDS, load_cases, measure


@pytest.fixture(scope="module")
def accuracy():
    return measure()


def test_dataset_is_big_and_varied():
    cases = load_cases()
    assert len(cases) >= 30
    extensions = {case["file"].rsplit(".", 1)[1] for case in cases}
    assert {"pdf", "docx", "rtf", "odt", "txt"} <= extensions
    assert {"scanned", "encrypted", "pdf-two-columns", "pdf-table", "docx-header"} <= {c["layout"] for c in cases}
    names = [case["name"] for case in cases if case["status"] == "ok"]
    assert any(not name.isascii() for name in names)
    people = [case["name"] for case in cases if case["status"] == "ok"]
    assert len(people) > len(set(people)), "some people must appear as both DOCX and PDF"


def test_per_field_accuracy_meets_thresholds(accuracy):
    report, misses = accuracy
    lines = [f"{key}: {value:.3f}" if isinstance(value, float) else f"{key}: {value}" for key, value in report.items()]
    print("\nResume parsing accuracy\n  " + "\n  ".join(lines))
    failing = {key: report[key] for key, minimum in THRESHOLDS.items() if report[key] < minimum}
    assert not failing, f"below threshold: {failing}; misses: {misses}"
    assert report["statuses_ok"], misses
