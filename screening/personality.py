"""Personality questionnaires: reading an instrument from CSV, and scoring the answers.

Scores are the mean answer per trait (reversed items reversed: on a 5-point scale a 5
counts as 1), rescaled to 0–100. They describe self-reported preferences and are not a
hiring decision by themselves; every page that shows them says so.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

TRAITS = ("openness", "conscientiousness", "extraversion", "agreeableness", "emotional_stability")
KEYINGS = ("positive", "reversed")
SELF_REPORT_NOTE = (
    "These scores summarise how the candidate described their own preferences. "
    "They are not a measure of ability and are not a hiring decision by themselves."
)
CSV_COLUMNS = ("order", "trait", "keying", "text")


class InstrumentFileError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class ItemRow:
    order: int
    trait: str
    keying: str
    text: str
    scale_points: int = 5


def read_instrument_csv(text: str) -> list[ItemRow]:
    """Rows of an instrument CSV (order, trait, keying, text[, scale_points]), all checked."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InstrumentFileError([f"Missing column(s): {', '.join(missing)}."])
    rows, errors, seen = [], [], set()
    for line, raw in enumerate(reader, start=2):
        try:
            order = int(raw["order"])
            scale = int(raw.get("scale_points") or 5)
        except (TypeError, ValueError):
            errors.append(f"Line {line}: order and scale_points must be whole numbers.")
            continue
        trait = (raw["trait"] or "").strip().lower().replace(" ", "_")
        keying = (raw["keying"] or "").strip().lower()
        text_value = (raw["text"] or "").strip()
        if trait not in TRAITS:
            errors.append(f"Line {line}: unknown trait {raw['trait']!r} (use one of {', '.join(TRAITS)}).")
        if keying not in KEYINGS:
            errors.append(f"Line {line}: keying must be 'positive' or 'reversed'.")
        if not text_value or len(text_value) > 300:
            errors.append(f"Line {line}: the item text must be 1–300 characters.")
        if not 2 <= scale <= 11:
            errors.append(f"Line {line}: scale_points must be between 2 and 11.")
        if order in seen:
            errors.append(f"Line {line}: order {order} is used twice.")
        seen.add(order)
        rows.append(ItemRow(order, trait, keying, text_value, scale))
    if not rows and not errors:
        errors.append("The file has no items.")
    if errors:
        raise InstrumentFileError(errors)
    return sorted(rows, key=lambda row: row.order)


def item_value(answer: int, *, keying: str, scale_points: int) -> int:
    return scale_points + 1 - answer if keying == "reversed" else answer


def trait_scores(items: Iterable, answers: Mapping[str, int]) -> dict[str, float]:
    """0–100 per trait present in the instrument; ``answers`` maps item id (as str) to 1..scale."""
    totals: dict[str, list[float]] = {}
    for item in items:
        answer = answers.get(str(item.pk))
        if answer is None:
            continue
        value = item_value(int(answer), keying=item.keying, scale_points=item.scale_points)
        totals.setdefault(item.trait, []).append((value - 1) / (item.scale_points - 1))
    return {trait: round(sum(values) / len(values) * 100, 1) for trait, values in totals.items() if values}


FIVE_POINT_LABELS = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree")


def scale_choices(scale_points: int) -> list[tuple[int, str]]:
    """(value, label) for each point; the ends are always labelled."""
    if scale_points == len(FIVE_POINT_LABELS):
        return list(enumerate(FIVE_POINT_LABELS, start=1))
    return [
        (value, "Strongly disagree" if value == 1 else "Strongly agree" if value == scale_points else str(value))
        for value in range(1, scale_points + 1)
    ]
