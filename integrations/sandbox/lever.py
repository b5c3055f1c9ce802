"""Sandbox Lever v1 (base path ``/v1``)."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

from integrations.providers.lever import sign_webhook

from .core import Application, HttpError, Request, Response, SandboxApp

PREFIX = "/v1"
ERROR_CODES = {
    400: "BadRequestError",
    401: "UnauthorizedError",
    403: "ForbiddenError",
    404: "ResourceNotFound",
    405: "MethodNotAllowed",
    415: "UnsupportedMediaType",
    422: "BadRequestError",
    429: "TooManyRequests",
}


def _ms(timestamp: float) -> int:
    return int(timestamp * 1000)


class LeverSandbox(SandboxApp):
    provider = "lever"
    default_rate_limit = 10  # 10 requests per second steady state
    default_rate_window = 1.0

    def register_routes(self) -> None:
        route = self.route
        route("GET", PREFIX + "/users", self.list_users)
        route("GET", PREFIX + "/postings", self.list_postings)
        route("GET", PREFIX + "/stages", self.list_stages)
        route("GET", PREFIX + "/archive_reasons", self.list_reasons)
        route("GET", PREFIX + "/opportunities", self.list_opportunities)
        route("POST", PREFIX + "/opportunities", self.create_opportunity)
        route("GET", PREFIX + "/opportunities/{id}", self.get_opportunity)
        route("PUT", PREFIX + "/opportunities/{id}/stage", self.change_stage)
        route("PUT", PREFIX + "/opportunities/{id}/archived", self.archive)
        route("POST", PREFIX + "/opportunities/{id}/notes", self.add_note_route)
        route("POST", PREFIX + "/opportunities/{id}/files", self.add_file)

    def seed(self, jobs: int) -> None:
        def make_job(number: int) -> dict[str, Any]:
            posting_id = str(uuid.uuid5(uuid.NAMESPACE_OID, f"lever-posting-{number}"))
            return {
                "id": posting_id,
                "text": f"Sandbox role {number}",
                "state": "published",
                "categories": {"team": "Engineering", "location": "Toronto", "commitment": "Full-time"},
                "content": {"description": "Sandbox job", "descriptionHtml": "<p>Sandbox job</p>"},
                "createdAt": _ms(time.time() - 86400 * (jobs - number + 1)),
                "urls": {
                    "show": f"https://jobs.lever.co/sandbox/{posting_id}",
                    "apply": f"https://jobs.lever.co/sandbox/{posting_id}/apply",
                },
            }

        self._seed_common(jobs, make_job=make_job, shared_stages=True)
        self.store.users = [
            {
                "id": str(uuid.uuid5(uuid.NAMESPACE_OID, "lever-user")),
                "name": "Sandbox Admin",
                "email": "admin@sandbox.test",
            }
        ]

    # ---- protocol -------------------------------------------------------------------------

    def authenticate(self, request: Request) -> str:
        expected = "Basic " + base64.b64encode(f"{self.token}:".encode()).decode()
        if request.headers.get("Authorization", "") != expected:
            raise HttpError(401, "Invalid API key")
        if request.method != "GET" and request.arg("perform_as") not in {user["id"] for user in self.store.users}:
            raise HttpError(400, "perform_as must be the id of an active user")
        return self.token

    def error_body(self, status: int, message: str, code: str) -> Any:
        return {"code": ERROR_CODES.get(status, "InternalServerError"), "message": message}

    def _page(self, request: Request, items: list[Any]) -> Response:
        limit = self.int_arg(request, "limit", 100, high=100)
        offset = request.arg("offset")
        start = 0
        if offset:
            try:
                start = int(base64.urlsafe_b64decode(offset.encode()).decode())
            except (ValueError, UnicodeDecodeError):
                raise HttpError(400, "Invalid offset token") from None
        chunk = items[start : start + limit]
        has_next = start + limit < len(items)
        body: dict[str, Any] = {"data": chunk, "hasNext": has_next}
        if has_next:
            body["next"] = base64.urlsafe_b64encode(str(start + limit).encode()).decode()
        return Response(200, body)

    # ---- reads ------------------------------------------------------------------------------

    def list_users(self, request: Request) -> Response:
        return self._page(request, self.store.users)

    def list_postings(self, request: Request) -> Response:
        state = request.arg("state")
        return self._page(request, [job for job in self.store.jobs.values() if not state or job["state"] == state])

    def list_stages(self, request: Request) -> Response:
        first_job = next(iter(self.store.stages))
        return Response(
            200, {"data": [{"id": stage["id"], "text": stage["name"]} for stage in self.store.stages[first_job]]}
        )

    def list_reasons(self, request: Request) -> Response:
        reasons = [{"id": reason["id"], "text": reason["name"], "type": "non-hired"} for reason in self.store.reasons]
        return Response(200, {"data": reasons + [{"id": "hired", "text": "Hired", "type": "hired"}]})

    def opportunity_json(self, application: Application, *, expand: bool) -> dict[str, Any]:
        person = self.store.candidates[application.candidate_id]
        application_entry: Any = (
            {"id": f"app-{application.id}", "posting": application.job_id, "type": "posting"}
            if expand
            else f"app-{application.id}"
        )
        return {
            "id": application.id,
            "name": person["name"],
            "headline": person.get("headline", ""),
            "contact": application.candidate_id,
            "emails": [person["email"]],
            "phones": person.get("phones", []),
            "stage": application.stage_id,
            "archived": {"reason": application.disqualify_reason_id, "archivedAt": _ms(application.updated_at)}
            if application.disqualified
            else None,
            "origin": person.get("origin", "applied"),
            "applications": [application_entry],
            "createdAt": _ms(application.created_at),
            "updatedAt": _ms(application.updated_at),
        }

    def list_opportunities(self, request: Request) -> Response:
        email = (request.arg("email") or "").lower()
        updated_start = request.arg("updated_at_start")
        expand = "applications" in request.query.get("expand", [])
        with self.store.lock:
            items = [
                self.opportunity_json(app, expand=expand)
                for app in self.store.applications.values()
                if (not email or self.store.candidates[app.candidate_id]["email"].lower() == email)
                and (not updated_start or _ms(app.updated_at) >= int(updated_start))
            ]
        return self._page(request, items)

    def get_opportunity(self, request: Request) -> Response:
        application = self.store.application(request.params["id"])
        return Response(
            200, {"data": self.opportunity_json(application, expand="applications" in request.query.get("expand", []))}
        )

    # ---- writes -----------------------------------------------------------------------------

    def create_opportunity(self, request: Request) -> Response:
        content_type = request.headers.get("Content-Type", "")
        resume_name = ""
        if content_type.startswith("application/json"):
            body = request.json()
            name, emails, postings = body.get("name"), body.get("emails") or [], body.get("postings") or []
            stage, phones = body.get("stage"), body.get("phones") or []
        else:
            fields, files = request.form()

            def many(*names: str) -> list[str]:
                return [value for name in names for value in fields.get(name, [])]

            name = (fields.get("name") or [""])[0]
            emails = many("emails[]", "emails")
            postings = many("postings[]", "postings", "posting")
            stage = (fields.get("stage") or [None])[0]
            phones = [
                {"type": (fields.get("phones[0][type]") or ["other"])[0], "value": value}
                for value in fields.get("phones[0][value]", [])
            ]
            uploads = (
                files.get("resumeFile")
                or files.get("resume")
                or next((value for key, value in files.items() if key.startswith("files[")), [])
            )
            if uploads:
                resume_name = uploads[0][0]
        if not name:
            raise HttpError(400, "name is required")
        if len(postings) > 1:
            raise HttpError(400, "An opportunity can be created for at most one posting")
        with self.store.lock:
            # Lever dedupes on email: same contact, new opportunity.
            contact = next(
                (
                    person
                    for person in self.store.candidates.values()
                    if emails and person["email"].lower() == emails[0].lower()
                ),
                None,
            )
            if contact is None:
                contact = {
                    "id": str(uuid.uuid4()),
                    "name": name,
                    "email": emails[0] if emails else "",
                    "phones": phones,
                    "files": [],
                }
                self.store.candidates[contact["id"]] = contact
            if resume_name:
                contact["files"].append(resume_name)
                self.count("attachments")
            job_id = postings[0] if postings else next(iter(self.store.jobs))
            if job_id not in self.store.jobs:
                raise HttpError(400, f"Posting {job_id} does not exist")
            application = self.add_application(
                candidate_id=contact["id"], job_id=job_id, stage_id=stage, app_id=str(uuid.uuid4())
            )
            return Response(201, {"data": self.opportunity_json(application, expand=False)})

    def change_stage(self, request: Request) -> Response:
        stage = request.json().get("stage")
        if not stage:
            raise HttpError(400, "stage is required")
        application = self.store.application(request.params["id"])
        if stage not in self.store.stage_ids(application.job_id):
            raise HttpError(400, f"Stage {stage} does not exist")
        self.move(application.id, stage)
        return Response(200, {"data": self.opportunity_json(application, expand=False)})

    def archive(self, request: Request) -> Response:
        reason = request.json().get("reason")
        application = self.store.application(request.params["id"])
        if reason is None:
            with self.store.lock:
                application.disqualified = False
        else:
            if reason not in {item["id"] for item in self.store.reasons}:
                raise HttpError(400, f"Archive reason {reason} does not exist")
            self.disqualify(application.id, reason_id=reason)
        return Response(200, {"data": self.opportunity_json(application, expand=False)})

    def add_note_route(self, request: Request) -> Response:
        value = request.json().get("value")
        if not value:
            raise HttpError(400, "value is required")
        self.note(request.params["id"], value)
        return Response(201, {"data": {"noteId": str(uuid.uuid4())}})

    def add_file(self, request: Request) -> Response:
        application = self.store.application(request.params["id"])
        _, files = request.form()
        if "file" not in files:
            raise HttpError(400, "file is required")
        with self.store.lock:
            self.store.candidates[application.candidate_id]["files"].append(files["file"][0][0])
        return Response(201, {"data": {"id": str(uuid.uuid4()), "name": files["file"][0][0]}})

    # ---- webhooks ----------------------------------------------------------------------------

    def _fire(self, event: str, application: Application, extra: dict[str, Any]) -> None:
        if not self.webhook_url:
            return
        token = uuid.uuid4().hex
        triggered_at = _ms(time.time())
        payload = {
            "token": token,
            "triggeredAt": triggered_at,
            "signature": sign_webhook(self.webhook_secret, token, triggered_at),
            "event": event,
            "data": {"opportunityId": application.id, "contactId": application.candidate_id, **extra},
        }
        self.send_webhook(json.dumps(payload).encode(), {})

    def on_application_created(self, application: Application) -> None:
        self._fire("applicationCreated", application, {"postingId": application.job_id})

    def on_application_moved(self, application: Application) -> None:
        previous = application.moves[-2] if len(application.moves) > 1 else None
        self._fire("candidateStageChange", application, {"fromStageId": previous, "toStageId": application.stage_id})

    def on_application_disqualified(self, application: Application) -> None:
        self._fire("candidateArchiveChange", application, {"toArchived": {"reason": application.disqualify_reason_id}})
