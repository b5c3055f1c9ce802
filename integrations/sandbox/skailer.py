"""Sandbox Skailer (base path ``/api/v1``); envelopes and auth as assumed in the adapter."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dateutil.parser import isoparse

from .core import Application, HttpError, Request, Response, SandboxApp

PREFIX = "/api/v1"
CV_TYPES = {
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
CV_EXTENSIONS = (".pdf", ".doc", ".docx")


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat()


class SkailerSandbox(SandboxApp):
    provider = "skailer"
    default_rate_limit = 0

    def register_routes(self) -> None:
        route = self.route
        route("POST", PREFIX + "/jobs/search", self.search_jobs)
        route("GET", PREFIX + "/pipelines/all", self.pipelines)
        route("GET", PREFIX + "/sources/all", self.sources)
        route("GET", PREFIX + "/disqualification-reasons/all", self.reasons)
        route("POST", PREFIX + "/upload-cv-file", self.upload_cv)
        route("POST", PREFIX + "/applicant", self.create_applicant)
        route("POST", PREFIX + "/candidate", self.create_candidate)
        route("POST", PREFIX + "/candidates/search", self.search_candidates)
        route("GET", PREFIX + "/candidates/{id}", self.get_candidate)
        route("POST", PREFIX + "/candidates/{id}/actions", self.add_action)
        route("DELETE", PREFIX + "/candidates/{id}/actions/{action_id}", self.delete_action)

    def seed(self, jobs: int) -> None:
        def make_job(number: int) -> dict[str, Any]:
            return {
                "id": self.store.new_id(),
                "title": f"Sandbox role {number}",
                "status": "open",
                "location": "Tallinn",
            }

        self._seed_common(jobs, make_job=make_job)
        for job_id, job in self.store.jobs.items():
            job["pipeline_id"] = f"p{job_id}"

    def authenticate(self, request: Request) -> str:
        if request.headers.get("Authorization", "") != f"Bearer {self.token}":
            raise HttpError(401, "Unauthenticated.", code="unauthenticated")
        return self.token

    def error_body(self, status: int, message: str, code: str) -> Any:
        return {"error": code or "error", "message": message}

    def _page(self, request: Request, items: list[dict[str, Any]]) -> Response:
        body = request.json()
        per_page = int(body.get("per_page") or 50)
        page = int(body.get("page") or 1)
        if per_page < 1 or per_page > 200 or page < 1:
            raise HttpError(422, "page must be >= 1 and per_page between 1 and 200", code="validation_error")
        last_page = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page : page * per_page]
        return Response(
            200,
            {
                "data": chunk,
                "meta": {"current_page": page, "last_page": last_page, "per_page": per_page, "total": len(items)},
            },
        )

    def _require(self, body: dict[str, Any], *names: str) -> None:
        missing = [name for name in names if body.get(name) in (None, "", [])]
        if missing:
            raise HttpError(422, "The " + ", ".join(missing) + " field(s) are required.", code="validation_error")

    # ---- steps 1-3 --------------------------------------------------------------------------------

    def search_jobs(self, request: Request) -> Response:
        wanted = str(request.json().get("job_id") or "")
        jobs = [
            {
                "job_id": job_id,
                "title": job["title"],
                "pipeline_id": job["pipeline_id"],
                "status": job["status"],
                "location": job["location"],
            }
            for job_id, job in self.store.jobs.items()
            if not wanted or job_id == wanted
        ]
        return self._page(request, jobs)

    def pipelines(self, request: Request) -> Response:
        data = [
            {
                "id": job["pipeline_id"],
                "name": f"{job['title']} pipeline",
                "stages": [
                    {"id": stage["id"], "name": stage["name"], "position": stage["position"]}
                    for stage in self.store.stages[job_id]
                ],
            }
            for job_id, job in self.store.jobs.items()
        ]
        return Response(200, {"data": data})

    def sources(self, request: Request) -> Response:
        return Response(200, {"data": self.store.sources})

    def reasons(self, request: Request) -> Response:
        return Response(200, {"data": self.store.reasons})

    # ---- steps 4-6 -----------------------------------------------------------------------------------

    def upload_cv(self, request: Request) -> Response:
        _, files = request.form()
        if "file" not in files:
            raise HttpError(422, "The file field is required.", code="validation_error")
        filename, content, content_type = files["file"][0]
        if content_type not in CV_TYPES and not filename.lower().endswith(CV_EXTENSIONS):
            raise HttpError(422, "The file must be a file of type: pdf, doc, docx.", code="validation_error")
        cv_id = self.store.new_id()
        with self.store.lock:
            self.store.files[cv_id] = {"name": filename, "size": len(content)}
        self.count("attachments")
        return Response(201, {"data": {"cv_id": cv_id, "parsed": {"file_name": filename}}})

    def create_applicant(self, request: Request) -> Response:
        body = request.json()
        self._require(body, "name", "source_id")
        if str(body["source_id"]) not in {source["id"] for source in self.store.sources}:
            raise HttpError(422, "The selected source id is invalid.", code="validation_error")
        unknown = [cv for cv in body.get("cv_ids") or [] if str(cv) not in self.store.files]
        if unknown:
            raise HttpError(422, f"Unknown cv_ids: {unknown}", code="validation_error")
        applicant_id = self.store.new_id()
        with self.store.lock:
            self.store.candidates[applicant_id] = {
                "id": applicant_id,
                "name": body["name"],
                "email": body.get("email", ""),
                "cv_ids": body.get("cv_ids") or [],
            }
        return Response(201, {"data": {"applicant_id": applicant_id}})

    def candidate_json(self, application: Application) -> dict[str, Any]:
        return {
            "candidate_id": application.id,
            "applicant_id": application.candidate_id,
            "job_id": application.job_id,
            "pipeline_id": self.store.jobs[application.job_id]["pipeline_id"],
            "pipeline_stage_id": application.stage_id,
            "disqualified": application.disqualified,
            "reserved": application.reserved,
            "updated_at": _iso(application.updated_at),
            "actions": application.actions,
        }

    def create_candidate(self, request: Request) -> Response:
        body = request.json()
        self._require(body, "job_id", "applicant_id", "pipeline_id", "pipeline_stage_id")
        job = self.store.jobs.get(str(body["job_id"]))
        if job is None or job["pipeline_id"] != str(body["pipeline_id"]):
            raise HttpError(422, "The job_id / pipeline_id pair is invalid.", code="validation_error")
        if str(body["applicant_id"]) not in self.store.candidates:
            raise HttpError(422, "The selected applicant id is invalid.", code="validation_error")
        application = self.add_application(
            candidate_id=str(body["applicant_id"]), job_id=str(body["job_id"]), stage_id=str(body["pipeline_stage_id"])
        )
        return Response(201, {"data": self.candidate_json(application)})

    def search_candidates(self, request: Request) -> Response:
        body = request.json()
        email = str(body.get("applicant_email") or "").lower()
        job_id = str(body.get("job_id") or "")
        after = body.get("updated_after")
        threshold = isoparse(after).timestamp() if after else None
        with self.store.lock:
            items = [
                self.candidate_json(app)
                for app in self.store.applications.values()
                if (not email or self.store.candidates[app.candidate_id]["email"].lower() == email)
                and (not job_id or app.job_id == job_id)
                and (threshold is None or app.updated_at > threshold)
            ]
        return self._page(request, items)

    def get_candidate(self, request: Request) -> Response:
        return Response(200, {"data": self.candidate_json(self.store.application(request.params["id"]))})

    # ---- step 7 ---------------------------------------------------------------------------------------

    def add_action(self, request: Request) -> Response:
        body = request.json()
        keys = ("pipeline_stage_id", "disqualification_reason_id", "reserved", "comment")
        if not any(body.get(key) not in (None, "") for key in keys):
            raise HttpError(422, "An action needs one of " + ", ".join(keys) + ".", code="validation_error")
        with self.store.lock:
            application = self.store.application(request.params["id"])
            at = body.get("datetime_action_date")
            try:
                when = isoparse(at).timestamp() if at else None
            except ValueError:
                raise HttpError(422, "datetime_action_date is not a valid date.", code="validation_error") from None
            latest = max((action["at"] for action in application.actions), default=application.created_at)
            backdated = when is not None and when < latest
            action = {
                "id": self.store.new_id(),
                "at": when or datetime.now(UTC).timestamp(),
                "backdated": backdated,
                **{key: body[key] for key in keys if body.get(key) not in (None, "")},
            }
            application.actions.append(action)
        stage = body.get("pipeline_stage_id")
        if stage and not backdated:
            self.move(application.id, str(stage))
        elif stage and str(stage) not in self.store.stage_ids(application.job_id):
            raise HttpError(422, "The selected pipeline stage id is invalid.", code="validation_error")
        if body.get("disqualification_reason_id") and not backdated:
            self.disqualify(
                application.id, reason_id=str(body["disqualification_reason_id"]), note=body.get("comment") or ""
            )
        elif body.get("comment"):
            self.note(application.id, body["comment"])
        if body.get("reserved") and not backdated:
            with self.store.lock:
                application.reserved = True
        return Response(201, {"data": action})

    def delete_action(self, request: Request) -> Response:
        with self.store.lock:
            application = self.store.application(request.params["id"])
            before = len(application.actions)
            application.actions = [
                action for action in application.actions if action["id"] != request.params["action_id"]
            ]
            if len(application.actions) == before:
                raise HttpError(404, "Action not found.", code="not_found")
        return Response(204)
