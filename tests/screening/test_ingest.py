from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from candidates.models import Application, Candidate
from screening import services
from screening.models import RescoreRun, Resume, ResumeScore
from screening.parsing import UploadRejected
from tests.factories import JobFactory
from tests.screening.conftest import expected, resume_upload

DOCX = "01-jose-alvarez-romero-docx-one-column.docx"
PDF_SAME_PERSON = "01-jose-alvarez-romero-pdf-one-column.pdf"


@pytest.fixture
def job(db):
    return JobFactory(must_have_skills=["Python", "Java", "Kubernetes"], min_experience=2, max_experience=8)


def test_upload_parses_finds_candidate_applies_and_scores(job, on_commit):
    resume = on_commit(services.ingest_resume, job=job, uploaded=resume_upload(DOCX), actor=job.owner)
    resume.refresh_from_db()
    truth = expected(DOCX)
    assert resume.status == Resume.Status.PARSED, resume.status_text
    assert resume.completed and resume.is_current
    assert resume.candidate.email == truth["email"]
    assert resume.candidate.name == truth["name"]
    assert resume.candidate.phone == truth["phone"]
    assert resume.application.stage == job.pipeline.first_stage()
    assert set(resume.parsed) >= {
        "name",
        "email",
        "phone",
        "location",
        "links",
        "skills",
        "experience",
        "education",
        "certifications",
        "projects",
    }
    assert abs(resume.relevant_experience_in_months - truth["relevant_experience_in_months"]) <= 3
    score = resume.score
    parts = [
        score.skills_score,
        score.work_exp_score,
        score.projects_score,
        score.education_score,
        score.certifications_score,
    ]
    assert sum(parts) == score.overall_score
    assert Decimal(0) < score.overall_score <= 10
    assert score.feedback["skills"]["matched"] + score.feedback["skills"]["missing"] == ["Python", "Java", "Kubernetes"]
    assert default_storage.exists(resume.file.name)
    assert DOCX not in resume.file.name  # stored under a generated name


def test_reupload_replaces_current_resume_and_keeps_history(job, on_commit):
    first = on_commit(services.ingest_resume, job=job, uploaded=resume_upload(DOCX), actor=job.owner)
    second = on_commit(services.ingest_resume, job=job, uploaded=resume_upload(PDF_SAME_PERSON), actor=job.owner)
    first.refresh_from_db()
    second.refresh_from_db()
    assert Candidate.objects.filter(org=job.org).count() == 1
    assert Application.objects.filter(job=job).count() == 1
    assert not first.is_current and second.is_current
    assert first.candidate_id == second.candidate_id
    assert Resume.objects.filter(job=job).count() == 2


def test_rejected_upload_stores_nothing(job, on_commit):
    bogus = SimpleUploadedFile("resume.pdf", b"MZ\x90\x00" + bytes(range(256)) * 8)
    with pytest.raises(UploadRejected, match="not a supported document type"):
        on_commit(services.ingest_resume, job=job, uploaded=bogus, actor=job.owner)
    assert not Resume.objects.exists()


def test_batch_names_bad_files_and_keeps_the_good_ones(job, on_commit):
    files = [resume_upload(DOCX), SimpleUploadedFile("empty.docx", b""), resume_upload("scanned.pdf")]
    results = on_commit(services.ingest_resume_batch, job=job, files=files, actor=job.owner)
    assert [r.error for r in results] == ["", "The file is empty.", ""]
    scanned = Resume.objects.get(original_name="scanned.pdf")
    assert scanned.status == Resume.Status.FAILED
    assert "no text layer" in scanned.status_text.lower()
    assert scanned.candidate is None


def test_resume_without_email_fails_with_a_reason(job, on_commit):
    upload = SimpleUploadedFile(
        "cv.txt", b"Jane Example\nSkills: Python, Django\nExperience\nDeveloper | Acme | 2019 - 2021\n"
    )
    resume = on_commit(services.ingest_resume, job=job, uploaded=upload, actor=job.owner)
    resume.refresh_from_db()
    assert resume.status == Resume.Status.FAILED
    assert "No email address" in resume.status_text
    assert not Candidate.objects.exists()


def test_processing_is_idempotent(job, on_commit):
    resume = on_commit(services.ingest_resume, job=job, uploaded=resume_upload(DOCX), actor=job.owner)
    resume.refresh_from_db()
    scored_at = resume.score.scored_at
    services.process_resume(resume_id=resume.pk)
    resume.refresh_from_db()
    assert resume.score.scored_at == scored_at
    assert ResumeScore.objects.count() == 1


