"""Greenhouse Harvest v1: Basic auth with the API key as username, ``On-Behalf-Of`` on
writes, ``Link`` header pagination (``rel="next"``)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

import requests
from dateutil.parser import isoparse

from .base import (
    DEFAULT_TIMEOUT,
    ApplicationRef,
    ATSProvider,
    CandidateData,
    HttpClient,
    RemoteApplicationState,
    RemoteCandidate,
    RemoteJob,
    RemoteReason,
    RemoteStage,
    ResumeFile,
    default_error_message,
    iter_pages,
    on_jobs,
)


def error_message(response: requests.Response) -> str:
    """422 bodies list field errors: ``{"message":"Validation error","errors":[...]}``."""
    try:
        body = response.json()
    except ValueError:
        return default_error_message(response)
    if isinstance(body, dict) and body.get("errors"):
        details = "; ".join(
            f"{error.get('field')}: {error.get('message')}" if error.get("field") else str(error.get("message"))
            for error in body["errors"]
        )
        return f"{body.get('message', 'Error')}: {details}"
    return default_error_message(response)


# Every field of ``PUT /v1/candidates/{id}/anonymize`` that holds something about the
# person; the anonymous pipeline history (stages, dates, offers' existence) stays, as ours does.
ANONYMIZE_FIELDS = (
    "full_name",
    "current_company",
    "current_title",
    "headline",
    "tags",
    "phone_numbers",
    "emails",
    "email_addresses",
    "social_media_links",
    "websites",
    "addresses",
    "location",
    "custom_candidate_fields",
    "attachments",
    "candidate_photo",
    "application_questions",
    "referral_questions",
    "notes",
    "rejection_notes",
    "custom_rejection_question_fields",
    "scorecards_and_interviews",
    "activity_items",
    "innotes",
    "inmails",
    "education",
    "employment",
    "custom_application_fields",
    "follow_up_reminders",
)


class GreenhouseProvider(ATSProvider):
    slug = "greenhouse"
    display_name = "Greenhouse"
    # Harvest's anonymize endpoint (Enterprise accounts; others get Greenhouse's own error).
    supports_erasure = True

    def __init__(
        self,
        *,
        api_key: str,
        on_behalf_of: str,
        base_url: str = "https://harvest.greenhouse.io/v1",
        page_size: int = 100,
        timeout: Any = DEFAULT_TIMEOUT,
        throttle: Callable[[], None] | None = None,
    ):
        self.on_behalf_of = str(on_behalf_of)
        self.page_size = page_size
        self.http = HttpClient(
            base_url, auth=(api_key, ""), timeout=timeout, error_message=error_message, throttle=throttle
        )

    def _write(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.http.json(method, path, headers={"On-Behalf-Of": self.on_behalf_of}, **kwargs)

    @staticmethod
    def _application_payload(job_id: str, stage_id: str | None) -> dict[str, Any]:
        payload: dict[str, Any] = {"job_id": int(job_id)}
        if stage_id:
            payload["initial_stage_id"] = int(stage_id)
        return payload

    def _paged(self, path: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        def fetch(next_url: str | None) -> tuple[list[dict[str, Any]], str | None]:
            if next_url is None:
                response = self.http.request("GET", path, params={"per_page": self.page_size, **params})
            else:
                response = self.http.request("GET", next_url)
            return response.json(), response.links.get("next", {}).get("url")

        return iter_pages(fetch)

    def test_connection(self) -> str:
        users = self.http.json("GET", "/users", params={"per_page": 1})
        return f"Greenhouse Harvest: {len(users)} user(s) visible"

    def iter_jobs(self) -> Iterator[RemoteJob]:
        for job in self._paged("/jobs", {}):
            offices = job.get("offices") or []
            yield RemoteJob(
                id=str(job["id"]),
                title=job.get("name", ""),
                status=job.get("status", ""),
                location=", ".join(office.get("name", "") for office in offices),
                description=job.get("notes") or "",
                raw=job,
            )

    def list_stages(self, job_id: str) -> list[RemoteStage]:
        stages = self.http.json("GET", f"/jobs/{job_id}/stages")
        ordered = sorted(stages, key=lambda stage: stage.get("priority", 0))
        return [
            RemoteStage(id=str(stage["id"]), name=stage["name"], position=index) for index, stage in enumerate(ordered)
        ]

    def list_disqualify_reasons(self) -> list[RemoteReason]:
        return [
            RemoteReason(id=str(reason["id"]), name=reason["name"])
            for reason in self.http.json("GET", "/rejection_reasons")
        ]

    @staticmethod
    def _state(application: dict[str, Any]) -> RemoteApplicationState:
        jobs = application.get("jobs") or [{}]
        activity = application.get("last_activity_at")
        return RemoteApplicationState(
            id=str(application["id"]),
            stage_id=str((application.get("current_stage") or {}).get("id", "")),
            disqualified=application.get("status") == "rejected",
            candidate_id=str(application.get("candidate_id", "")),
            job_id=str(jobs[0].get("id", "")),
            updated_at=isoparse(activity) if activity else None,
        )

    def get_application(self, application: ApplicationRef) -> RemoteApplicationState:
        return self._state(self.http.json("GET", f"/applications/{application.id}"))

    def find_application(self, *, email: str, job_id: str) -> ApplicationRef | None:
        for candidate in self._paged("/candidates", {"email": email}):
            for application in candidate.get("applications", []):
                if any(str(job.get("id")) == str(job_id) for job in application.get("jobs", [])):
                    return ApplicationRef(
                        id=str(application["id"]), candidate_id=str(candidate["id"]), job_id=str(job_id)
                    )
        return None

    def iter_applications_updated_since(
        self, since: datetime, job_ids: list[str] | None = None
    ) -> Iterator[RemoteApplicationState]:
        applications = self._paged("/applications", {"last_activity_after": since.isoformat()})
        return on_jobs(map(self._state, applications), job_ids)

    def create_candidate(
        self, *, candidate: CandidateData, resume: ResumeFile | None, job_id: str, stage_id: str | None = None
    ) -> RemoteCandidate:
        payload: dict[str, Any] = {
            "first_name": candidate.first_name,
            "last_name": candidate.last_name,
            "email_addresses": [{"value": candidate.email, "type": "personal"}],
            "phone_numbers": [{"value": candidate.phone, "type": "mobile"}] if candidate.phone else [],
            "addresses": [{"value": candidate.location, "type": "home"}] if candidate.location else [],
            "website_addresses": [{"value": url, "type": "personal"} for url in candidate.links],
            "applications": [self._application_payload(job_id, stage_id)],
        }
        created = self._write("POST", "/candidates", json=payload)
        candidate_id = str(created["id"])
        application_ids = created.get("application_ids") or [item["id"] for item in created.get("applications", [])]
        if resume is not None:
            self._write(
                "POST",
                f"/candidates/{candidate_id}/attachments",
                json={
                    "filename": resume.filename,
                    "type": "resume",
                    "content": base64.b64encode(resume.content).decode(),
                    "content_type": resume.content_type,
                },
            )
        return RemoteCandidate(
            id=candidate_id,
            email=candidate.email,
            name=candidate.name,
            application_id=str(application_ids[0]) if application_ids else "",
            job_id=str(job_id),
        )

    def create_application(
        self, *, candidate: RemoteCandidate, job_id: str, stage_id: str | None = None
    ) -> ApplicationRef:
        if candidate.application_id and candidate.job_id == str(job_id):
            return ApplicationRef(id=candidate.application_id, candidate_id=candidate.id, job_id=str(job_id))
        payload = self._application_payload(job_id, stage_id)
        created = self._write("POST", f"/candidates/{candidate.id}/applications", json=payload)
        return ApplicationRef(id=str(created["id"]), candidate_id=candidate.id, job_id=str(job_id))

    def move_application(self, *, application: ApplicationRef, stage_id: str) -> None:
        # ``/move`` needs the stage the application is in now; a stale one is a 422.
        current = self.get_application(application)
        if current.stage_id == str(stage_id):
            return
        self._write(
            "POST",
            f"/applications/{application.id}/move",
            json={"from_stage_id": int(current.stage_id), "to_stage_id": int(stage_id)},
        )

    def disqualify(self, *, application: ApplicationRef, reason: str) -> None:
        payload: dict[str, Any] = {"notes": reason}
        chosen = self.choose_reason(reason)
        if chosen is not None:
            payload["rejection_reason_id"] = int(chosen.id)
        self._write("POST", f"/applications/{application.id}/reject", json=payload)

    def add_note(self, *, application: ApplicationRef, body: str) -> None:
        payload = {"user_id": int(self.on_behalf_of), "body": body, "visibility": "admin_only"}
        self._write("POST", f"/candidates/{application.candidate_id}/activity_feed/notes", json=payload)

    def erase_candidate(self, *, candidate_ref: str) -> None:
        self._write("PUT", f"/candidates/{candidate_ref}/anonymize", params={"fields": ",".join(ANONYMIZE_FIELDS)})


def sign_webhook(secret: str, body: bytes) -> str:
    return "sha256 " + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_webhook(secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """``Signature: sha256 <hex HMAC-SHA256(secret, raw body)>``."""
    return hmac.compare_digest(headers.get("Signature", ""), sign_webhook(secret, body))
