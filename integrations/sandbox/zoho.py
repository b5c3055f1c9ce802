"""Sandbox Zoho Recruit v2 plus its accounts server (``/oauth/v2/...``) on the same port."""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from typing import Any
from urllib.parse import urlencode

from .core import DEFAULT_STAGE_NAMES, Application, HttpError, Request, Response, SandboxApp

PREFIX = "/recruit/v2"
JOBS = "JobOpenings"
REJECTION_STATUSES = ["Rejected", "Not Qualified", "Junk candidate"]
CLIENT_ID = "1000.SANDBOXCLIENT"
CLIENT_SECRET = "sandbox-client-secret"  # noqa: S105 - loopback test credential


class ZohoSandbox(SandboxApp):
    provider = "zoho"
    default_rate_limit = 0  # Recruit meters credits per day, not requests per second

    def __init__(self, *, token_ttl: int = 3600, **options: Any):
        self.token_ttl = token_ttl
        self.client_id = CLIENT_ID
        self.client_secret = CLIENT_SECRET
        self.codes: dict[str, str] = {}  # code -> redirect_uri
        self.refresh_tokens: set[str] = set()
        self.access_tokens: dict[str, float] = {}  # token -> expires at
        self.token_log: dict[str, deque[float]] = {}
        self.token_lock = threading.Lock()
        super().__init__(**options)

    def register_routes(self) -> None:
        route = self.route
        route("GET", "/oauth/v2/auth", self.oauth_authorize)
        route("POST", "/oauth/v2/token", self.oauth_token)
        route("GET", f"{PREFIX}/{JOBS}", self.list_jobs)
        route("GET", f"{PREFIX}/{JOBS}/{{id}}/associate", self.list_associated)
        route("GET", f"{PREFIX}/settings/fields", self.fields)
        route("GET", f"{PREFIX}/Candidates/search", self.search_candidates)
        route("POST", f"{PREFIX}/Candidates", self.create_candidates)
        route("DELETE", f"{PREFIX}/Candidates", self.delete_candidates)
        route("POST", f"{PREFIX}/Candidates/{{id}}/Attachments", self.upload_attachment)
        route("PUT", f"{PREFIX}/Candidates/actions/associate", self.associate)
        route("PUT", f"{PREFIX}/Candidates/status", self.change_status)
        route("POST", f"{PREFIX}/Notes", self.add_notes)

    def seed(self, jobs: int) -> None:
        def make_job(number: int) -> dict[str, Any]:
            return {
                "id": f"5000000{self.store.new_id()}",
                "Posting_Title": f"Sandbox role {number}",
                "Job_Opening_Status": "In-progress",
                "City": "Chennai",
                "Country": "India",
                "Job_Description": "<p>Sandbox job</p>",
            }

        self._seed_common(jobs, make_job=make_job, shared_stages=True)
        # Zoho's "stages" are Candidate_Status values: the id is the value itself.
        statuses = [
            {"id": name, "name": name, "position": index}
            for index, name in enumerate(DEFAULT_STAGE_NAMES + REJECTION_STATUSES)
        ]
        self.store.stages = dict.fromkeys(self.store.jobs, statuses)

    # ---- OAuth -----------------------------------------------------------------------------

    def issue_refresh_token(self) -> str:
        """Tests skip the browser consent: a refresh token as if the admin had consented."""
        token = f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"
        with self.token_lock:
            self.refresh_tokens.add(token)
        return token

    def expire_access_tokens(self) -> None:
        with self.token_lock:
            self.access_tokens.clear()

    def _new_access_token(self, refresh_token: str) -> dict[str, Any] | None:
        now = time.time()
        with self.token_lock:
            log = self.token_log.setdefault(refresh_token, deque())
            while log and now - log[0] > 600:
                log.popleft()
            if len(log) >= 10:
                return None
            log.append(now)
            token = f"1000.{secrets.token_hex(16)}.{secrets.token_hex(16)}"
            self.access_tokens[token] = now + self.token_ttl
        self.count("token_refreshes")
        return {
            "access_token": token,
            "api_domain": self.base_url,
            "token_type": "Bearer",
            "expires_in": self.token_ttl,
        }

    def oauth_authorize(self, request: Request) -> Response:
        redirect_uri = request.arg("redirect_uri") or ""
        if request.arg("client_id") != self.client_id or request.arg("response_type") != "code" or not redirect_uri:
            return Response(400, b"Invalid OAuth request", {"Content-Type": "text/plain"})
        code = f"1000.{secrets.token_hex(16)}"
        self.codes[code] = redirect_uri
        query = {"code": code, "location": "eu", "accounts-server": self.base_url}
        if request.arg("state") is not None:
            query["state"] = request.arg("state") or ""
        separator = "&" if "?" in redirect_uri else "?"
        return Response(302, b"", {"Location": f"{redirect_uri}{separator}{urlencode(query)}"})

    def oauth_token(self, request: Request) -> Response:
        form = {key: values[0] for key, values in request.form()[0].items()}
        form.update({key: values[0] for key, values in request.query.items()})
        # Zoho answers token failures with HTTP 200 and an ``error`` field.
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return Response(200, {"error": "invalid_client"})
        grant = form.get("grant_type")
        if grant == "authorization_code":
            if self.codes.pop(form.get("code", ""), None) != form.get("redirect_uri"):
                return Response(200, {"error": "invalid_code"})
            refresh_token = self.issue_refresh_token()
            body = self._new_access_token(refresh_token)
            return Response(200, {**(body or {}), "refresh_token": refresh_token})
        if grant == "refresh_token":
            if form.get("refresh_token") not in self.refresh_tokens:
                return Response(200, {"error": "invalid_code"})
            body = self._new_access_token(form["refresh_token"])
            if body is None:
                return Response(
                    200,
                    {
                        "error": "Access Denied",
                        "error_description": "You have made too many requests continuously. Please try again after some time.",
                    },
                )
            return Response(200, body)
        return Response(200, {"error": "unsupported_grant_type"})

    def authenticate(self, request: Request) -> str:
        if request.path.startswith("/oauth/"):
            return "accounts"
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Zoho-oauthtoken ").strip()
        with self.token_lock:
            expires_at = self.access_tokens.get(token)
        if not header.startswith("Zoho-oauthtoken ") or expires_at is None or expires_at < time.time():
            raise HttpError(401, "invalid oauth token", code="INVALID_TOKEN")
        return token

    def error_body(self, status: int, message: str, code: str) -> Any:
        default_codes = {
            400: "INVALID_DATA",
            404: "INVALID_URL_PATTERN",
            405: "INVALID_REQUEST_METHOD",
            429: "TOO_MANY_REQUESTS",
        }
        return {
            "code": code.upper() if code and code.isupper() else default_codes.get(status, "INTERNAL_ERROR"),
            "details": {},
            "message": message,
            "status": "error",
        }

    # ---- helpers --------------------------------------------------------------------------------

    def _page(self, request: Request, items: list[dict[str, Any]]) -> Response:
        per_page = self.int_arg(request, "per_page", 200, high=200)
        page = self.int_arg(request, "page", 1, high=100000)
        chunk = items[(page - 1) * per_page : page * per_page]
        if not chunk:
            return Response(204)
        more = page * per_page < len(items)
        return Response(
            200,
            {"data": chunk, "info": {"page": page, "per_page": per_page, "count": len(chunk), "more_records": more}},
        )

    @staticmethod
    def _records(request: Request) -> list[dict[str, Any]]:
        body = request.json()
        records = body.get("data") if isinstance(body, dict) else None
        if not isinstance(records, list) or not records:
            raise HttpError(400, "the data key is missing or empty", code="INVALID_DATA")
        if len(records) > 100:
            raise HttpError(400, "a call takes at most 100 records", code="LIMIT_EXCEEDED")
        return records

    @staticmethod
    def _ok(message: str, details: dict[str, Any]) -> dict[str, Any]:
        return {"code": "SUCCESS", "details": details, "message": message, "status": "success"}

    @staticmethod
    def _error(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
        return {"code": code, "details": details or {}, "message": message, "status": "error"}

    def _application(self, candidate_id: str, job_id: str) -> Application | None:
        return next(
            (
                app
                for app in self.store.applications.values()
                if app.candidate_id == candidate_id and app.job_id == job_id
            ),
            None,
        )

    # ---- reads ----------------------------------------------------------------------------------

    def list_jobs(self, request: Request) -> Response:
        return self._page(request, list(self.store.jobs.values()))

    def fields(self, request: Request) -> Response:
        if request.arg("module") != "Candidates":
            raise HttpError(400, "module must be Candidates", code="INVALID_MODULE")
        first_job = next(iter(self.store.stages))
        values = [
            {"display_value": stage["name"], "actual_value": stage["id"]} for stage in self.store.stages[first_job]
        ]
        return Response(
            200, {"fields": [{"api_name": "Candidate_Status", "data_type": "picklist", "pick_list_values": values}]}
        )

    def candidate_json(self, candidate: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": candidate["id"],
            "First_Name": candidate["First_Name"],
            "Last_Name": candidate["Last_Name"],
            "Email": candidate["Email"],
            "Mobile": candidate.get("Mobile", ""),
            "Candidate_Status": candidate.get("status", "New"),
        }

    def list_associated(self, request: Request) -> Response:
        job_id = request.params["id"]
        if job_id not in self.store.jobs:
            raise HttpError(400, "the id given seems to be invalid", code="INVALID_DATA")
        with self.store.lock:
            items = [
                {**self.candidate_json(self.store.candidates[app.candidate_id]), "Candidate_Status": app.stage_id}
                for app in self.store.applications.values()
                if app.job_id == job_id
            ]
        return self._page(request, items)

    def search_candidates(self, request: Request) -> Response:
        criteria = request.arg("criteria") or ""
        prefix, suffix = "(Email:equals:", ")"
        if not (criteria.startswith(prefix) and criteria.endswith(suffix)):
            raise HttpError(400, "invalid search criteria", code="INVALID_QUERY")
        email = criteria[len(prefix) : -len(suffix)].lower()
        with self.store.lock:
            items = [
                self.candidate_json(item) for item in self.store.candidates.values() if item["Email"].lower() == email
            ]
        return self._page(request, items)

    # ---- writes --------------------------------------------------------------------------------

    def create_candidates(self, request: Request) -> Response:
        results = []
        with self.store.lock:
            for record in self._records(request):
                if not record.get("Last_Name"):
                    results.append(
                        self._error("MANDATORY_NOT_FOUND", "required field not found", {"api_name": "Last_Name"})
                    )
                    continue
                email = record.get("Email") or ""
                existing = next(
                    (
                        item
                        for item in self.store.candidates.values()
                        if email and item["Email"].lower() == email.lower()
                    ),
                    None,
                )
                if existing is not None:
                    results.append(
                        self._error("DUPLICATE_DATA", "duplicate data", {"api_name": "Email", "id": existing["id"]})
                    )
                    continue
                candidate_id = f"6000000{self.store.new_id()}"
                self.store.candidates[candidate_id] = {
                    "id": candidate_id,
                    "First_Name": record.get("First_Name", ""),
                    "Last_Name": record["Last_Name"],
                    "Email": email,
                    "Mobile": record.get("Mobile", ""),
                    "attachments": [],
                }
                results.append(
                    self._ok(
                        "record added",
                        {"id": candidate_id, "Created_Time": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())},
                    )
                )
        self.count("candidates_created", sum(1 for item in results if item["code"] == "SUCCESS"))
        status = 201 if any(item["code"] == "SUCCESS" for item in results) else 202
        return Response(status, {"data": results})

    def delete_candidates(self, request: Request) -> Response:
        ids = [value.strip() for value in (request.arg("ids") or "").split(",") if value.strip()]
        if not ids:
            raise HttpError(400, "required param not found: ids", code="REQUIRED_PARAM_MISSING")
        if len(ids) > 100:
            raise HttpError(400, "a call deletes at most 100 records", code="LIMIT_EXCEEDED")
        results = []
        with self.store.lock:
            for candidate_id in ids:
                if self.store.candidates.pop(candidate_id, None) is None:
                    # UNCONFIRMED: Zoho's answer for an unknown id (modelled on its other record APIs).
                    results.append(
                        self._error("INVALID_DATA", "the id given seems to be invalid", {"id": candidate_id})
                    )
                    continue
                for application_id in [
                    key for key, app in self.store.applications.items() if app.candidate_id == candidate_id
                ]:
                    del self.store.applications[application_id]
                results.append(self._ok("record deleted", {"id": candidate_id}))
        self.count("candidates_deleted", sum(1 for item in results if item["code"] == "SUCCESS"))
        return Response(200, {"data": results})

    def upload_attachment(self, request: Request) -> Response:
        candidate = self.store.candidates.get(request.params["id"])
        if candidate is None:
            raise HttpError(400, "the related id given seems to be invalid", code="INVALID_DATA")
        fields, files = request.form()
        if "file" not in files:
            raise HttpError(400, "file is required", code="MANDATORY_NOT_FOUND")
        category = (fields.get("attachments_category") or ["Others"])[0]
        attachment_id = f"7000000{self.store.new_id()}"
        with self.store.lock:
            candidate["attachments"].append({"id": attachment_id, "name": files["file"][0][0], "category": category})
        self.count("attachments")
        return Response(200, {"data": [self._ok("attachment uploaded successfully", {"id": attachment_id})]})

    def associate(self, request: Request) -> Response:
        results = []
        for record in self._records(request):
            for candidate_id in record.get("ids") or []:
                for job_id in record.get("jobids") or []:
                    if candidate_id not in self.store.candidates or job_id not in self.store.jobs:
                        results.append(
                            self._error(
                                "INVALID_DATA",
                                "the id given seems to be invalid",
                                {"id": candidate_id, "jobid": job_id},
                            )
                        )
                    elif self._application(candidate_id, job_id) is not None:
                        results.append(
                            self._error(
                                "ALREADY_ASSOCIATED", "already associated", {"id": candidate_id, "jobid": job_id}
                            )
                        )
                    else:
                        self.add_application(
                            candidate_id=candidate_id,
                            job_id=job_id,
                            stage_id="Applied" if "Applied" in self.store.stage_ids(job_id) else None,
                        )
                        results.append(self._ok("associated successfully", {"id": candidate_id, "jobid": job_id}))
        return Response(200, {"data": results})

    def change_status(self, request: Request) -> Response:
        results = []
        for record in self._records(request):
            status = record.get("Candidate_Status")
            for candidate_id in record.get("ids") or []:
                for job_id in record.get("jobids") or []:
                    application = self._application(candidate_id, job_id)
                    if application is None:
                        results.append(
                            self._error(
                                "INVALID_DATA",
                                "the candidate is not associated with the job opening",
                                {"id": candidate_id},
                            )
                        )
                    elif status not in self.store.stage_ids(job_id):
                        results.append(self._error("INVALID_DATA", "invalid data", {"api_name": "Candidate_Status"}))
                    else:
                        if status in REJECTION_STATUSES:
                            self.move(application.id, status, notify=False)
                            self.disqualify(application.id, note=record.get("comments") or "")
                        else:
                            self.move(application.id, status)
                        results.append(self._ok("status changed", {"id": candidate_id, "jobid": job_id}))
        # The status-change response nests the per-record results one level deeper.
        return Response(200, {"data": [results]})

    def add_notes(self, request: Request) -> Response:
        results = []
        for record in self._records(request):
            parent = record.get("Parent_Id")
            parent_id = parent.get("id") if isinstance(parent, dict) else parent
            if (
                record.get("se_module") != "Candidates"
                or parent_id not in self.store.candidates
                or not record.get("Note_Content")
            ):
                results.append(self._error("INVALID_DATA", "invalid data", {"api_name": "Parent_Id"}))
                continue
            with self.store.lock:
                latest = [app for app in self.store.applications.values() if app.candidate_id == parent_id]
            if latest:
                self.note(latest[-1].id, record["Note_Content"])
            results.append(self._ok("record added", {"id": f"8000000{self.store.new_id()}"}))
        return Response(201, {"data": results})

    # ---- webhooks ---------------------------------------------------------------------------------

    def on_application_moved(self, application: Application) -> None:
        if not self.webhook_url:
            return
        # Workflow webhooks post the configured fields plus the shared token as form data.
        form = {
            "token": self.webhook_secret,
            "candidate_id": application.candidate_id,
            "job_id": application.job_id,
            "Candidate_Status": application.stage_id,
            "event": "status_changed",
            "event_id": secrets.token_hex(12),
            "modified_time": str(int(application.updated_at)),
        }
        self.send_webhook(urlencode(form).encode(), {"Content-Type": "application/x-www-form-urlencoded"})
