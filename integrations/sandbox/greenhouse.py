"""Sandbox Greenhouse Harvest v1 (base path ``/v1``)."""

from __future__ import annotations

import base64
import binascii
import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from dateutil.parser import isoparse

from integrations.providers.greenhouse import sign_webhook

from .core import Application, HttpError, Request, Response, SandboxApp

PREFIX = "/v1"
# The field names ``PUT /v1/candidates/{id}/anonymize?fields=`` accepts (Harvest v1 docs).
ANONYMIZABLE_FIELDS = frozenset(
    [
        "full_name",
        "current_company",
        "current_title",
        "tags",
        "phone_numbers",
        "emails",
        "social_media_links",
        "websites",
        "addresses",
        "location",
        "custom_candidate_fields",
        "source",
        "recruiter",
        "coordinator",
        "attachments",
        "application_questions",
        "referral_questions",
        "notes",
        "rejection_notes",
        "email_addresses",
        "activity_items",
        "innotes",
        "inmails",
        "rejection_reason",
        "scorecards_and_interviews",
        "offers",
        "credited_to",
        "headline",
        "all_offer_versions",
        "follow_up_reminders",
        "candidate_photo",
        "custom_application_fields",
        "education",
        "employment",
        "candidate_stage_data",
        "prospect_owner",
        "custom_rejection_question_fields",
        "touchpoints",
        "prospect_pool_and_stage",
        "prospect_jobs",
        "prospect_offices",
        "prospect_offices_and_departments",
        "third_party_integrations",
    ]
)
# anonymize field -> the stored list it empties
_LIST_FIELDS = {
    "phone_numbers": "phone_numbers",
    "addresses": "addresses",
    "websites": "website_addresses",
    "attachments": "attachments",
}


def _iso(timestamp: float | None) -> str | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC).isoformat().replace("+00:00", "Z")


