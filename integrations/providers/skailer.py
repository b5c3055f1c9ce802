"""Skailer: the staged application flow of its "ATS Application Creation" page.

1. ``POST /api/v1/jobs/search`` -> job_id + pipeline_id
2. ``GET /api/v1/pipelines/all`` -> the pipeline's stages
3. ``GET /api/v1/sources/all`` -> source_id
4. ``POST /api/v1/upload-cv-file`` (multipart) -> cv_id
5. ``POST /api/v1/applicant`` with ``cv_ids`` -> applicant_id
6. ``POST /api/v1/candidate`` (job_id, applicant_id, pipeline_id, pipeline_stage_id) -> candidate_id
7. ``POST /api/v1/candidates/{id}/actions``: move, disqualify, reserve, comment; a
   ``datetime_action_date`` backdates an action, which then leaves the current stage alone.

UNCONFIRMED (not in the source page, kept here so it is easy to correct): bearer-token
auth, the response envelopes (``{"data": ...}``), page-based search with ``meta.last_page``,
the error body ``{"error", "message"}``, and the read endpoints ``GET /candidates/{id}``,
``POST /candidates/search`` and ``GET /disqualification-reasons/all``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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

SOURCE_NAME = "Hireboard"


class SkailerProvider(ATSProvider):
    slug = "skailer"
    display_name = "Skailer"
    supports_webhooks = False

    def __init__(
        self,
        *,
        api_token: str,
        base_url: str = "https://api.skailer.com",
        page_size: int = 50,
        timeout: Any = DEFAULT_TIMEOUT,
        throttle: Callable[[], None] | None = None,
    ):
        self.page_size = page_size
        self.http = HttpClient(
            f"{base_url.rstrip('/')}/api/v1",
            headers={"Authorization": f"Bearer {api_token}"},
            timeout=timeout,
            throttle=throttle,
        )
        self._pipelines: dict[str, list[RemoteStage]] | None = None
        self._job_pipeline: dict[str, str] = {}
        self._source_id: str | None = None

    def _search(self, path: str, criteria: dict[str, Any]) -> Iterator[dict[str, Any]]:
        def fetch(page: int | None) -> tuple[list[dict[str, Any]], int | None]:
            number = page or 1
            body = self.http.json("POST", path, json={**criteria, "page": number, "per_page": self.page_size})
            meta = body.get("meta") or {}
            return body.get("data", []), number + 1 if number < int(meta.get("last_page", number)) else None

        return iter_pages(fetch)

    def test_connection(self) -> str:
        pipelines = self.http.json("GET", "/pipelines/all").get("data", [])
        return f"Skailer: {len(pipelines)} pipeline(s)"

    # ---- steps 1-3: job, pipeline, source -----------------------------------------------------

    def iter_jobs(self) -> Iterator[RemoteJob]:
        for job in self._search("/jobs/search", {}):
            job_id = str(job["job_id"])
            self._job_pipeline[job_id] = str(job["pipeline_id"])
            yield RemoteJob(
                id=job_id,
                title=job.get("title", ""),
                status=job.get("status", ""),
                location=job.get("location", ""),
                description=job.get("description", ""),
                raw=job,
            )

    def _pipeline_of(self, job_id: str) -> str:
        if job_id not in self._job_pipeline:
            for job in self._search("/jobs/search", {"job_id": job_id}):
                self._job_pipeline[str(job["job_id"])] = str(job["pipeline_id"])
        if job_id not in self._job_pipeline:
            raise PermanentError(f"Skailer: job {job_id} not found", status=404, provider_message="job not found")
        return self._job_pipeline[job_id]

    def _stages_by_pipeline(self) -> dict[str, list[RemoteStage]]:
        if self._pipelines is None:
            pipelines = self.http.json("GET", "/pipelines/all").get("data", [])
            self._pipelines = {
                str(pipeline["id"]): [
                    RemoteStage(id=str(stage["id"]), name=stage["name"], position=int(stage.get("position", index)))
                    for index, stage in enumerate(
                        sorted(pipeline.get("stages", []), key=lambda stage: stage.get("position", 0))
                    )
                ]
                for pipeline in pipelines
            }
        return self._pipelines

    def list_stages(self, job_id: str) -> list[RemoteStage]:
        return self._stages_by_pipeline().get(self._pipeline_of(job_id), [])

    def _source(self) -> str:
        if self._source_id is None:
            sources = self.http.json("GET", "/sources/all").get("data", [])
            if not sources:
                raise PermanentError("Skailer: the account has no application sources")
            chosen = next((source for source in sources if source["name"].lower() == SOURCE_NAME.lower()), sources[0])
            self._source_id = str(chosen["id"])
        return self._source_id

    def list_disqualify_reasons(self) -> list[RemoteReason]:
        return [
            RemoteReason(id=str(reason["id"]), name=reason["name"])
            for reason in self.http.json("GET", "/disqualification-reasons/all").get("data", [])
        ]

    # ---- reads of candidates --------------------------------------------------------------------

    @staticmethod
    def _state(candidate: dict[str, Any]) -> RemoteApplicationState:
        updated = candidate.get("updated_at")
        return RemoteApplicationState(
            id=str(candidate["candidate_id"]),
            stage_id=str(candidate.get("pipeline_stage_id", "")),
            disqualified=bool(candidate.get("disqualified")),
            candidate_id=str(candidate.get("applicant_id", "")),
            job_id=str(candidate.get("job_id", "")),
            updated_at=isoparse(updated) if updated else None,
        )

    def get_application(self, application: ApplicationRef) -> RemoteApplicationState:
        return self._state(self.http.json("GET", f"/candidates/{application.id}")["data"])

    def find_application(self, *, email: str, job_id: str) -> ApplicationRef | None:
        for candidate in self._search("/candidates/search", {"applicant_email": email, "job_id": job_id}):
            state = self._state(candidate)
            return ApplicationRef(id=state.id, candidate_id=state.candidate_id, job_id=job_id)
        return None

    def iter_applications_updated_since(
        self, since: datetime, job_ids: list[str] | None = None
    ) -> Iterator[RemoteApplicationState]:
        candidates = self._search("/candidates/search", {"updated_after": since.isoformat()})
        return on_jobs(map(self._state, candidates), job_ids)

    # ---- steps 4-6: CV, applicant, candidate on the job -------------------------------------------

    def create_candidate(
        self, *, candidate: CandidateData, resume: ResumeFile | None, job_id: str, stage_id: str | None = None
    ) -> RemoteCandidate:
        cv_ids = []
        if resume is not None:
            uploaded = self.http.json(
                "POST", "/upload-cv-file", files={"file": (resume.filename, resume.content, resume.content_type)}
            )
            cv_ids.append(uploaded["data"]["cv_id"])
        payload = {
            "name": candidate.name,
            "email": candidate.email,
            "phone": candidate.phone,
            "location": candidate.location,
            "links": list(candidate.links),
            "source_id": self._source(),
            "cv_ids": cv_ids,
        }
        applicant = self.http.json("POST", "/applicant", json=payload)["data"]
        return RemoteCandidate(id=str(applicant["applicant_id"]), email=candidate.email, name=candidate.name)

    def create_application(
        self, *, candidate: RemoteCandidate, job_id: str, stage_id: str | None = None
    ) -> ApplicationRef:
        pipeline_id = self._pipeline_of(job_id)
        stage = stage_id or self.list_stages(job_id)[0].id
        payload = {
            "job_id": job_id,
            "applicant_id": candidate.id,
            "pipeline_id": pipeline_id,
            "pipeline_stage_id": stage,
        }
        created = self.http.json("POST", "/candidate", json=payload)["data"]
        return ApplicationRef(id=str(created["candidate_id"]), candidate_id=candidate.id, job_id=job_id)

    # ---- step 7: actions ----------------------------------------------------------------------------

    def _action(self, application: ApplicationRef, payload: dict[str, Any]) -> str:
        body = self.http.json("POST", f"/candidates/{application.id}/actions", json=payload)
        return str(body["data"]["id"])

    def move_application(self, *, application: ApplicationRef, stage_id: str) -> None:
        self._action(application, {"pipeline_stage_id": stage_id})

    def disqualify(self, *, application: ApplicationRef, reason: str) -> None:
        chosen = self.choose_reason(reason)
        if chosen is None:
            raise PermanentError("Skailer: the account has no disqualification reasons")
        self._action(application, {"disqualification_reason_id": chosen.id, "comment": reason})

    def add_note(self, *, application: ApplicationRef, body: str) -> None:
        self._action(application, {"comment": body})

    def reserve(self, *, application: ApplicationRef) -> str:
        return self._action(application, {"reserved": True})

    def record_past_move(self, *, application: ApplicationRef, stage_id: str, at: datetime) -> str:
        """Record a move in the history at ``at``; the current stage stays as it is."""
        return self._action(application, {"pipeline_stage_id": stage_id, "datetime_action_date": at.isoformat()})

    def delete_action(self, *, application: ApplicationRef, action_id: str) -> None:
        self.http.request("DELETE", f"/candidates/{application.id}/actions/{action_id}")
