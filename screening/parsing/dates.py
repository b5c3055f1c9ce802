"""Date ranges in work history and the months of experience they add up to.

Conventions (documented in docs/PERFORMANCE.md and relied on by the tests):
- a month is counted when any part of it is covered; ranges are inclusive at both ends;
- a year without a month starts in January and ends in December (capped at today);
- "Present", "Current", "Now", "Today", "Ongoing" and "to date" mean today's month;
- overlapping or touching roles are counted once (the union of covered months);
- a range that ends before it starts, or starts in the future, counts nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip

_MONTH_NAME = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_YEAR = r"(?:19[5-9]\d|20\d\d)"
_DATE = (
    rf"(?:{_MONTH_NAME}\.?,?\s*{_YEAR}"  # Mar 2019, March, 2019, Sept. 2019
    rf"|(?:0?[1-9]|1[0-2])\s*[/.]\s*{_YEAR}"  # 03/2019, 3.2019
    rf"|{_YEAR}\s*[/.-]\s*(?:0[1-9]|1[0-2])(?![\d/])"  # 2019-03, 2019/03
    rf"|{_YEAR})"
)
_PRESENT = r"(?:present|current(?:ly)?|now|today|ongoing|to\s+date|till\s+date|date)"
_SEPARATOR = r"\s*(?:[-–—~]+|to|until|till|through|thru)\s*"

RANGE_RE = re.compile(
    rf"(?<![\w/.])(?P<start>{_DATE}){_SEPARATOR}(?P<end>{_DATE}|{_PRESENT})(?![\w/])",
    re.IGNORECASE,
)
_MONTH_YEAR_RE = re.compile(rf"(?P<month>{_MONTH_NAME})\.?,?\s*(?P<year>{_YEAR})", re.IGNORECASE)
_NUMERIC_MONTH_YEAR_RE = re.compile(rf"(?P<month>0?[1-9]|1[0-2])\s*[/.]\s*(?P<year>{_YEAR})")
_YEAR_MONTH_RE = re.compile(rf"(?P<year>{_YEAR})\s*[/.-]\s*(?P<month>0[1-9]|1[0-2])")
_YEAR_RE = re.compile(_YEAR)
_PRESENT_RE = re.compile(_PRESENT, re.IGNORECASE)
YEAR_RE = re.compile(rf"(?<!\d){_YEAR}(?!\d)")


@dataclass(frozen=True)
class YearMonth:
    year: int
    month: int

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @classmethod
    def of(cls, day: date) -> YearMonth:
        return cls(day.year, day.month)


@dataclass(frozen=True)
class DateRange:
    start: YearMonth
    end: YearMonth | None  # None: still ongoing
    text: str
    span: tuple[int, int]

    def months(self, today: date) -> int:
        return len(covered_months([self], today))


def parse_date_token(token: str, *, is_end: bool) -> YearMonth | None:
    token = token.strip()
    for pattern in (_MONTH_YEAR_RE, _YEAR_MONTH_RE, _NUMERIC_MONTH_YEAR_RE):
        match = pattern.fullmatch(token)
        if match:
            raw_month = match.group("month")
            month = MONTHS[raw_month.lower().rstrip(".")] if raw_month[0].isalpha() else int(raw_month)
            return YearMonth(int(match.group("year")), month)
    if _YEAR_RE.fullmatch(token):
        return YearMonth(int(token), 12 if is_end else 1)
    return None


def find_date_ranges(text: str) -> list[DateRange]:
    ranges = []
    for match in RANGE_RE.finditer(text):
        start = parse_date_token(match.group("start"), is_end=False)
        end_text = match.group("end")
        end = None if _PRESENT_RE.fullmatch(end_text.strip()) else parse_date_token(end_text, is_end=True)
        if start is None:
            continue
        ranges.append(DateRange(start=start, end=end, text=match.group(), span=match.span()))
    return ranges


def covered_months(ranges: list[DateRange], today: date) -> set[int]:
    now = YearMonth.of(today).index
    months: set[int] = set()
    for item in ranges:
        first = item.start.index
        last = min(now, item.end.index if item.end is not None else now)
        if first <= last:
            months.update(range(first, last + 1))
    return months


def total_experience_months(ranges: list[DateRange], today: date) -> int:
    return len(covered_months(ranges, today))


def months_from_roles(roles: list[dict], today: date) -> int:
    """Recount stored roles ({"start": "YYYY-MM", "end": "YYYY-MM" | None}) as of ``today``,
    so a current job keeps counting after the resume was parsed."""
    ranges = []
    for role in roles:
        try:
            start_year, start_month = (int(part) for part in str(role["start"]).split("-"))
            end = role.get("end")
            end_ym = YearMonth(*(int(part) for part in str(end).split("-"))) if end else None
        except (KeyError, TypeError, ValueError):
            continue
        ranges.append(DateRange(start=YearMonth(start_year, start_month), end=end_ym, text="", span=(0, 0)))
    return total_experience_months(ranges, today)
