"""The OpenAPI schema of /api/v1/ documents the envelope the renderer really sends.

Its own module: REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] is resolved while drf-spectacular's
views are being defined, so it cannot live in the URLconf that imports them.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

ERROR_SCHEMA = {
    "type": "object",
    "required": ["success", "error", "message"],
    "properties": {
        "success": {"type": "boolean"},
        "error": {"type": "string", "description": "A stable code, e.g. validation_error or not_found."},
        "message": {"type": "string"},
        "details": {"type": "object", "additionalProperties": True},
    },
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid request (error: validation_error or parse_error); details name the fields.",
    "401": "No token, or an invalid or revoked one.",
    "403": "The token's user may not do this.",
    "404": "No such object, or not visible to the token's user.",
    "406": "Only application/json responses are offered.",
    "409": "Duplicate, or the same Idempotency-Key is still in progress.",
    "413": "The request or the uploaded file is too large.",
    "415": "Unsupported content type or file type.",
    "422": "The Idempotency-Key was used before for a different request.",
    "429": "Too many requests for this token; see Retry-After.",
}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "dashboard.api_auth.ApiTokenAuthentication"
    name = "ApiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token from Settings → API tokens: `Authorization: Bearer hb_…`.",
        }


class EnvelopeAutoSchema(AutoSchema):
    """Documents what the renderer sends: success bodies inside the envelope, and the error
    envelope for every error status an operation can answer with."""

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        if not str(status_code).startswith("2"):
            return response
        for media in response.get("content", {}).values():
            if not self._is_enveloped(media["schema"]):
                media["schema"] = {
                    "type": "object",
                    "required": ["success", "data"],
                    "properties": {"success": {"type": "boolean"}, "data": media["schema"]},
                }
        return response

    @staticmethod
    def _is_enveloped(schema: dict) -> bool:
        reference = schema.get("$ref", "")
        return reference.rsplit("/", 1)[-1].startswith("Paginated") or "success" in schema.get("properties", {})

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        component = ResolvedComponent(
            name="Error", type=ResolvedComponent.SCHEMA, schema=ERROR_SCHEMA, object="hireboard-error-envelope"
        )
        self.registry.register_on_missing(component)
        codes = ["400", "401", "403", "404", "406", "429"]
        if self.method == "POST":
            codes += ["409", "413", "415", "422"]
        for code in codes:
            responses.setdefault(
                code,
                {
                    "content": {"application/json": {"schema": component.ref}},
                    "description": ERROR_DESCRIPTIONS[code],
                },
            )
        return responses


OVERVIEW = """
Token-authenticated JSON API of Hireboard. The full guide, with examples, is docs/API.md.

**Authentication.** Create a personal token under *Settings → API tokens* (shown once) and
send `Authorization: Bearer hb_…`. The token acts with your role and sees what you see; an
object outside your scope is a 404, like a missing one.

**Envelope.** Success: `{"success": true, "data": …, "pagination": {…}}`. Errors:
`{"success": false, "error": "<code>", "message": "…", "details": {…}}` with status 400,
401, 403, 404, 409, 413, 415, 422 or 429 (with `Retry-After`).

**Pagination.** `page` and `limit` (at most 100), or `cursor=` (empty to start) for syncs
ordered by `(updated_at, id)`: follow `pagination.next` until it is null.

**Idempotency.** Send `Idempotency-Key` on POSTs: a retry returns the first answer and
creates nothing new.

**Webhooks.** Admins register endpoints under *Settings → Webhooks*. Each event is a signed
JSON POST: `X-Hireboard-Signature: t=<unix time>,v1=<HMAC-SHA256(secret, "<t>.<raw body>")>`.
""".strip()


def add_overview(result, generator, request, public):
    """drf-spectacular postprocessing hook: the overview on top of the interactive docs."""
    result["info"]["description"] = OVERVIEW
    return result
