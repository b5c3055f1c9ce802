from datetime import timedelta

import pytest
from django.utils import timezone

from screening.models import Resume
from screening.services import resumes_awaiting_parse
from screening.tasks import sweep_unparsed_resumes
from tests.factories import ApplicationFactory


@pytest.mark.django_db
def test_the_sweep_finds_resumes_whose_parse_was_never_picked_up():
    application = ApplicationFactory()
    stuck = Resume.objects.create(
        org=application.org, candidate=application.candidate, job=application.job, status=Resume.Status.PENDING
    )
    fresh = ApplicationFactory(job=application.job)
    just_uploaded = Resume.objects.create(
        org=fresh.org, candidate=fresh.candidate, job=fresh.job, status=Resume.Status.PENDING
    )
    Resume.objects.filter(pk=stuck.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    assert resumes_awaiting_parse() == [stuck.pk]
    # Eager here: the re-enqueued parse runs and finishes the resume (its file is missing).
    assert sweep_unparsed_resumes() == 1
    stuck.refresh_from_db()
    assert stuck.status == Resume.Status.FAILED and "missing" in stuck.status_text
    just_uploaded.refresh_from_db()
    assert just_uploaded.status == Resume.Status.PENDING
