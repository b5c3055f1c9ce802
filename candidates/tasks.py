from celery import shared_task

from candidates.privacy import anonymise_inactive_candidates


@shared_task(name="candidates.anonymise_inactive")
def anonymise_inactive() -> int:
    return anonymise_inactive_candidates()
