from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobs.skills import all_skill_names
from screening.scoring import (
    COMPONENTS,
    DEFAULT_WEIGHTS,
    InvalidWeights,
    JobCriteria,
    Weights,
    allocate_points,
    score_resume,
)

SKILLS = all_skill_names()[:60]


def parsed(skills=(), projects=0, certifications=0, education_level=None):
    return {
        "skills": list(skills),
        "projects": [{"name": f"P{i}", "description": ""} for i in range(projects)],
        "certifications": [f"Cert {i}" for i in range(certifications)],
        "education": [{"degree": "BSc", "level": education_level}] if education_level else [],
    }


@st.composite
def weights(draw):
    cents = draw(st.lists(st.integers(0, 100), min_size=5, max_size=5).filter(lambda xs: sum(xs) > 0))
    # Turn arbitrary non-negative integers into hundredths that sum to exactly 1.
    total = sum(cents)
    parts = [Decimal(c * 100 // total) for c in cents]
    parts[0] += 100 - sum(parts)
    return Weights(*[p / 100 for p in parts])


@st.composite
def criteria(draw):
    low = draw(st.none() | st.integers(0, 15))
    high = draw(st.none() | st.integers(low or 0, 25))
    return JobCriteria(
        must_have_skills=tuple(draw(st.lists(st.sampled_from(SKILLS), max_size=8, unique=True))),
        min_experience_years=low,
        max_experience_years=high,
        weights=draw(weights()),
        preferred_skills=tuple(draw(st.lists(st.sampled_from(SKILLS), max_size=5, unique=True))),
    )


resumes = st.builds(
    parsed,
    skills=st.lists(st.sampled_from(SKILLS), max_size=20, unique=True),
    projects=st.integers(0, 6),
    certifications=st.integers(0, 5),
    education_level=st.sampled_from([None, "diploma", "associate", "bachelor", "master", "doctorate"]),
)


@given(resumes, st.integers(0, 600), criteria())
def test_score_in_range_and_parts_sum_to_overall(resume, months, job):
    breakdown = score_resume(resume, months, job)
    assert Decimal(0) <= breakdown.overall_score <= Decimal(10)
    assert sum(breakdown.points.values()) == breakdown.overall_score
    for name in COMPONENTS:
        assert Decimal(0) <= breakdown.points[name] <= 10 * getattr(job.weights, name) + Decimal("0.01")


@given(resumes, st.integers(0, 600), criteria())
def test_deterministic(resume, months, job):
    assert score_resume(resume, months, job) == score_resume(dict(resume), months, job)


@given(resumes, st.integers(0, 600), criteria(), st.sampled_from(SKILLS))
def test_monotone_in_matched_skills(resume, months, job, extra_skill):
    before = score_resume(resume, months, job)
    more = dict(resume, skills=[*resume["skills"], extra_skill])
    after = score_resume(more, months, job)
    assert after.points["skills"] >= before.points["skills"]
    assert after.overall_score >= before.overall_score


@given(st.dictionaries(st.sampled_from(COMPONENTS), st.decimals(0, 10, places=6), min_size=5))
def test_allocation_sums_to_rounded_total(exact):
    points = allocate_points(exact)
    assert sum(points.values()) == sum(exact.values()).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert all(abs(points[k] - exact[k]) < Decimal("0.01") for k in exact)


def test_feedback_explains_each_component():
    job = JobCriteria(
        must_have_skills=("Python", "Django", "Kubernetes"), min_experience_years=3, max_experience_years=6
    )
    breakdown = score_resume(
        parsed(["Python", "Django", "Go"], projects=1, certifications=1, education_level="master"), 24, job
    )
    feedback = breakdown.feedback
    assert feedback["skills"]["matched"] == ["Python", "Django"]
    assert feedback["skills"]["missing"] == ["Kubernetes"]
    assert feedback["work_experience"]["months_found"] == 24
    assert feedback["work_experience"]["status"] == "below"
    assert feedback["work_experience"]["roles_counted"] == []
    assert feedback["projects"]["count"] == 1
    assert feedback["education"]["highest"] == "master"
    assert feedback["certifications"]["count"] == 1
    # 0.4*10*2/3 + 0.3*10*24/36 + 0.1*10/3 + 0.1*10 + 0.1*10/2
    assert breakdown.points == {
        "skills": Decimal("2.67"),
        "work_experience": Decimal("2.00"),
        "projects": Decimal("0.33"),
        "education": Decimal("1.00"),
        "certifications": Decimal("0.50"),
    }
    assert breakdown.overall_score == Decimal("6.50")
    assert sum(p["points"] for k, p in feedback.items() if k != "summary") == pytest.approx(6.5)


def test_experience_above_maximum_is_discounted_not_zeroed():
    job = JobCriteria(min_experience_years=2, max_experience_years=4)
    within = score_resume(parsed(), 36, job).points["work_experience"]
    above = score_resume(parsed(), 12 * 7, job).points["work_experience"]
    far_above = score_resume(parsed(), 12 * 30, job).points["work_experience"]
    assert within == Decimal("3.00")
    assert above == Decimal("2.10")
    assert far_above == Decimal("1.50")


def test_skills_are_compared_case_insensitively():
    job = JobCriteria(must_have_skills=("python",))
    assert score_resume(parsed(["Python"]), 0, job).feedback["skills"]["matched"] == ["python"]


@pytest.mark.parametrize(
    "values",
    [(0.5, 0.5, 0.5, 0, 0), (1.2, -0.2, 0, 0, 0), (0.2, 0.2, 0.2, 0.2, 0.1)],
)
def test_invalid_weights_are_refused(values):
    with pytest.raises(InvalidWeights):
        Weights(*values)


def test_default_weights_sum_to_one():
    assert sum(getattr(DEFAULT_WEIGHTS, n) for n in COMPONENTS) == 1


def test_feedback_lists_the_roles_that_were_counted():
    resume = parsed(["Python"])
    resume["experience"] = [{"title": "Developer", "company": "Acme", "start": "2020-01", "end": None, "months": 5}]
    feedback = score_resume(resume, 5, JobCriteria()).feedback
    assert feedback["work_experience"]["roles_counted"] == [
        {"title": "Developer", "company": "Acme", "start": "2020-01", "end": None}
    ]
