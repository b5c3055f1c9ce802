"""Lever v1: Basic auth (API key as username, blank password), ``perform_as`` on writes,
``limit`` + ``offset`` token pagination (``{"data", "hasNext", "next"}``).

An opportunity is one person's candidacy for one posting: our application. The contact id
is the person.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

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
    iter_pages,
    on_jobs,
)


class LeverProvider(ATSProvider):
    slug = "lever"
    display_name = "Lever"

    def __init__(
        self,
        *,
        api_key: str,
        perform_as: str,
        base_url: str = "https://api.lever.co/v1",
        page_size: int = 100,
        timeout: Any = DEFAULT_TIMEOUT,
        throttle: Callable[[], None] | None = None,
    ):
        self.perform_as = perform_as
        self.page_size = min(page_size, 100)
        self.http = HttpClient(base_url, auth=(api_key, ""), timeout=timeout, throttle=throttle)

    def _paged(self, path: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        def fetch(offset: str | None) -> tuple[list[dict[str, Any]], str | None]:
            query = {"limit": self.page_size, **params}
            if offset is not None:
                query["offset"] = offset
            body = self.http.json("GET", path, params=query)
            return body.get("data", []), body.get("next") if body.get("hasNext") else None

        return iter_pages(fetch)

    def _write(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.http.json(method, path, params={"perform_as": self.perform_as}, **kwargs)

    @staticmethod
    def _opportunity(*, name: str, email: str, job_id: str, stage_id: str | None) -> dict[str, Any]:
        """The JSON body of ``POST /opportunities`` for a person applying to one posting."""
        payload: dict[str, Any] = {"name": name, "emails": [email], "postings": [job_id], "origin": "applied"}
        if stage_id:
            payload["stage"] = stage_id
        return payload

    def test_connection(self) -> str:
        users = self.http.json("GET", "/users", params={"limit": 1}).get("data", [])
        return f"Lever: {len(users)} user(s) visible"

    def iter_jobs(self) -> Iterator[RemoteJob]:
        for posting in self._paged("/postings", {}):
            categories = posting.get("categories") or {}
            content = posting.get("content") or {}
            yield RemoteJob(
                id=posting["id"],
                title=posting.get("text", ""),
                status=posting.get("state", ""),
                location=categories.get("location", "") or "",
                description=content.get("descriptionHtml") or content.get("description") or "",
                url=(posting.get("urls") or {}).get("show", ""),
                raw=posting,
            )

    def list_stages(self, job_id: str) -> list[RemoteStage]:
        # Lever stages are account-wide, in pipeline order.
        stages = self.http.json("GET", "/stages").get("data", [])
        return [RemoteStage(id=stage["id"], name=stage["text"], position=index) for index, stage in enumerate(stages)]

    def list_disqualify_reasons(self) -> list[RemoteReason]:
        reasons = self.http.json("GET", "/archive_reasons").get("data", [])
        return [
            RemoteReason(id=reason["id"], name=reason["text"]) for reason in reasons if reason.get("type") != "hired"
        ]

    @staticmethod
    def _state(opportunity: dict[str, Any]) -> RemoteApplicationState:
        applications = opportunity.get("applications") or []
        first = applications[0] if applications and isinstance(applications[0], dict) else {}
        updated = opportunity.get("updatedAt") or opportunity.get("lastInteractionAt")
        return RemoteApplicationState(
            id=opportunity["id"],
            stage_id=opportunity.get("stage") or "",
            disqualified=bool(opportunity.get("archived")),
            candidate_id=opportunity.get("contact", ""),
            job_id=first.get("posting") or "",
            updated_at=datetime.fromtimestamp(updated / 1000, UTC) if updated else None,
        )

    def get_application(self, application: ApplicationRef) -> RemoteApplicationState:
        body = self.http.json("GET", f"/opportunities/{application.id}", params={"expand": "applications"})
        return self._state(body["data"])

    def find_application(self, *, email: str, job_id: str) -> ApplicationRef | None:
        for opportunity in self._paged("/opportunities", {"email": email, "expand": "applications"}):
            state = self._state(opportunity)
            if state.job_id == job_id:
                return ApplicationRef(id=state.id, candidate_id=state.candidate_id, job_id=job_id)
        return None

    def iter_applications_updated_since(
        self, since: datetime, job_ids: list[str] | None = None
    ) -> Iterator[RemoteApplicationState]:
        # UNCONFIRMED filter name: ``updated_at_start`` (ms since epoch).
        params = {"updated_at_start": int(since.timestamp() * 1000), "expand": "applications"}
        return on_jobs(map(self._state, self._paged("/opportunities", params)), job_ids)

    def create_candidate(
        self, *, candidate: CandidateData, resume: ResumeFile | None, job_id: str, stage_id: str | None = None
    ) -> RemoteCandidate:
        if resume is None:
            # requests only sends multipart when files are present; JSON is equally accepted.
            payload = self._opportunity(name=candidate.name, email=candidate.email, job_id=job_id, stage_id=stage_id)
            if candidate.phone:
                payload["phones"] = [{"type": "mobile", "value": candidate.phone}]
            body = self._write("POST", "/opportunities", json=payload)
        else:
            fields: list[tuple[str, str]] = [
                ("name", candidate.name),
                ("emails[]", candidate.email),
                ("postings[]", job_id),
                ("origin", "applied"),
            ]
            if candidate.phone:
                fields += [("phones[0][type]", "mobile"), ("phones[0][value]", candidate.phone)]
            if candidate.headline:
                fields.append(("headline", candidate.headline))
            if candidate.location:
                fields.append(("location", candidate.location))
            fields += [("links[]", url) for url in candidate.links]
            if stage_id:
                fields.append(("stage", stage_id))
            # The docs name the part ``resumeFile``; lever-data-api-go sends ``resume``: UNCONFIRMED.
            files = {"resumeFile": (resume.filename, resume.content, resume.content_type)}
            body = self._write("POST", "/opportunities", data=fields, files=files)
        opportunity = body["data"]
        return RemoteCandidate(
            id=opportunity.get("contact", ""),
            email=candidate.email,
            name=candidate.name,
            application_id=opportunity["id"],
            job_id=job_id,
        )

    def create_application(
        self, *, candidate: RemoteCandidate, job_id: str, stage_id: str | None = None
    ) -> ApplicationRef:
        if candidate.application_id and candidate.job_id == job_id:
            return ApplicationRef(id=candidate.application_id, candidate_id=candidate.id, job_id=job_id)
        # Lever dedupes on email: a new opportunity with the same email joins the same contact.
        payload = self._opportunity(name=candidate.name, email=candidate.email, job_id=job_id, stage_id=stage_id)
        opportunity = self._write("POST", "/opportunities", json=payload)["data"]
        return ApplicationRef(
            id=opportunity["id"], candidate_id=opportunity.get("contact", candidate.id), job_id=job_id
        )

    def move_application(self, *, application: ApplicationRef, stage_id: str) -> None:
        self._write("PUT", f"/opportunities/{application.id}/stage", json={"stage": stage_id})

    def disqualify(self, *, application: ApplicationRef, reason: str) -> None:
        chosen = self.choose_reason(reason)
        self._write("PUT", f"/opportunities/{application.id}/archived", json={"reason": chosen.id if chosen else None})

    def add_note(self, *, application: ApplicationRef, body: str) -> None:
        self._write("POST", f"/opportunities/{application.id}/notes", json={"value": body})


def sign_webhook(signature_token: str, token: str, triggered_at: int) -> str:
    return hmac.new(signature_token.encode(), f"{token}{triggered_at}".encode(), hashlib.sha256).hexdigest()


def verify_webhook(signature_token: str, payload: Mapping[str, Any]) -> bool:
    """Lever signs ``token + triggeredAt`` and puts the signature in the JSON body."""
    token, triggered_at, signature = payload.get("token"), payload.get("triggeredAt"), payload.get("signature")
    if not isinstance(token, str) or not isinstance(signature, str) or triggered_at is None:
        return False
    return hmac.compare_digest(signature, sign_webhook(signature_token, token, triggered_at))