def test_hiring_manager_cannot_upload(org_world, on_commit):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.ingest_resume(job=org_world.job_shared, uploaded=resume_upload(DOCX), actor=org_world.manager)


def test_rescore_after_criteria_change_updates_every_score_in_batches(job, on_commit):
    for name in (DOCX, "02-zoe-whitfield-docx-one-column.docx", "03-ukasz-wisniewski-pdf-two-columns.pdf"):
        on_commit(services.ingest_resume, job=job, uploaded=resume_upload(name), actor=job.owner)
    before = {s.resume_id: s.skills_score for s in ResumeScore.objects.all()}
    job.must_have_skills = ["Cobol-only-skill-nobody-has"]
    job.save()
    run = on_commit(services.request_rescore, job=job, actor=job.owner)
    run.refresh_from_db()
    assert run.status == RescoreRun.Status.DONE
    assert run.done == run.total == 3
    after = {s.resume_id: s.skills_score for s in ResumeScore.objects.all()}
    assert set(after) == set(before)
    assert all(value == 0 for value in after.values())
    assert any(value > 0 for value in before.values())
    ranks = dict(Resume.objects.filter(job=job, is_current=True).values_list("pk", "rank_score"))
    assert ranks == {s.resume_id: s.overall_score for s in ResumeScore.objects.all()}


def test_newer_rescore_supersedes_an_unfinished_one(job, on_commit):
    older = services.request_rescore(job=job)  # not committed: still queued
    newer = on_commit(services.request_rescore, job=job)
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.status == RescoreRun.Status.SUPERSEDED
    assert newer.status == RescoreRun.Status.DONE
    assert services.run_rescore(run_id=older.pk).status == RescoreRun.Status.SUPERSEDED


def test_parser_crash_marks_the_resume_failed_with_a_reason(job, on_commit, monkeypatch):
    def explode(*args, **kwargs):
        raise KeyError("word/document.xml")

    monkeypatch.setattr("screening.services.parse_resume", explode)
    resume = on_commit(services.ingest_resume, job=job, uploaded=resume_upload(DOCX), actor=job.owner)
    resume.refresh_from_db()
    assert resume.status == Resume.Status.FAILED
    assert resume.completed
    assert "could not be read" in resume.status_text


def test_scoring_announces_resume_scored(job, on_commit):
    from dashboard.events import resume_scored

    received = []
    resume_scored.connect(lambda sender, resume, **kw: received.append(resume.pk), weak=False, dispatch_uid="t")
    try:
        resume = on_commit(services.ingest_resume, job=job, uploaded=resume_upload(DOCX), actor=job.owner)
    finally:
        resume_scored.disconnect(dispatch_uid="t")
    assert received == [resume.pk]


def test_rescore_counts_months_a_current_job_added_since_parsing(job, on_commit):
    current_job_resume = "04-chloe-dubois-docx-header.docx"
    resume = on_commit(services.ingest_resume, job=job, uploaded=resume_upload(current_job_resume), actor=job.owner)
    resume.refresh_from_db()
    assert any(role["current"] for role in resume.parsed["experience"])
    Resume.objects.filter(pk=resume.pk).update(relevant_experience_in_months=1)
    on_commit(services.request_rescore, job=job)
    resume.refresh_from_db()
    assert resume.relevant_experience_in_months > 1
    assert resume.score.feedback["work_experience"]["months_found"] == resume.relevant_experience_in_months


def test_api_payload_has_status_parsed_fields_and_breakdown(job, on_commit):
    from screening.selectors import resume_api_payload

    resume = on_commit(services.ingest_resume, job=job, uploaded=resume_upload(DOCX), actor=job.owner)
    resume = Resume.objects.select_related("score").get(pk=resume.pk)
    payload = resume_api_payload(resume)
    assert payload["status"] == "parsed"
    assert set(payload["parsed"]) == {
        "name", "email", "phone", "location", "links", "skills", "experience", "education", "certifications", "projects",
    }  # fmt: skip
    assert payload["relevant_experience_in_months"] == resume.relevant_experience_in_months
    score = payload["score"]
    parts = ("skills_score", "work_exp_score", "projects_score", "education_score", "certifications_score")
    assert sum(score[part] for part in parts) == score["overall_score"]
    assert score["feedback"]["skills"]["missing"] is not None


def test_api_payload_of_a_pending_resume_has_no_parsed_fields(job):
    from screening.selectors import resume_api_payload

    resume = services.ingest_resume(job=job, uploaded=resume_upload(DOCX), actor=job.owner)  # not committed: pending
    payload = resume_api_payload(resume)
    assert payload["status"] == "pending" and payload["parsed"] == {} and payload["score"] is None
