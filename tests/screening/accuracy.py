"""Per-field parsing accuracy on the project's generated resumes (tests/data/resumes/).

Shared by tests/screening/test_accuracy.py (which enforces the thresholds) and
tests/bench/bench_screening.py (which publishes the numbers in docs/PERFORMANCE.md).
"""

import json
from datetime import date
from pathlib import Path

from screening.parsing import parse_resume

DATA = Path(__file__).resolve().parents[1] / "data" / "resumes"
THRESHOLDS = {
    "email": 1.0,
    "phone": 1.0,
    "name": 0.95,
    "skills_f1": 0.90,
    "experience": 0.90,
    "role_dates": 0.90,
    "role_titles": 0.80,
    "role_companies": 0.80,
}
EXPERIENCE_TOLERANCE_MONTHS = 3


def load_cases():
    return [json.loads(path.read_text()) for path in sorted(DATA.glob("*.expected.json"))]


def measure():
    cases = load_cases()
    readable = [case for case in cases if case["status"] == "ok"]
    hits = {"email": 0, "phone": 0, "name": 0, "experience": 0}
    true_positive = false_positive = false_negative = 0
    roles_total = roles_dated = roles_titled = roles_with_company = 0
    misses: list[str] = []
    statuses_ok = True
    for case in cases:
        outcome = parse_resume((DATA / case["file"]).read_bytes(), today=date.fromisoformat(case["as_of"]))
        if case["status"] != "ok":
            if outcome.status != case["status"]:
                statuses_ok = False
                misses.append(f"{case['file']}: status {outcome.status!r}, expected {case['status']!r}")
            continue
        fields = outcome.fields
        checks = {
            "email": fields["email"] == case["email"],
            "phone": fields["phone"] == case["phone"],
            "name": (fields["name"] or "").casefold() == case["name"].casefold(),
            "experience": abs(outcome.relevant_experience_in_months - case["relevant_experience_in_months"])
            <= EXPERIENCE_TOLERANCE_MONTHS,
        }
        for key, ok in checks.items():
            hits[key] += ok
            if not ok:
                misses.append(f"{case['file']}: {key}")
        roles_total += len(case["experience"])
        parsed_roles = {role["start"]: role for role in fields["experience"]}
        for role in case["experience"]:
            match = parsed_roles.get(role["start"])
            roles_dated += match is not None and match["end"] == role["end"]
            roles_titled += match is not None and match["title"] == role["title"]
            roles_with_company += match is not None and match["company"] == role["company"]
        found, expected = set(fields["skills"]), set(case["skills"])
        true_positive += len(found & expected)
        false_positive += len(found - expected)
        false_negative += len(expected - found)
        if found != expected:
            misses.append(f"{case['file']}: skills +{sorted(found - expected)} -{sorted(expected - found)}")
    precision = true_positive / ((true_positive + false_positive) or 1)
    recall = true_positive / ((true_positive + false_negative) or 1)
    report = {key: value / len(readable) for key, value in hits.items()}
    report.update(
        skills_precision=precision,
        skills_recall=recall,
        skills_f1=2 * precision * recall / ((precision + recall) or 1),
        role_dates=roles_dated / (roles_total or 1),
        role_titles=roles_titled / (roles_total or 1),
        role_companies=roles_with_company / (roles_total or 1),
        files=len(cases),
        statuses_ok=statuses_ok,
    )
    return report, misses
