"""Screening in a real browser (Playwright + Debian Chromium): upload a folder's worth of
resumes, apply through the public page, answer the questionnaire on a phone."""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from screening import services
from screening.models import Instrument, PersonalityScreening, Resume
from screening.personality import read_instrument_csv
from tests.e2e.conftest import browser, log_in, make_page, output_dir, page, world  # noqa: F401
from tests.screening.conftest import RESUMES

pytestmark = pytest.mark.browser
BIG_FIVE_CSV = Path(services.__file__).resolve().parent / "data" / "instruments" / "big_five_v1.csv"


def test_recruiter_uploads_resumes_and_sees_them_ranked(page, live_server, world):  # noqa: F811
    job = world.job_own
    log_in(page, live_server, world.recruiter.email)
    page.goto(f"{live_server.url}{reverse('screening:upload', args=[job.pk])}")
    files = [
        str(RESUMES / name)
        for name in ("04-chloe-dubois-pdf-one-column.pdf", "09-priya-raghunathan-odt.odt", "scanned.pdf")
    ]
    page.set_input_files("#id_files", files)
    page.click("main form button[type=submit]")
    results = page.locator("#results")
    expect(results).to_contain_text("3 files")
    expect(results.locator("tr", has_text="04-chloe-dubois")).to_contain_text("Parsed and scored")
    expect(results.locator("tr", has_text="scanned.pdf")).to_contain_text("scanned document")
    page.screenshot_to("uploaded")
    page.click("text=See the ranked resumes")
    expect(page.locator("#resumes-tab")).to_contain_text("Chloé Dubois")
    expect(page.locator("#resumes-tab")).to_contain_text("Priya Raghunathan")
    assert Resume.objects.filter(job=job, status=Resume.Status.PARSED).count() == 2


def test_candidate_applies_and_answers_the_questionnaire_on_a_phone(make_page, live_server, world):  # noqa: F811
    job = world.job_own
    phone = make_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.goto(f"{live_server.url}{reverse('screening:apply', args=[job.public_token])}")
    phone.fill("#id_name", "Kenji Watanabe")
    phone.fill("#id_email", "kenji@example.org")
    phone.set_input_files("#id_resume", str(RESUMES / "25-kenji-watanabe-pdf-two-columns.pdf"))
    phone.click("main form button[type=submit]")
    expect(phone.locator("main")).to_contain_text("Thank you")
    resume = Resume.objects.get(job=job, candidate__email="kenji@example.org")
    assert resume.status == Resume.Status.PARSED
    # A transactional test database is flushed, data migrations included: load the CSV again.
    instrument = Instrument.objects.filter(slug="hireboard-big-five").first() or services.import_instrument(
        rows=read_instrument_csv(BIG_FIVE_CSV.read_text()), slug="hireboard-big-five", name="Big Five", version="1"
    )
    screening = services.invite_to_screening(
        job=job, application=resume.application, instrument=instrument, actor=world.recruiter
    )
    services.send_screening_invitation(screening_id=screening.pk)
    link = re.search(r"https?://\S+/screening/q/\S+/", mail.outbox[-1].body).group()
    phone.goto(live_server.url + "/" + link.split("://", 1)[1].split("/", 1)[1])
    for page_number in range(1, 6):
        expect(phone.locator("main")).to_contain_text(f"Page {page_number} of 5")
        for fieldset in phone.locator("fieldset.sc-item").all():
            fieldset.locator("input[type=radio]").nth(3).check()
        phone.screenshot_to(f"questionnaire-{page_number}")
        phone.click("main form button[type=submit]")
    expect(phone.locator("main")).to_contain_text("Your answers have been sent")
    screening.refresh_from_db()
    assert screening.status == PersonalityScreening.Status.COMPLETED
    assert len(screening.trait_scores) == 5
