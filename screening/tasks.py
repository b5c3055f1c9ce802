"""Thin, idempotent Celery wrappers: fetch by id, call the service."""

from smtplib import SMTPException

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


MAIL_RETRY = {
    "autoretry_for": (SMTPException, OSError),
    "retry_backoff": 30,
    "retry_backoff_max": 1800,
    "retry_jitter": True,
    "max_retries": 8,
    "ignore_result": True,
}


@shared_task(name="screening.send_application_confirmation", **MAIL_RETRY)
def send_application_confirmation_task(application_id: int) -> None:
    from screening.services import send_application_confirmation

    send_application_confirmation(application_id=application_id)


@shared_task(name="screening.send_screening_invitation", **MAIL_RETRY)
def send_screening_invitation_task(screening_id: int) -> None:
    from screening.services import send_screening_invitation

    send_screening_invitation(screening_id=screening_id)


@shared_task(name="screening.sweep_unparsed_resumes", ignore_result=True)
def sweep_unparsed_resumes() -> int:
    from config.tasks import enqueue_now
    from screening.services import resumes_awaiting_parse

    resume_ids = resumes_awaiting_parse()
    for resume_id in resume_ids:
        enqueue_now(parse_resume_task, resume_id)
    return len(resume_ids)
