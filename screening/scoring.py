"""Deterministic, explainable resume scoring against a job's criteria.

Each component (skills, work experience, projects, education, certifications) earns a
fraction in [0, 1]; its points are ``10 × weight × fraction``. Points are rounded to
hundredths with the largest-remainder method, so the five parts always add up exactly
to ``overall_score`` (0–10), and the overall equals the exact total rounded half-up.
Pure Python: the same inputs always give the same score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

COMPONENTS = ("skills", "work_experience", "projects", "education", "certifications")
SCORE_FIELDS = {
    "skills": "skills_score",
    "work_experience": "work_exp_score",
    "projects": "projects_score",
    "education": "education_score",
    "certifications": "certifications_score",
}
CENT = Decimal("0.01")
TEN = Decimal(10)
FRACTION_PLACES = Decimal("0.0001")

# When a job lists no must-have skills, this many recognised skills earn the full part.
SKILLS_FOR_FULL_BREADTH = 10
# Share of the skills part that preferred (nice-to-have) skills carry when both kinds exist.
PREFERRED_SKILLS_SHARE = Decimal("0.2")
# Without an experience requirement, this many months earn the full part.
MONTHS_FOR_FULL_EXPERIENCE_WITHOUT_REQUIREMENT = 36
# Above the job's maximum, each extra year costs this much, down to the floor.
OVER_MAXIMUM_PENALTY_PER_YEAR = Decimal("0.1")
OVER_MAXIMUM_FLOOR = Decimal("0.5")
PROJECTS_FOR_FULL = 3
MAX_ROLES_IN_FEEDBACK = 15
CERTIFICATIONS_FOR_FULL = 2
EDUCATION_FRACTIONS = {
    "doctorate": Decimal(1),
    "master": Decimal(1),
    "bachelor": Decimal("0.8"),
    "associate": Decimal("0.6"),
    "diploma": Decimal("0.4"),
    None: Decimal("0.3"),  # an institution or a degree we could not classify
}


class InvalidWeights(ValueError):
    pass


@dataclass(frozen=True)
class Weights:
    skills: Decimal
    work_experience: Decimal
    projects: Decimal
    education: Decimal
    certifications: Decimal

    def __post_init__(self) -> None:
        for name in COMPONENTS:
            value = Decimal(str(getattr(self, name)))
            object.__setattr__(self, name, value)
            if value < 0 or value > 1:
                raise InvalidWeights(f"The {name.replace('_', ' ')} weight must be between 0 and 1.")
        total = sum((getattr(self, name) for name in COMPONENTS), Decimal(0))
        if abs(total - 1) > Decimal("0.001"):
            raise InvalidWeights(f"Score weights must add up to 1 (they add up to {total.normalize()}).")

    @classmethod
    def from_object(cls, source) -> Weights:
        """From a ScoreWeight row or anything with the five attributes."""
        return cls(**{name: getattr(source, name) for name in COMPONENTS})

    def as_dict(self) -> dict[str, str]:
        return {name: str(getattr(self, name)) for name in COMPONENTS}


DEFAULT_WEIGHTS = Weights(
    skills=Decimal("0.4"),
    work_experience=Decimal("0.3"),
    projects=Decimal("0.1"),
    education=Decimal("0.1"),
    certifications=Decimal("0.1"),
)


@dataclass(frozen=True)
class JobCriteria:
    must_have_skills: tuple[str, ...] = ()
    min_experience_years: int | None = None
    max_experience_years: int | None = None
    weights: Weights = DEFAULT_WEIGHTS
    preferred_skills: tuple[str, ...] = ()

    @classmethod
    def for_job(cls, job, *, preferred_skills: Iterable[str] = ()) -> JobCriteria:
        return cls(
            must_have_skills=tuple(job.must_have_skills or ()),
            min_experience_years=job.min_experience,
            max_experience_years=job.max_experience,
            weights=Weights.from_object(job.score_weight) if job.score_weight_id else DEFAULT_WEIGHTS,
            preferred_skills=tuple(preferred_skills),
        )


@dataclass(frozen=True)
class ScoreBreakdown:
    points: Mapping[str, Decimal]
    overall_score: Decimal
    feedback: dict = field(default_factory=dict)
    weights: dict = field(default_factory=dict)

    def model_fields(self) -> dict:
        """Keyword arguments for ResumeScore."""
        values = {SCORE_FIELDS[name]: self.points[name] for name in COMPONENTS}
        values.update(overall_score=self.overall_score, feedback=self.feedback, weights=self.weights)
        return values


def _fraction(value: Decimal) -> Decimal:
    return min(Decimal(1), max(Decimal(0), value)).quantize(FRACTION_PLACES, rounding=ROUND_HALF_UP)


def _skill_set(names: Iterable[str]) -> dict[str, str]:
    return {name.casefold(): name for name in names if name}


def score_skills(resume_skills: Iterable[str], criteria: JobCriteria) -> tuple[Decimal, dict]:
    have = _skill_set(resume_skills)
    must = _skill_set(criteria.must_have_skills)
    preferred = {k: v for k, v in _skill_set(criteria.preferred_skills).items() if k not in must}
    matched = [name for key, name in must.items() if key in have]
    missing = [name for key, name in must.items() if key not in have]
    preferred_matched = [name for key, name in preferred.items() if key in have]
    must_fraction = Decimal(len(matched)) / len(must) if must else None
    preferred_fraction = Decimal(len(preferred_matched)) / len(preferred) if preferred else None
    if must_fraction is not None and preferred_fraction is not None:
        fraction = must_fraction * (1 - PREFERRED_SKILLS_SHARE) + preferred_fraction * PREFERRED_SKILLS_SHARE
        explanation = (
            f"{len(matched)} of {len(must)} must-have skills and "
            f"{len(preferred_matched)} of {len(preferred)} skills from the job description"
        )
    elif must_fraction is not None:
        fraction = must_fraction
        explanation = f"{len(matched)} of {len(must)} must-have skills"
    elif preferred_fraction is not None:
        fraction = preferred_fraction
        explanation = f"{len(preferred_matched)} of {len(preferred)} skills from the job description"
    else:
        fraction = Decimal(min(len(have), SKILLS_FOR_FULL_BREADTH)) / SKILLS_FOR_FULL_BREADTH
        explanation = (
            f"The job lists no must-have skills; {len(have)} recognised skills "
            f"(full marks from {SKILLS_FOR_FULL_BREADTH})"
        )
    return _fraction(fraction), {
        "must_have": list(must.values()),
        "matched": matched,
        "missing": missing,
        "preferred_matched": preferred_matched,
        "resume_skill_count": len(have),
        "explanation": explanation,
    }


def _years(months: int) -> float:
    return round(months / 12, 1)


def score_experience(months: int, criteria: JobCriteria) -> tuple[Decimal, dict]:
    months = max(0, int(months or 0))
    low, high = criteria.min_experience_years, criteria.max_experience_years
    detail = {
        "months_found": months,
        "years_found": _years(months),
        "required_min_years": low,
        "required_max_years": high,
    }
    if low is None and high is None:
        fraction = Decimal(min(months, MONTHS_FOR_FULL_EXPERIENCE_WITHOUT_REQUIREMENT)) / (
            MONTHS_FOR_FULL_EXPERIENCE_WITHOUT_REQUIREMENT
        )
        detail["explanation"] = (
            f"No experience requirement; {_years(months)} years found "
            f"(full marks from {MONTHS_FOR_FULL_EXPERIENCE_WITHOUT_REQUIREMENT // 12} years)"
        )
    elif low and months < low * 12:
        fraction = Decimal(months) / (low * 12)
        detail["explanation"] = f"{_years(months)} years found, {low} required"
        detail["status"] = "below"
    elif high is not None and months > high * 12:
        extra_years = Decimal(months - high * 12) / 12
        fraction = max(OVER_MAXIMUM_FLOOR, 1 - extra_years * OVER_MAXIMUM_PENALTY_PER_YEAR)
        detail["explanation"] = f"{_years(months)} years found, above the {high}-year maximum"
        detail["status"] = "above"
    else:
        fraction = Decimal(1)
        wanted = f"{low or 0}–{high}" if high is not None else f"at least {low}"
        detail["explanation"] = f"{_years(months)} years found, {wanted} wanted"
        detail["status"] = "within"
    return _fraction(fraction), detail


def score_projects(projects: list, _criteria: JobCriteria) -> tuple[Decimal, dict]:
    count = len(projects or [])
    fraction = Decimal(min(count, PROJECTS_FOR_FULL)) / PROJECTS_FOR_FULL
    return _fraction(fraction), {
        "count": count,
        "names": [p.get("name", "") if isinstance(p, dict) else str(p) for p in projects or []][:10],
        "explanation": f"{count} projects (full marks from {PROJECTS_FOR_FULL})",
    }


def _level_rank(level: str | None) -> Decimal:
    return EDUCATION_FRACTIONS.get(level, EDUCATION_FRACTIONS[None])


def score_education(education: list, _criteria: JobCriteria) -> tuple[Decimal, dict]:
    entries = [e for e in education or [] if isinstance(e, dict)]
    if not entries:
        return Decimal(0), {"highest": None, "explanation": "No education found"}
    best = max(entries, key=lambda e: _level_rank(e.get("level")))
    fraction = _level_rank(best.get("level"))
    label = best.get("degree") or best.get("institution") or "education"
    return _fraction(fraction), {
        "highest": best.get("level"),
        "degree": best.get("degree", ""),
        "institution": best.get("institution", ""),
        "explanation": f"Highest: {label}" + (f" ({best['level']})" if best.get("level") else ""),
    }


def score_certifications(certifications: list, _criteria: JobCriteria) -> tuple[Decimal, dict]:
    count = len(certifications or [])
    fraction = Decimal(min(count, CERTIFICATIONS_FOR_FULL)) / CERTIFICATIONS_FOR_FULL
    return _fraction(fraction), {
        "count": count,
        "names": list(certifications or [])[:10],
        "explanation": f"{count} certifications (full marks from {CERTIFICATIONS_FOR_FULL})",
    }


def allocate_points(exact: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Round each part to hundredths so the parts sum to the rounded exact total
    (largest-remainder method; ties go to the earlier component)."""
    floors = {name: value.quantize(CENT, rounding=ROUND_FLOOR) for name, value in exact.items()}
    target = sum(exact.values(), Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)
    leftover = int((target - sum(floors.values(), Decimal(0))) / CENT)
    order = sorted(exact, key=lambda name: (-(exact[name] - floors[name]), COMPONENTS.index(name)))
    for name in order[:leftover]:
        floors[name] += CENT
    return floors


