"""Sandbox Workable SPI v3 (base path ``/spi/v3``; point the adapter's base_url there)."""

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

from integrations.providers.workable import sign_webhook

from .core import Application, HttpError, Request, Response, SandboxApp

PREFIX = "/spi/v3"
STAGE_KINDS = ["applied", "shortlisted", "assessment", "assessment", "interview", "offer", "hired"]


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat().replace("+00:00", "Z")


class WorkableSandbox(SandboxApp):
    provider = "workable"
    default_rate_limit = 10  # account tokens: 10 requests / 10 s
    default_rate_window = 10.0
    subdomain = "sandbox"

    def register_routes(self) -> None:
        route = self.route
        route("GET", PREFIX + "/members", self.list_members)
        route("GET", PREFIX + "/jobs", self.list_jobs)
        route("GET", PREFIX + "/jobs/{shortcode}", self.get_job)
        route("GET", PREFIX + "/jobs/{shortcode}/stages", self.job_stages)
        route("GET", PREFIX + "/stages", self.all_stages)
        route("GET", PREFIX + "/disqualification_reasons", self.list_reasons)
        route("POST", PREFIX + "/jobs/{shortcode}/candidates", self.create_candidate)
        route("GET", PREFIX + "/candidates", self.list_candidates)
        route("GET", PREFIX + "/candidates/{id}", self.get_candidate)
        route("POST", PREFIX + "/candidates/{id}/copy", self.copy_candidate)
        route("POST", PREFIX + "/candidates/{id}/relocate", self.copy_candidate)
        route("POST", PREFIX + "/candidates/{id}/move", self.move_candidate)
        route("POST", PREFIX + "/candidates/{id}/disqualify", self.disqualify_candidate)
        route("POST", PREFIX + "/candidates/{id}/revert", self.revert_candidate)
        route("POST", PREFIX + "/candidates/{id}/comments", self.comment_candidate)

    def seed(self, jobs: int) -> None:
        def make_job(number: int) -> dict[str, Any]:
            shortcode = f"HB{number:04X}"
            return {
                "id": uuid.uuid5(uuid.NAMESPACE_OID, shortcode).hex[:7],
                "shortcode": shortcode,
                "title": f"Sandbox role {number}",
                "full_title": f"Sandbox role {number} - Engineering",
                "state": "published",
                "department": "Engineering",
                "url": f"https://{self.subdomain}.workable.com/jobs/{shortcode}",
                "application_url": f"https://{self.subdomain}.workable.com/jobs/{shortcode}/candidates/new",
                "shortlink": f"https://{self.subdomain}.workable.com/j/{shortcode}",
                "location": {
                    "location_str": "Athens, Greece",
                    "country": "Greece",
                    "city": "Athens",
                    "telecommuting": False,
                },
                "created_at": _iso(time.time() - 86400 * (jobs - number + 1)),
            }

        self._seed_common(jobs, make_job=make_job)
        # Workable keys jobs by shortcode and stages by slug.
        store = self.store
        store.jobs = {job["shortcode"]: job for job in store.jobs.values()}
        store.stages = {
            shortcode: [
                {"id": stage["name"].lower().replace(" ", "-"), "name": stage["name"], "position": stage["position"]}
                for stage in stages
            ]
            for shortcode, stages in zip(store.jobs, list(store.stages.values()), strict=True)
        }
        store.users = [{"id": "13e0eb0e", "name": "Sandbox Admin", "email": "admin@sandbox.test", "role": "admin"}]

    # ---- protocol ------------------------------------------------------------------

    def authenticate(self, request: Request) -> str:
        header = request.headers.get("Authorization", "")
        if header != f"Bearer {self.token}":
            raise HttpError(401, "Not authorized")
        return self.token

    def error_body(self, status: int, message: str, code: str) -> Any:
        return {"error": message}

    def rate_limit_headers(self, limit: int, remaining: int, reset_at: float) -> dict[str, str]:
        return {
            "X-Rate-Limit-Limit": str(limit),
            "X-Rate-Limit-Remaining": str(remaining),
            "X-Rate-Limit-Reset": str(int(reset_at)),
        }

    def _member(self, body: dict[str, Any]) -> None:
        if body.get("member_id") not in {user["id"] for user in self.store.users}:
            raise HttpError(422, "Validation failed: member_id is invalid")

    def _page(self, request: Request, items: list[dict[str, Any]], key: str, path: str) -> Response:
        limit = self.int_arg(request, "limit", 50, high=100)
        since_id = request.arg("since_id")
        if since_id:
            ids = [str(item["id"]) for item in items]
            if since_id in ids:
                items = items[ids.index(since_id) + 1 :]
        page = items[:limit]
        body: dict[str, Any] = {key: page, "paging": {}}
        if len(items) > limit:
            query = {name: values[0] for name, values in request.query.items() if name != "since_id"}
            query["since_id"] = str(page[-1]["id"])
            body["paging"]["next"] = f"{request.base_url}{path}?{urlencode(query)}"
        else:
            body.pop("paging")
        return Response(200, body)

    # ---- jobs ----------------------------------------------------------------------

    def list_members(self, request: Request) -> Response:
        return Response(200, {"members": self.store.users})

    def list_jobs(self, request: Request) -> Response:
        state = request.arg("state")
        jobs = [job for job in self.store.jobs.values() if not state or job["state"] == state]
        return self._page(request, jobs, "jobs", PREFIX + "/jobs")

    def _job(self, shortcode: str) -> dict[str, Any]:
        if shortcode not in self.store.jobs:
            raise HttpError(404, "Not found")
        return self.store.jobs[shortcode]

    def get_job(self, request: Request) -> Response:
        return Response(200, {**self._job(request.params["shortcode"]), "description": "<p>Sandbox job</p>"})

    def _stages_json(self, shortcode: str) -> list[dict[str, Any]]:
        return [
            {
                "slug": stage["id"],
                "name": stage["name"],
                "kind": STAGE_KINDS[min(stage["position"], len(STAGE_KINDS) - 1)],
                "position": stage["position"],
            }
            for stage in self.store.stages[shortcode]
        ]

    def job_stages(self, request: Request) -> Response:
        self._job(request.params["shortcode"])
        return Response(200, {"stages": self._stages_json(request.params["shortcode"])})

    def all_stages(self, request: Request) -> Response:
        first = next(iter(self.store.jobs))
        return Response(200, {"stages": self._stages_json(first)})

    def list_reasons(self, request: Request) -> Response:
        reasons = [
            {
                "id": reason["id"],
                "description": reason["name"],
                "candidate_withdrew": reason["name"] == "Withdrew",
                "position": index,
            }
            for index, reason in enumerate(self.store.reasons)
        ]
        return Response(200, {"disqualification_reasons": reasons})

    # ---- candidates ----------------------------------------------------------------

    def candidate_json(self, application: Application) -> dict[str, Any]:
        person = self.store.candidates[application.candidate_id]
        job = self.store.jobs[application.job_id]
        stage_name = next(
            stage["name"] for stage in self.store.stages[application.job_id] if stage["id"] == application.stage_id
        )
        return {
            "id": application.id,
            "name": person["name"],
            "firstname": person["name"].split(" ")[0],
            "lastname": person["name"].split(" ", 1)[-1],
            "headline": person.get("headline", ""),
            "account": {"subdomain": self.subdomain, "name": "Sandbox"},
            "job": {"shortcode": job["shortcode"], "title": job["title"]},
            "stage": stage_name,
            "disqualified": application.disqualified,
            "disqualification_reason": application.disqualify_note or None,
            "sourced": person.get("sourced", True),
            "profile_url": f"https://{self.subdomain}.workable.com/backend/candidates/{application.id}",
            "email": person.get("email", ""),
            "phone": person.get("phone", ""),
            "domain": person.get("domain", ""),
            "resume_url": person.get("resume_url"),
            "created_at": _iso(application.created_at),
            "updated_at": _iso(application.updated_at),
        }

    def create_candidate(self, request: Request) -> Response:
        shortcode = request.params["shortcode"]
        self._job(shortcode)
        body = request.json()
        data = body.get("candidate")
        if not isinstance(data, dict):
            raise HttpError(422, "Validation failed: candidate is missing")
        name = data.get("name") or " ".join(filter(None, [data.get("firstname"), data.get("lastname")]))
        if not name.strip():
            raise HttpError(422, "Validation failed: Name can't be blank")
        stage = request.arg("stage")
        if stage and stage not in self.store.stage_ids(shortcode):
            raise HttpError(422, f"Validation failed: stage {stage} does not exist")
        resume = data.get("resume")
        if resume is not None:
            try:
                content = base64.b64decode(resume["data"], validate=True)
            except (KeyError, TypeError, binascii.Error):
                raise HttpError(422, "Validation failed: resume data is not valid base64") from None
        with self.store.lock:
            candidate_id = uuid.uuid4().hex[:8]
            person = {
                "id": candidate_id,
                "name": name,
                "email": data.get("email", ""),
                "phone": data.get("phone", ""),
                "headline": data.get("headline", ""),
                "sourced": body.get("sourced", True),
                "domain": body.get("domain", ""),
            }
            if resume is not None:
                self.store.files[candidate_id] = {"name": resume.get("name", "resume"), "size": len(content)}
                person["resume_url"] = f"{request.base_url}/files/{candidate_id}"
            elif data.get("resume_url"):
                person["resume_url"] = data["resume_url"]
            self.store.candidates[candidate_id] = person
        application = self.add_application(
            candidate_id=candidate_id, job_id=shortcode, stage_id=stage, app_id=candidate_id
        )
        return Response(201, {"status": "created", "candidate": self.candidate_json(application)})

    def list_candidates(self, request: Request) -> Response:
        shortcode = request.arg("shortcode")
        email = (request.arg("email") or "").lower()
        stage = request.arg("stage")
        updated_after = request.arg("updated_after")
        threshold = isoparse(updated_after).timestamp() if updated_after else None
        with self.store.lock:
            items = []
            for application in self.store.applications.values():  # oldest first
                person = self.store.candidates[application.candidate_id]
                if shortcode and application.job_id != shortcode:
                    continue
                if email and person.get("email", "").lower() != email:
                    continue
                if stage and application.stage_id != stage:
                    continue
                if threshold is not None and application.updated_at <= threshold:
                    continue
                items.append(self.candidate_json(application))
        return self._page(request, items, "candidates", PREFIX + "/candidates")

    def get_candidate(self, request: Request) -> Response:
        return Response(200, {"candidate": self.candidate_json(self.store.application(request.params["id"]))})

    def copy_candidate(self, request: Request) -> Response:
        body = request.json()
        self._member(body)
        source = self.store.application(request.params["id"])
        target = body.get("target_job_shortcode", "")
        self._job(target)
        copy_id = uuid.uuid4().hex[:8]
        with self.store.lock:
            self.store.candidates[copy_id] = dict(self.store.candidates[source.candidate_id], id=copy_id)
        application = self.add_application(
            candidate_id=copy_id, job_id=target, stage_id=body.get("target_stage"), app_id=copy_id
        )
        return Response(
            201, {"candidate": {"id": application.id, "url": f"{request.base_url}{PREFIX}/candidates/{application.id}"}}
        )

    def move_candidate(self, request: Request) -> Response:
        body = request.json()
        self._member(body)
        if not body.get("target_stage"):
            raise HttpError(422, "Validation failed: target_stage is missing")
        self.move(request.params["id"], body["target_stage"])
        return Response(200)

    def disqualify_candidate(self, request: Request) -> Response:
        body = request.json()
        self._member(body)
        if len(body.get("disqualify_note") or "") > 256:
            raise HttpError(422, "Validation failed: disqualify_note is too long (maximum is 256 characters)")
        self.disqualify(
            request.params["id"],
            reason_id=str(body.get("disqualify_reason_id") or ""),
            note=body.get("disqualify_note") or "",
        )
        return Response(200)

    def revert_candidate(self, request: Request) -> Response:
        self._member(request.json())
        with self.store.lock:
            application = self.store.application(request.params["id"])
            application.disqualified = False
        return Response(200)

    def comment_candidate(self, request: Request) -> Response:
        body = request.json()
        self._member(body)
        comment = body.get("comment") or {}
        if not comment.get("body"):
            raise HttpError(422, "Validation failed: comment body can't be blank")
        self.note(request.params["id"], comment["body"])
        return Response(201)

    # ---- webhooks ---------------------------------------------------------------------

    def _fire(self, event_type: str, application: Application) -> None:
        if not self.webhook_url:
            return
        payload = {
            "id": uuid.uuid4().hex,
            "event_type": event_type,
            "resource_type": "candidate",
            "fired_at": _iso(time.time()),
            "data": self.candidate_json(application),
        }
        body = json.dumps(payload).encode()
        self.send_webhook(body, {"X-Workable-Signature": sign_webhook(self.webhook_secret or self.token, body)})

    def on_application_created(self, application: Application) -> None:
        self._fire("candidate_created", application)

    def on_application_moved(self, application: Application) -> None:
        self._fire("candidate_moved", application)
