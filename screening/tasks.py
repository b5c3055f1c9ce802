"""Thin, idempotent Celery wrappers: fetch by id, call the service."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from screening.models import Resume

# A one-page resume parses in milliseconds; these limits only stop a pathological file.
PARSE_SOFT_TIME_LIMIT = 60
PARSE_TIME_LIMIT = 90


@shared_task(
    name="screening.parse_resume",
    soft_time_limit=PARSE_SOFT_TIME_LIMIT,
    time_limit=PARSE_TIME_LIMIT,
    acks_late=True,
    ignore_result=True,
)
def parse_resume_task(resume_id: int) -> None:
    from screening.services import process_resume

    try:
        process_resume(resume_id=resume_id)
    except SoftTimeLimitExceeded:
        Resume.objects.unscoped().filter(pk=resume_id).exclude(status=Resume.Status.PARSED).update(
            status=Resume.Status.FAILED, status_text="Parsing took too long and was stopped.", completed=True
        )


@shared_task(name="screening.rescore_job", acks_late=True, ignore_result=True, soft_time_limit=1800, time_limit=1900)
def rescore_job_task(run_id: int) -> None:
    from screening.services import run_rescore

    run_rescore(run_id=run_id)
