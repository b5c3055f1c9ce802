"""Workable SPI v3: bearer account token, ``https://{subdomain}.workable.com/spi/v3``.

A Workable "candidate" belongs to one job, so its id is also our application id. Lists
page with ``limit`` + ``since_id`` and hand back ``paging.next`` as an absolute URL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

from dateutil.parser import isoparse

from .base import (
    DEFAULT_TIMEOUT,
    ApplicationRef,
    ATSProvider,
    CandidateData,
    HttpClient,
    PermanentError,
    RemoteApplicationState,
    RemoteCandidate,
    RemoteJob,
    RemoteReason,
    RemoteStage,
    ResumeFile,
    iter_pages,
    on_jobs,
)


class WorkableProvider(ATSProvider):
    slug = "workable"
    display_name = "Workable"

    def __init__(
        self,
        *,
        subdomain: str,
        token: str,
        member_id: str = "",
        base_url: str = "",
        page_size: int = 50,
        timeout: Any = DEFAULT_TIMEOUT,
        throttle: Callable[[], None] | None = None,
    ):
        self.subdomain = subdomain
        self.member_id = member_id
        self.page_size = page_size
        self.http = HttpClient(
            base_url or f"https://{subdomain}.workable.com/spi/v3",
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            throttle=throttle,
        )
        self._stage_cache: dict[str, list[RemoteStage]] = {}

    # ---- reads -------------------------------------------------------------------

    def _paged(self, first_path: str, key: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        def fetch(next_url: str | None) -> tuple[list[dict[str, Any]], str | None]:
            if next_url is None:
                body = self.http.json("GET", first_path, params=params)
            else:
                body = self.http.json("GET", next_url)
            return body.get(key, []), (body.get("paging") or {}).get("next")

        return iter_pages(fetch)

    def test_connection(self) -> str:
        members = self.http.json("GET", "/members", params={"limit": 1}).get("members", [])
        return f"Workable account {self.subdomain}: {len(members)} member(s) visible"

    def resolve_member_id(self) -> str:
        """The member writes act as (the first member unless configured)."""
        return self._member()

    def _member(self) -> str:
        if not self.member_id:
            members = self.http.json("GET", "/members").get("members", [])
            if not members:
                raise PermanentError("Workable: no member to act as (writes need member_id)")
            self.member_id = members[0]["id"]
        return self.member_id

    def iter_jobs(self) -> Iterator[RemoteJob]:
        for job in self._paged("/jobs", "jobs", {"limit": self.page_size}):
            location = job.get("location") or {}
            yield RemoteJob(
                id=job["shortcode"],
                title=job.get("title", ""),
                status=job.get("state", ""),
                location=location.get("location_str", "") if isinstance(location, dict) else str(location),
                description=job.get("description", "") or "",
                url=job.get("url", ""),
                raw=job,
            )

    def list_stages(self, job_id: str) -> list[RemoteStage]:
        if job_id not in self._stage_cache:
            stages = self.http.json("GET", f"/jobs/{job_id}/stages").get("stages", [])
            self._stage_cache[job_id] = [
                RemoteStage(
                    id=stage["slug"],
                    name=stage["name"],
                    position=int(stage.get("position", 0)),
                    kind=stage.get("kind", ""),
                )
                for stage in sorted(stages, key=lambda stage: stage.get("position", 0))
            ]
        return self._stage_cache[job_id]

    def list_disqualify_reasons(self) -> list[RemoteReason]:
        body = self.http.json("GET", "/disqualification_reasons")
        reasons = body.get("disqualification_reasons", []) if isinstance(body, dict) else body
        return [RemoteReason(id=str(reason["id"]), name=reason.get("description", "")) for reason in reasons]

    def _state(self, candidate: dict[str, Any]) -> RemoteApplicationState:
        job_id = (candidate.get("job") or {}).get("shortcode", "")
        # Candidates carry the stage *name*; moves take the slug.
        stage_name = candidate.get("stage", "")
        stage_id = (
            next((stage.id for stage in self.list_stages(job_id) if stage.name == stage_name), stage_name)
            if job_id
            else stage_name
        )
        updated = candidate.get("updated_at")
        return RemoteApplicationState(
            id=str(candidate["id"]),
            stage_id=stage_id,
            disqualified=bool(candidate.get("disqualified")),
            job_id=job_id,
            candidate_id=str(candidate["id"]),
            updated_at=isoparse(updated) if updated else None,
        )

    def get_application(self, application: ApplicationRef) -> RemoteApplicationState:
        return self._state(self.http.json("GET", f"/candidates/{application.id}")["candidate"])

    def find_application(self, *, email: str, job_id: str) -> ApplicationRef | None:
        for candidate in self._paged(
            "/candidates", "candidates", {"email": email, "shortcode": job_id, "limit": self.page_size}
        ):
            return ApplicationRef(id=str(candidate["id"]), candidate_id=str(candidate["id"]), job_id=job_id)
        return None

    def iter_applications_updated_since(
        self, since: datetime, job_ids: list[str] | None = None
    ) -> Iterator[RemoteApplicationState]:
        params = {"updated_after": since.isoformat(), "limit": self.page_size}
        return on_jobs(map(self._state, self._paged("/candidates", "candidates", params)), job_ids)

    # ---- writes ------------------------------------------------------------------

    def create_candidate(
        self, *, candidate: CandidateData, resume: ResumeFile | None, job_id: str, stage_id: str | None = None
    ) -> RemoteCandidate:
        payload: dict[str, Any] = {
            "name": candidate.name,
            "email": candidate.email,
            "phone": candidate.phone,
            "headline": candidate.headline,
            "address": candidate.location,
            "social_profiles": [{"type": "other", "url": url} for url in candidate.links],
        }
        if resume is not None:
            # UNCONFIRMED: the inline ``resume`` object shape ({name, data: base64}); Workable
            # documents ``resume_url`` for certain, which needs a publicly reachable file.
            payload["resume"] = {"name": resume.filename, "data": base64.b64encode(resume.content).decode()}
        params = {"stage": stage_id} if stage_id else None
        body = self.http.json(
            "POST", f"/jobs/{job_id}/candidates", params=params, json={"sourced": False, "candidate": payload}
        )
        created = body["candidate"]
        return RemoteCandidate(
            id=str(created["id"]),
            email=candidate.email,
            name=candidate.name,
            application_id=str(created["id"]),
            job_id=job_id,
        )

    def create_application(
        self, *, candidate: RemoteCandidate, job_id: str, stage_id: str | None = None
    ) -> ApplicationRef:
        if candidate.application_id and candidate.job_id == job_id:
            return ApplicationRef(id=candidate.application_id, candidate_id=candidate.id, job_id=job_id)
        payload = {"member_id": self._member(), "target_job_shortcode": job_id}
        payload["target_stage"] = stage_id or self.list_stages(job_id)[0].id
        body = self.http.json("POST", f"/candidates/{candidate.id}/copy", json=payload)
        copied = body["candidate"]
        return ApplicationRef(id=str(copied["id"]), candidate_id=str(copied["id"]), job_id=job_id)

    def move_application(self, *, application: ApplicationRef, stage_id: str) -> None:
        self.http.request(
            "POST", f"/candidates/{application.id}/move", json={"member_id": self._member(), "target_stage": stage_id}
        )

    def disqualify(self, *, application: ApplicationRef, reason: str) -> None:
        payload: dict[str, Any] = {"member_id": self._member(), "disqualify_note": reason[:256]}
        chosen = self.choose_reason(reason)
        if chosen is not None:
            payload["disqualify_reason_id"] = chosen.id
        self.http.request("POST", f"/candidates/{application.id}/disqualify", json=payload)

    def add_note(self, *, application: ApplicationRef, body: str) -> None:
        payload = {"member_id": self._member(), "comment": {"body": body, "policy": ["recruiter", "admin"]}}
        self.http.request("POST", f"/candidates/{application.id}/comments", json=payload)


def sign_webhook(secret: str, body: bytes) -> str:
    """``X-Workable-Signature``: HMAC-SHA256 of the raw body keyed with the account token
    (hex encoding UNCONFIRMED; base64 is also accepted by ``verify_webhook``)."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_webhook(secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    given = headers.get("X-Workable-Signature", "")
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    candidates = (digest.hex(), base64.b64encode(digest).decode())
    return bool(given) and any(hmac.compare_digest(given, expected) for expected in candidates)
