import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from candidates.models import Application, Candidate, Note
from candidates.privacy import ERASED_NAME, anonymise_inactive_candidates
from candidates.signals import candidate_erased
from tests.factories import NoteFactory, ResumeFactory


@pytest.fixture
def candidate_with_data(org_world):
    resume = ResumeFactory(application=org_world.app_own, original_name="ada.pdf")
    resume.file.save("ada.pdf", ContentFile(b"%PDF-1.4 fake"), save=True)
    NoteFactory(candidate=org_world.app_own.candidate, body="Great call, strong on SQL")
    return org_world.app_own.candidate, resume


@pytest.mark.django_db
def test_admin_exports_everything_about_a_candidate(client, org_world, candidate_with_data):
    candidate, _ = candidate_with_data
    client.force_login(org_world.admin)
    response = client.get(reverse("privacy:export_candidate", args=[candidate.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    assert data["candidate"]["email"] == candidate.email
    assert data["notes"][0]["body"] == "Great call, strong on SQL"
    assert data["applications"][0]["job"] == org_world.job_own.title
    assert any(name.startswith("resumes/") for name in archive.namelist())


@pytest.mark.django_db
@pytest.mark.parametrize("who, status", [("recruiter", 403), ("manager", 403), ("b_admin", 404)])
def test_export_and_erase_are_for_the_org_admins_only(client, org_world, candidate_with_data, who, status):
    candidate, _ = candidate_with_data
    client.force_login(getattr(org_world, who))
    assert client.get(reverse("privacy:export_candidate", args=[candidate.pk])).status_code == status
    assert (
        client.post(
            reverse("privacy:erase_candidate", args=[candidate.pk]), {"confirm_email": candidate.email}
        ).status_code
        == status
    )
    candidate.refresh_from_db()
    assert candidate.anonymised_at is None


@pytest.mark.django_db(transaction=True)
def test_erasure_removes_personal_data_and_files_and_tells_listeners(client, org_world, candidate_with_data):
    candidate, resume = candidate_with_data
    stored_name = resume.file.name
    heard = []
    candidate_erased.connect(lambda **kw: heard.append(kw["remote_refs"]), dispatch_uid="erase-test", weak=False)
    try:
        client.force_login(org_world.admin)
        wrong = client.post(reverse("privacy:erase_candidate", args=[candidate.pk]), {"confirm_email": "nope@x.y"})
        assert wrong.status_code == 400
        response = client.post(
            reverse("privacy:erase_candidate", args=[candidate.pk]), {"confirm_email": candidate.email}
        )
        assert response.status_code == 302
    finally:
        candidate_erased.disconnect(dispatch_uid="erase-test")
    candidate.refresh_from_db()
    assert candidate.name == ERASED_NAME and candidate.phone == "" and candidate.anonymised_at
    assert not Note.objects.filter(candidate=candidate).exists()
    resume.refresh_from_db()
    assert resume.parsed == {} and not resume.file
    from django.core.files.storage import default_storage

    assert not default_storage.exists(stored_name)
    assert Application.objects.filter(candidate=candidate).exists(), "anonymous history stays"
    assert heard and heard[0]["candidate_id"] == candidate.pk


@pytest.mark.django_db
def test_retention_anonymises_only_inactive_candidates(org_world):
    org = org_world.org_a
    org.retention_months = 6
    org.save()
    old = org_world.app_own.candidate
    recent = org_world.app_shared.candidate
    long_ago = timezone.now() - timedelta(days=400)
    Candidate.objects.filter(pk=old.pk).update(updated_at=long_ago)
    Application.objects.filter(candidate=old).update(updated_at=long_ago)
    Candidate.objects.filter(pk=recent.pk).update(updated_at=long_ago)  # but its application is recent
    assert anonymise_inactive_candidates() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.anonymised_at and not recent.anonymised_at
    assert anonymise_inactive_candidates() == 0
