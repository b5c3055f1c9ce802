"""Constraints live in the database, not only in forms."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from candidates.models import Application, Candidate
from jobs.models import ScoreWeight, Stage
from tests.factories import ApplicationFactory, CandidateFactory, JobFactory, OrganizationFactory


@pytest.mark.django_db
def test_duplicate_email_in_one_org_is_rejected_case_insensitively():
    org = OrganizationFactory()
    CandidateFactory(org=org, email="ada@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidate.objects.create(org=org, name="Ada again", email="ADA@example.com")


@pytest.mark.django_db
def test_same_email_in_two_orgs_is_fine():
    CandidateFactory(org=OrganizationFactory(), email="ada@example.com")
    CandidateFactory(org=OrganizationFactory(), email="ada@example.com")
    assert Candidate.objects.filter(email="ada@example.com").count() == 2


@pytest.mark.django_db
def test_one_application_per_candidate_and_job():
    application = ApplicationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            org=application.org, candidate=application.candidate, job=application.job, stage=application.stage
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "weights, ok",
    [
        ({}, True),
        (
            {
                "skills": Decimal("0.20"),
                "work_experience": Decimal("0.20"),
                "projects": Decimal("0.20"),
                "education": Decimal("0.20"),
                "certifications": Decimal("0.20"),
            },
            True,
        ),
        ({"skills": Decimal("0.90")}, False),
        ({"skills": Decimal("0.00")}, False),
    ],
)
def test_weights_sum_to_one(weights, ok):
    if ok:
        ScoreWeight.objects.create(**weights)
    else:
        with pytest.raises(IntegrityError), transaction.atomic():
            ScoreWeight.objects.create(**weights)


@pytest.mark.django_db
def test_stage_order_unique_per_pipeline():
    job = JobFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Stage.objects.create(pipeline=job.pipeline, name="Duplicate order", order=1)


@pytest.mark.django_db
def test_experience_range_ordered():
    with pytest.raises(IntegrityError), transaction.atomic():
        JobFactory(min_experience=5, max_experience=2)
