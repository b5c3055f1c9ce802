"""Read queries for jobs, always starting from the user's scope."""

from __future__ import annotations

from django.db.models import QuerySet

from dashboard.models import User
from jobs.models import Job, JobShare


def jobs_for_list(*, user: User) -> QuerySet[Job]:
    return Job.objects.visible_to(user).with_applicant_counts().select_related("owner")


def job_for_detail(*, user: User) -> QuerySet[Job]:
    return Job.objects.visible_to(user).select_related("owner", "pipeline", "score_weight")


def shares_of_job(*, user: User, job: Job) -> QuerySet[JobShare]:
    return JobShare.objects.visible_to(user).filter(job=job).select_related("user", "shared_by").order_by("-shared_at")


def share_candidates(*, user: User, job: Job) -> QuerySet[User]:
    """Active colleagues the job can still be shared with."""
    already = JobShare.objects.visible_to(user).filter(job=job).values("user_id")
    return (
        User.objects.visible_to(user)
        .filter(is_active=True)
        .exclude(pk=job.owner_id)
        .exclude(pk__in=already)
        .order_by("name", "email")
    )
