"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse

from dashboard.access import public

logger = logging.getLogger(__name__)


@public
def liveness(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"
        return f"database: {error.__class__.__name__}"
    return None


def _check_broker() -> str | None:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:  # noqa: BLE001
        return f"broker: {error.__class__.__name__}"
    return None


@public
def readiness(request):
    problems = [problem for problem in (_check_database(), _check_broker()) if problem]
    if problems:
        logger.warning("Not ready: %s", ", ".join(problems))
        return JsonResponse({"status": "unavailable", "problems": problems}, status=503)
    return JsonResponse({"status": "ok", "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]})
