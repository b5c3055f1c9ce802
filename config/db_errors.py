"""A lost database connection is a clean, retryable 503, not a 500.

The request's transaction was rolled back by the database when the connection went, so
nothing is half-written; the connection is closed here so the next request opens a fresh one.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError, connections
from django.template.response import TemplateResponse

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable during %s %s: %s", request.method, request.path, exception)
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
            if connection.connection is not None and not connection.is_usable():
                connection.close()
        response = TemplateResponse(request, "errors/503.html", status=503)
        response["Retry-After"] = "5"
        response.render()
        return response
