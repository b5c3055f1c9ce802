"""A recruiter's, an admin's and a hiring manager's day, in a real browser."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import expect

from candidates.models import Application, StageChange
from dashboard.models import User
from tests.e2e.conftest import log_in
from tests.factories import ApplicationFactory, JobFactory, ResumeScoreFactory


def stage(job, name):
    return job.pipeline.stages.get(name=name)


def test_recruiter_filters_the_jobs_list(page, live_server, world):
    JobFactory(org=world.org_a, owner=world.recruiter, title="Closed data role", status="closed")
    log_in(page, live_server, world.recruiter.email)
    page.click("nav.mainnav >> text=Jobs")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(3)
    page.fill("#id_q", "backend")
    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/jobs/\?.*q=backend"))
    expect(rows.first).to_contain_text("Backend engineer")
    page.screenshot_to("filtered-by-text")

    page.select_option("#id_status", "closed")
    page.fill("#id_q", "")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Closed data role")
    page.click("#results th >> text=Title")
    expect(page).to_have_url(re.compile(r"sort=title"))
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"sort=title"))
    page.reload()
    expect(rows.first).to_contain_text("Closed data role")
    page.screenshot_to("filtered-by-status")


def test_open_a_job_and_drag_a_card_to_another_stage(page, live_server, world):
    job = world.job_own
    app = world.app_own
    ResumeScoreFactory(resume__application=app, overall_score=7.5)
    ApplicationFactory.create_batch(2, job=job)
    interview = stage(job, "Interview")
    log_in(page, live_server, world.recruiter.email)
    page.goto(f"{live_server.url}/jobs/")
    page.click("#results >> text=Backend engineer")
    expect(page.locator("h1")).to_contain_text("Backend engineer")
    card = page.locator(f"#card-{app.pk}")
    expect(card).to_contain_text("7.5/10")
    page.screenshot_to("board-before")

    card.drag_to(page.locator(f"#cards-stage-{interview.pk}"))
    expect(page.locator(f"#cards-stage-{interview.pk} #card-{app.pk}")).to_be_visible()
    expect(page.locator(f"#count-stage-{interview.pk}")).to_have_text("1")
    expect(page.locator(f"#count-stage-{app.stage_id}")).to_have_text("2")
    expect(page.locator("#messages")).to_contain_text("moved to Interview")

    page.reload()
    expect(page.locator(f"#cards-stage-{interview.pk} #card-{app.pk}")).to_be_visible()
    assert Application.objects.get(pk=app.pk).stage == interview
    page.screenshot_to("board-after-reload")


def test_keyboard_move_menu_and_rejection_reason(page, live_server, world):
    job = world.job_own
    app = world.app_own
    offer, rejected = stage(job, "Offer"), stage(job, "Rejected")
    log_in(page, live_server, world.recruiter.email)
    page.goto(f"{live_server.url}{reverse('jobs:board', args=[job.pk])}")

    summary = page.locator(f"#card-{app.pk} summary")
    summary.focus()
    page.keyboard.press("Enter")
    select = page.locator(f"#move-stage-{app.pk}")
    expect(select).to_be_visible()
    page.keyboard.press("Tab")
    expect(select).to_be_focused()
    select.select_option(str(offer.pk))
    page.keyboard.press("Tab")  # the reason box
    page.keyboard.press("Tab")  # the Move button
    page.keyboard.press("Enter")
    expect(page.locator(f"#cards-stage-{offer.pk} #card-{app.pk}")).to_be_visible()
    expect(page.locator(f"#card-{app.pk}")).to_be_focused()
    page.screenshot_to("moved-with-keyboard")

    # Rejecting without a reason is refused by the browser and the server; with one it moves.
    page.locator(f"#card-{app.pk} summary").press("Enter")
    page.locator(f"#move-stage-{app.pk}").select_option(str(rejected.pk))
    page.locator(f"#move-reason-{app.pk}").fill("Salary expectations far above the band")
    page.locator(f"#card-{app.pk} .move-form button").press("Enter")
    expect(page.locator(f"#cards-stage-{rejected.pk} #card-{app.pk}")).to_be_visible()
    change = StageChange.objects.filter(application=app).order_by("-at", "-pk").first()
    assert change.to_stage == rejected and change.reason == "Salary expectations far above the band"
    page.screenshot_to("rejected-with-reason")


def test_admin_shares_a_job(page, live_server, world):
    job = world.job_private
    log_in(page, live_server, world.admin.email)
    page.goto(f"{live_server.url}{reverse('jobs:board', args=[job.pk])}")
    page.click("text=Share")
    dialog = page.locator("#modal")
    expect(dialog).to_be_visible()
    dialog.locator("select[name=user]").select_option(str(world.manager.pk))
    dialog.locator("button >> text=Share").click()
    expect(dialog.locator("table")).to_contain_text(world.manager.name)
    page.screenshot_to("shared")
    assert job.shares.filter(user=world.manager, shared_by=world.admin).exists()

    dialog.locator(f"button[aria-label='Stop sharing with {world.manager}']").click()
    expect(dialog).to_contain_text("Not shared with anyone yet")
    assert not job.shares.exists()


def test_hiring_manager_approves_a_resume(page, live_server, world):
    resume = ResumeScoreFactory(resume__application=world.app_shared, overall_score=8).resume
    log_in(page, live_server, world.manager.email)
    page.goto(f"{live_server.url}{reverse('jobs:board', args=[world.job_shared.pk])}")
    expect(page.locator(".move-menu")).to_have_count(0)  # hiring managers review, they do not move
    page.click("nav.tabs >> text=Resumes")
    expect(page).to_have_url(re.compile(rf"/jobs/{world.job_shared.pk}/resumes/$"))
    tab = page.locator("#remote-tab")
    expect(tab).to_contain_text(world.app_shared.candidate.name)
    expect(tab).to_contain_text("Not reviewed")
    page.screenshot_to("resumes-tab")
    tab.get_by_role("link", name=world.app_shared.candidate.name).click()
    page.get_by_label("Approve").check()
    page.locator("#review textarea").fill("Strong match for the role")
    page.locator("#review button[type=submit]").click()
    expect(page.locator("#review")).to_contain_text("Strong match for the role")
    resume.refresh_from_db()
    assert resume.is_approved is True and resume.approved_by == world.manager
    page.screenshot_to("approved")
    page.goto(f"{live_server.url}{reverse('jobs:resumes', args=[world.job_shared.pk])}")
    expect(page.locator("#remote-tab")).to_contain_text("Approved")


def test_board_works_on_a_phone(make_page, live_server, world):
    ApplicationFactory.create_batch(4, job=world.job_own)
    page = make_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    log_in(page, live_server, world.recruiter.email)
    page.goto(f"{live_server.url}{reverse('jobs:board', args=[world.job_own.pk])}")
    expect(page.locator(".column").first).to_be_visible()
    # The page itself never scrolls sideways; the board scrolls inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot_to("phone-board")
    page.goto(f"{live_server.url}/jobs/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot_to("phone-jobs")


def test_moves_work_with_javascript_off(make_page, live_server, world):
    app = world.app_own
    offer = stage(app.job, "Offer")
    page = make_page(java_script_enabled=False)
    log_in(page, live_server, world.recruiter.email)
    page.goto(f"{live_server.url}{reverse('jobs:board', args=[app.job_id])}")
    page.locator(f"#card-{app.pk} summary").click()
    page.locator(f"#move-stage-{app.pk}").select_option(str(offer.pk))
    page.locator(f"#card-{app.pk} .move-form button").click()
    page.wait_for_url(re.compile(rf"/jobs/{app.job_id}/$"))
    expect(page.locator(f"#cards-stage-{offer.pk} #card-{app.pk}")).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("moved to Offer")
    page.click("nav.tabs >> text=Candidates")
    expect(page).to_have_url(re.compile(r"/candidates/$"))
    expect(page.locator("#results tbody tr")).to_have_count(1)
    page.screenshot_to("no-js-candidates-tab")

    page.goto(f"{live_server.url}/jobs/")
    page.fill("#id_q", "analyst")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"q=analyst"))
    expect(page.locator("#results tbody tr")).to_have_count(1)
    page.click("#results >> text=Data analyst")
    expect(page.locator("h1")).to_contain_text("Data analyst")
    page.goto(f"{live_server.url}{reverse('jobs:share', args=[app.job_id])}")
    page.select_option("#id_user", str(world.manager.pk))
    page.get_by_role("button", name="Share", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("Shared with")
    page.screenshot_to("no-js-share")


def test_admin_invites_a_member_who_accepts(page, live_server, world, settings):
    from django.core import mail

    log_in(page, live_server, world.admin.email)
    page.click("nav.mainnav >> text=Members")
    page.click("text=Invite someone")
    page.fill("#id_email", "newcomer@acme.test")
    page.select_option("#id_role", "hiring_manager")
    page.click("main button[type=submit]")
    expect(page.locator("#messages")).to_contain_text("Invitation sent")
    expect(page.locator("#members-panel")).to_contain_text("Invitation pending")
    page.screenshot_to("members")
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group()
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    page.click("text=Log out")
    page.goto(live_server.url + path)
    page.fill("#id_name", "New Comer")
    page.fill("#id_password1", "a-long-fine-passphrase")
    page.fill("#id_password2", "a-long-fine-passphrase")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Welcome, New")
    assert User.objects.get(email="newcomer@acme.test").is_active


def test_recruiter_creates_a_job_with_rich_text_and_skill_tags(page, live_server, world):
    from jobs.models import Job

    log_in(page, live_server, world.recruiter.email)
    page.goto(f"{live_server.url}/jobs/")
    page.click("text=New job")
    page.fill("#id_title", "Site reliability engineer")
    editor = page.locator(".rt-editor")
    editor.click()
    page.keyboard.type("We run ")
    page.get_by_role("button", name="Bold").click()
    page.keyboard.type("big systems")
    skills = page.get_by_label("Add a skill")
    skills.fill("python")
    skills.press("Enter")
    skills.fill("k8s")
    skills.press("Enter")
    expect(page.locator(".tag-box .tag")).to_have_count(2)
    page.fill("#id_weight_skills", "0.5")
    expect(page.locator("[data-weights-total]")).to_contain_text("must be 1.00")
    page.fill("#id_weight_work_experience", "0.15")
    expect(page.locator("[data-weights-total]")).to_contain_text("1.00 ✓")
    page.screenshot_to("job-form")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Site reliability engineer")
    job = Job.objects.get(title="Site reliability engineer")
    assert job.must_have_skills == ["Python", "Kubernetes"]
    assert "big systems</b>" in job.jd_html or "big systems</strong>" in job.jd_html
    assert job.owner == world.recruiter


def test_bulk_move_of_selected_cards(page, live_server, world):
    job = world.job_own
    others = ApplicationFactory.create_batch(2, job=job)
    offer = stage(job, "Offer")
    log_in(page, live_server, world.recruiter.email)
    page.goto(f"{live_server.url}{reverse('jobs:board', args=[job.pk])}")
    page.check(f"#select-{world.app_own.pk}")
    page.check(f"#select-{others[0].pk}")
    page.select_option("#bulk-stage", str(offer.pk))
    page.get_by_role("button", name="Move selected").click()
    expect(page.locator(f"#count-stage-{offer.pk}")).to_have_text("2")
    expect(page.locator(f"#cards-stage-{offer.pk} [data-card]")).to_have_count(2)
    expect(page.locator("#messages")).to_contain_text("Moved 2 candidates to Offer")
    page.screenshot_to("bulk-moved")
    assert set(Application.objects.filter(stage=offer).values_list("pk", flat=True)) == {world.app_own.pk, others[0].pk}


def test_load_more_cards_in_a_long_column(page, live_server, world):
    from candidates.selectors import BOARD_PAGE_SIZE

    job = world.job_own
    ApplicationFactory.create_batch(BOARD_PAGE_SIZE + 4, job=job)
    applied = job.pipeline.first_stage()
    log_in(page, live_server, world.recruiter.email)
    page.goto(f"{live_server.url}{reverse('jobs:board', args=[job.pk])}")
    cards = page.locator(f"#cards-stage-{applied.pk} [data-card]")
    expect(cards).to_have_count(BOARD_PAGE_SIZE)
    expect(page.locator(f"#count-stage-{applied.pk}")).to_have_text(str(BOARD_PAGE_SIZE + 5))
    page.click(f"#more-stage-{applied.pk}")
    expect(cards).to_have_count(BOARD_PAGE_SIZE + 5)
    expect(page.locator(f"a#more-stage-{applied.pk}")).to_have_count(0)
    page.screenshot_to("all-cards-loaded")


def test_dropping_on_rejected_asks_for_a_reason_first(page, live_server, world):
    job = world.job_own
    app = world.app_own
    rejected = stage(job, "Rejected")
    Application.objects.filter(pk=app.pk).update(stage=stage(job, "Offer"))
    log_in(page, live_server, world.recruiter.email)
    page.goto(f"{live_server.url}{reverse('jobs:board', args=[job.pk])}")
    # Offer and Rejected side by side on screen (the board scrolls sideways).
    page.evaluate("document.querySelector('.board').scrollLeft = 100000")
    page.locator(f"#card-{app.pk}").drag_to(page.locator(f"#cards-stage-{rejected.pk}"))
    reason = page.locator(f"#move-reason-{app.pk}")
    expect(reason).to_be_focused()
    expect(page.locator(f"#move-stage-{app.pk}")).to_have_value(str(rejected.pk))
    assert Application.objects.get(pk=app.pk).stage.name == "Offer"  # nothing posted yet
    page.screenshot_to("reason-asked")
    reason.fill("Position filled internally")
    page.locator(f"#card-{app.pk} .move-form button").click()
    expect(page.locator(f"#cards-stage-{rejected.pk} #card-{app.pk}")).to_be_visible()
    assert Application.objects.get(pk=app.pk).rejection_reason == "Position filled internally"


def test_tabs_are_addressable_and_back_forward_work(page, live_server, world):
    job = world.job_own
    log_in(page, live_server, world.recruiter.email)
    board = f"{live_server.url}{reverse('jobs:board', args=[job.pk])}"
    page.goto(board)
    page.click("nav.tabs >> text=History")
    expect(page).to_have_url(f"{live_server.url}{reverse('jobs:history', args=[job.pk])}")
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_text("History")
    page.click("nav.tabs >> text=Candidates")
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_text("Candidates")
    expect(page).to_have_url(re.compile(r"/candidates/$"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/history/$"))
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_text("History")
    page.go_back()
    expect(page).to_have_url(board)
    expect(page.locator(f"#card-{world.app_own.pk}")).to_be_visible()
    page.go_forward()
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_text("History")
    page.reload()
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_text("History")
    page.screenshot_to("history-after-reload")
