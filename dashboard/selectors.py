from __future__ import annotations

from django.utils import timezone

from candidates.models import Application
from dashboard.models import User
from jobs.models import Job


def home_summary(*, user: User) -> dict[str, int]:
    visible_jobs = Job.objects.visible_to(user)
    today_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    applications = Application.objects.visible_to(user)
    return {
        "visible_jobs_count": visible_jobs.count(),
        "open_jobs_count": visible_jobs.open().count(),
        "applicants_today_count": applications.filter(applied_at__gte=today_start).count(),
        "applications_count": applications.count(),
    }