def score_resume(parsed: Mapping, relevant_experience_in_months: int, criteria: JobCriteria) -> ScoreBreakdown:
    experience_fraction, experience_detail = score_experience(relevant_experience_in_months, criteria)
    experience_detail["roles_counted"] = [
        {key: role.get(key) for key in ("title", "company", "start", "end")}
        for role in (parsed.get("experience") or [])[:MAX_ROLES_IN_FEEDBACK]
        if isinstance(role, dict)
    ]
    fractions_and_details = {
        "skills": score_skills(parsed.get("skills") or [], criteria),
        "work_experience": (experience_fraction, experience_detail),
        "projects": score_projects(parsed.get("projects") or [], criteria),
        "education": score_education(parsed.get("education") or [], criteria),
        "certifications": score_certifications(parsed.get("certifications") or [], criteria),
    }
    weights = criteria.weights
    exact = {name: TEN * getattr(weights, name) * fractions_and_details[name][0] for name in COMPONENTS}
    points = allocate_points(exact)
    overall = sum(points.values(), Decimal(0))
    feedback: dict = {}
    for name in COMPONENTS:
        fraction, detail = fractions_and_details[name]
        feedback[name] = {
            **detail,
            "fraction": float(fraction),
            "weight": float(getattr(weights, name)),
            "points": float(points[name]),
            "max_points": float(TEN * getattr(weights, name)),
        }
    skills_detail = feedback["skills"]
    experience_detail = feedback["work_experience"]
    feedback["summary"] = {
        "overall_score": float(overall),
        "matched_must_have": skills_detail["matched"],
        "missing_must_have": skills_detail["missing"],
        "experience_months_found": experience_detail["months_found"],
        "experience_required": [criteria.min_experience_years, criteria.max_experience_years],
    }
    return ScoreBreakdown(points=points, overall_score=overall, feedback=feedback, weights=weights.as_dict())