class GreenhouseSandbox(SandboxApp):
    provider = "greenhouse"
    default_rate_limit = 50  # per 10 s, as in the Harvest docs' example
    default_rate_window = 10.0

    def register_routes(self) -> None:
        route = self.route
        route("GET", PREFIX + "/users", self.list_users)
        route("GET", PREFIX + "/jobs", self.list_jobs)
        route("GET", PREFIX + "/jobs/{id}/stages", self.job_stages)
        route("GET", PREFIX + "/rejection_reasons", self.list_reasons)
        route("GET", PREFIX + "/candidates", self.list_candidates)
        route("POST", PREFIX + "/candidates", self.create_candidate)
        route("POST", PREFIX + "/candidates/{id}/attachments", self.add_attachment)
        route("POST", PREFIX + "/candidates/{id}/applications", self.add_application_route)
        route("POST", PREFIX + "/candidates/{id}/activity_feed/notes", self.add_note_route)
        route("PUT", PREFIX + "/candidates/{id}/anonymize", self.anonymize_candidate)
        route("GET", PREFIX + "/applications", self.list_applications)
        route("GET", PREFIX + "/applications/{id}", self.get_application)
        route("POST", PREFIX + "/applications/{id}/move", self.move_application)
        route("POST", PREFIX + "/applications/{id}/reject", self.reject_application)

    def seed(self, jobs: int) -> None:
        def make_job(number: int) -> dict[str, Any]:
            return {
                "id": self.store.new_id(),
                "name": f"Sandbox role {number}",
                "requisition_id": f"REQ-{number:03d}",
                "status": "open",
                "confidential": False,
                "departments": [{"id": 1, "name": "Engineering"}],
                "offices": [{"id": 1, "name": "Dublin"}],
                "notes": "<p>Sandbox job</p>",
                "created_at": _iso(time.time() - 86400 * (jobs - number + 1)),
            }

        self._seed_common(jobs, make_job=make_job)

    # ---- protocol ---------------------------------------------------------------------

    def authenticate(self, request: Request) -> str:
        header = request.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(f"{self.token}:".encode()).decode()
        if header != expected:
            raise HttpError(401, "Invalid Basic Auth credentials")
        if request.method != "GET":
            user_id = request.headers.get("On-Behalf-Of", "")
            if user_id not in {user["id"] for user in self.store.users}:
                raise HttpError(403, "A valid On-Behalf-Of header is required for this request")
        return self.token

    def error_body(self, status: int, message: str, code: str) -> Any:
        if status == 422:
            return {"message": "Validation error", "errors": [{"message": message, "field": code or None}]}
        return {"message": message}

    def rate_limit_headers(self, limit: int, remaining: int, reset_at: float) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(int(reset_at)),
        }

    def _page(self, request: Request, items: list[Any], path: str) -> Response:
        per_page = self.int_arg(request, "per_page", 100, high=500)
        page = self.int_arg(request, "page", 1, high=100000)
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        query = {name: values[0] for name, values in request.query.items() if name != "page"}
        links = []
        if page < last:
            links.append(f'<{request.base_url}{path}?{urlencode({**query, "page": page + 1})}>; rel="next"')
        if page > 1:
            links.append(f'<{request.base_url}{path}?{urlencode({**query, "page": page - 1})}>; rel="prev"')
        if request.arg("skip_count") != "true":
            links.append(f'<{request.base_url}{path}?{urlencode({**query, "page": last})}>; rel="last"')
        return Response(200, chunk, {"Link": ", ".join(links)} if links else {})

    # ---- reads ----------------------------------------------------------------------------

    def list_users(self, request: Request) -> Response:
        users = [
            {"id": int(user["id"]), "name": user["name"], "primary_email_address": user["email"]}
            for user in self.store.users
        ]
        return self._page(request, users, PREFIX + "/users")

    def list_jobs(self, request: Request) -> Response:
        status = request.arg("status")
        jobs = [
            dict(job, id=int(job["id"])) for job in self.store.jobs.values() if not status or job["status"] == status
        ]
        return self._page(request, jobs, PREFIX + "/jobs")

    def job_stages(self, request: Request) -> Response:
        job_id = request.params["id"]
        if job_id not in self.store.jobs:
            raise HttpError(404, "Resource not found")
        stages = [
            {
                "id": int(stage["id"]),
                "name": stage["name"],
                "job_id": int(job_id),
                "priority": stage["position"],
                "interviews": [],
            }
            for stage in self.store.stages[job_id]
        ]
        return Response(200, stages)

    def list_reasons(self, request: Request) -> Response:
        reasons = [
            {"id": int(reason["id"]), "name": reason["name"], "type": {"id": 1, "name": "We rejected them"}}
            for reason in self.store.reasons
        ]
        return Response(200, reasons)

    def application_json(self, application: Application) -> dict[str, Any]:
        job = self.store.jobs[application.job_id]
        stage = next(stage for stage in self.store.stages[application.job_id] if stage["id"] == application.stage_id)
        reason = next(
            (reason for reason in self.store.reasons if reason["id"] == application.disqualify_reason_id), None
        )
        return {
            "id": int(application.id),
            "candidate_id": int(application.candidate_id),
            "prospect": False,
            "applied_at": _iso(application.created_at),
            "rejected_at": _iso(application.updated_at) if application.disqualified else None,
            "last_activity_at": _iso(application.updated_at),
            "status": "rejected" if application.disqualified else "active",
            "rejection_reason": {"id": int(reason["id"]), "name": reason["name"]} if reason else None,
            "jobs": [{"id": int(job["id"]), "name": job["name"]}],
            "current_stage": {"id": int(stage["id"]), "name": stage["name"]},
        }

    def candidate_json(self, candidate: dict[str, Any]) -> dict[str, Any]:
        applications = [
            self.application_json(app)
            for app in self.store.applications.values()
            if app.candidate_id == candidate["id"]
        ]
        return {
            "id": int(candidate["id"]),
            "first_name": candidate["first_name"],
            "last_name": candidate["last_name"],
            "email_addresses": [{"value": candidate["email"], "type": "personal"}] if candidate["email"] else [],
            "phone_numbers": candidate.get("phone_numbers", []),
            "addresses": candidate.get("addresses", []),
            "website_addresses": candidate.get("website_addresses", []),
            "attachments": candidate.get("attachments", []),
            "application_ids": [application["id"] for application in applications],
            "applications": applications,
        }

    def list_candidates(self, request: Request) -> Response:
        email = (request.arg("email") or "").lower()
        with self.store.lock:
            items = [
                self.candidate_json(candidate)
                for candidate in self.store.candidates.values()
                if not email or candidate["email"].lower() == email
            ]
        return self._page(request, items, PREFIX + "/candidates")

    def list_applications(self, request: Request) -> Response:
        after = request.arg("last_activity_after")
        threshold = isoparse(after).timestamp() if after else None
        job_id = request.arg("job_id")
        with self.store.lock:
            items = [
                self.application_json(app)
                for app in self.store.applications.values()
                if (threshold is None or app.updated_at > threshold) and (not job_id or app.job_id == job_id)
            ]
        return self._page(request, items, PREFIX + "/applications")

    def get_application(self, request: Request) -> Response:
        return Response(200, self.application_json(self.store.application(request.params["id"])))

    # ---- writes ---------------------------------------------------------------------------

    def _candidate(self, candidate_id: str) -> dict[str, Any]:
        if candidate_id not in self.store.candidates:
            raise HttpError(404, "Resource not found")
        return self.store.candidates[candidate_id]

    def _new_application(self, candidate_id: str, data: Any) -> Application:
        if not isinstance(data, dict) or "job_id" not in data:
            raise HttpError(422, "Must have a job_id", code="job_id")
        job_id = str(data["job_id"])
        if job_id not in self.store.jobs:
            raise HttpError(422, f"Job {job_id} does not exist", code="job_id")
        stage = data.get("initial_stage_id")
        return self.add_application(candidate_id=candidate_id, job_id=job_id, stage_id=str(stage) if stage else None)

    def create_candidate(self, request: Request) -> Response:
        body = request.json()
        for field_name in ("first_name", "last_name"):
            if not body.get(field_name):
                raise HttpError(422, f"{field_name} can't be blank", code=field_name)
        applications = body.get("applications")
        if not applications:
            raise HttpError(422, "Candidate must have at least one application", code="applications")
        emails = body.get("email_addresses") or []
        with self.store.lock:
            candidate = {
                "id": self.store.new_id(),
                "first_name": body["first_name"],
                "last_name": body["last_name"],
                "email": emails[0]["value"] if emails else "",
                "phone_numbers": list(body.get("phone_numbers") or []),
                "addresses": list(body.get("addresses") or []),
                "website_addresses": list(body.get("website_addresses") or []),
                "attachments": [],
            }
            self.store.candidates[candidate["id"]] = candidate
            for data in applications:
                self._new_application(candidate["id"], data)
            return Response(201, self.candidate_json(candidate))

    def add_attachment(self, request: Request) -> Response:
        candidate = self._candidate(request.params["id"])
        body = request.json()
        if body.get("type") not in ("resume", "cover_letter", "admin_only"):
            raise HttpError(422, "type must be one of resume, cover_letter, admin_only", code="type")
        if not body.get("filename") or not (body.get("content") or body.get("url")):
            raise HttpError(422, "filename and content or url are required", code="content")
        if body.get("content"):
            try:
                base64.b64decode(body["content"], validate=True)
            except binascii.Error:
                raise HttpError(422, "content must be Base64 encoded", code="content") from None
        attachment = {
            "filename": body["filename"],
            "type": body["type"],
            "content_type": body.get("content_type", ""),
            "url": f"{request.base_url}/files/{uuid.uuid4().hex}",
        }
        with self.store.lock:
            candidate["attachments"].append(attachment)
        self.count("attachments")
        return Response(201, attachment)

    def add_application_route(self, request: Request) -> Response:
        self._candidate(request.params["id"])
        application = self._new_application(request.params["id"], request.json())
        return Response(200, self.application_json(application))

    def add_note_route(self, request: Request) -> Response:
        self._candidate(request.params["id"])
        body = request.json()
        if not body.get("body"):
            raise HttpError(422, "body can't be blank", code="body")
        if body.get("visibility") not in ("admin_only", "private", "public"):
            raise HttpError(422, "visibility must be admin_only, private or public", code="visibility")
        with self.store.lock:
            latest = [app for app in self.store.applications.values() if app.candidate_id == request.params["id"]]
            if latest:
                self.note(latest[-1].id, body["body"])
        note = {
            "id": int(self.store.new_id()),
            "created_at": _iso(time.time()),
            "body": body["body"],
            "user": {"id": int(body.get("user_id") or 0)},
            "private": body["visibility"] != "public",
            "visiblity": body["visibility"],
            "visibility": body["visibility"],
        }
        return Response(201, note)

    def anonymize_candidate(self, request: Request) -> Response:
        requested = [name.strip() for name in (request.arg("fields") or "").split(",") if name.strip()]
        if not requested:
            raise HttpError(422, "fields is required", code="fields")
        unknown = sorted(set(requested) - ANONYMIZABLE_FIELDS)
        if unknown:
            raise HttpError(422, f"Unknown fields: {', '.join(unknown)}", code="fields")
        with self.store.lock:
            candidate = self._candidate(request.params["id"])
            applications = [app for app in self.store.applications.values() if app.candidate_id == candidate["id"]]
            for name in requested:
                if name == "full_name":
                    candidate["first_name"], candidate["last_name"] = "Anonymized", candidate["id"]
                elif name in ("emails", "email_addresses"):
                    candidate["email"] = ""
                elif name in _LIST_FIELDS:
                    candidate[_LIST_FIELDS[name]] = []
                elif name == "notes":
                    for application in applications:
                        application.notes.clear()
                elif name == "rejection_notes":
                    for application in applications:
                        application.disqualify_note = ""
            candidate["anonymized_fields"] = sorted(set(candidate.get("anonymized_fields", [])) | set(requested))
            self.count("candidates_anonymized")
            return Response(200, self.candidate_json(candidate))

    def move_application(self, request: Request) -> Response:
        body = request.json()
        with self.store.lock:
            application = self.store.application(request.params["id"])
            if application.disqualified:
                raise HttpError(422, "Application is not active", code="application")
            if str(body.get("from_stage_id")) != application.stage_id:
                raise HttpError(422, "from_stage_id is not the application's current stage", code="from_stage_id")
            if str(body.get("to_stage_id")) not in self.store.stage_ids(application.job_id):
                raise HttpError(422, "to_stage_id is not a stage of this job", code="to_stage_id")
            self.move(application.id, str(body["to_stage_id"]))
            return Response(200, self.application_json(application))

    def reject_application(self, request: Request) -> Response:
        body = request.json()
        with self.store.lock:
            application = self.store.application(request.params["id"])
            if application.disqualified:
                raise HttpError(422, "Application is already rejected", code="application")
            reason = body.get("rejection_reason_id")
            self.disqualify(application.id, reason_id=str(reason) if reason else "", note=body.get("notes") or "")
            return Response(200, self.application_json(application))

    # ---- webhooks ---------------------------------------------------------------------------

    def _fire(self, action: str, application: Application) -> None:
        if not self.webhook_url:
            return
        candidate = self.store.candidates[application.candidate_id]
        payload = {
            "application": {
                **self.application_json(application),
                "candidate": {
                    "id": int(candidate["id"]),
                    "first_name": candidate["first_name"],
                    "last_name": candidate["last_name"],
                },
            }
        }
        # Greenhouse escapes HTML-significant characters in the signed body.
        raw = (
            json.dumps({"action": action, "payload": payload}).replace("<", "\\u003c").replace(">", "\\u003e").encode()
        )
        self.send_webhook(
            raw, {"Signature": sign_webhook(self.webhook_secret, raw), "Greenhouse-Event-ID": uuid.uuid4().hex}
        )

    def on_application_created(self, application: Application) -> None:
        self._fire("new_candidate_application", application)

    def on_application_moved(self, application: Application) -> None:
        self._fire("candidate_stage_change", application)

    def on_application_disqualified(self, application: Application) -> None:
        self._fire("reject_candidate", application)
