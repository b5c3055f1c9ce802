import re
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from screening import services
from screening.models import Instrument, PersonalityScreening
from screening.personality import SELF_REPORT_NOTE, InstrumentFileError, read_instrument_csv, trait_scores

BIG_FIVE = ("hireboard-big-five", "1")


@pytest.fixture
def instrument(db):
    return Instrument.objects.get(slug=BIG_FIVE[0], version=BIG_FIVE[1])


def test_shipped_instrument_has_50_balanced_items(instrument):
    items = list(instrument.items.all())
    assert len(items) == 50
    assert Counter(item.trait for item in items) == dict.fromkeys(
        ("openness", "conscientiousness", "extraversion", "agreeableness", "emotional_stability"), 10
    )
    assert Counter((item.trait, item.keying) for item in items) == {
        (item.trait, keying): 5 for item in items for keying in ("positive", "reversed")
    }
    assert len({item.text for item in items}) == 50


def test_trait_scores_reverse_reversed_items(instrument):
    items = list(instrument.items.all())
    agree_with_everything = {str(item.pk): 5 for item in items}
    # Agreeing with every statement, positive and reversed alike, lands in the middle.
    assert set(trait_scores(items, agree_with_everything).values()) == {50.0}
    consistent_high = {str(item.pk): 5 if item.keying == "positive" else 1 for item in items}
    assert set(trait_scores(items, consistent_high).values()) == {100.0}
    consistent_low = {str(item.pk): 1 if item.keying == "positive" else 5 for item in items}
    assert set(trait_scores(items, consistent_low).values()) == {0.0}


def test_load_instrument_command(tmp_path, db):
    path = tmp_path / "mini.csv"
    path.write_text(
        "order,trait,keying,text\n1,openness,positive,I like ideas.\n2,Emotional Stability,reversed,I worry.\n"
    )
    call_command("load_instrument", str(path), "--slug", "mini", "--name", "Mini", "--instrument-version", "2")
    instrument = Instrument.objects.get(slug="mini", version="2")
    assert [(i.trait, i.keying) for i in instrument.items.all()] == [
        ("openness", "positive"),
        ("emotional_stability", "reversed"),
    ]
    with pytest.raises(CommandError, match="already exists"):
        call_command("load_instrument", str(path), "--slug", "mini", "--name", "Mini", "--instrument-version", "2")


def test_instrument_csv_problems_are_listed_by_line():
    with pytest.raises(InstrumentFileError) as caught:
        read_instrument_csv("order,trait,keying,text\n1,luck,positive,x\n1,openness,sideways,\n")
    assert caught.value.errors == [
        "Line 2: unknown trait 'luck' (use one of openness, conscientiousness, extraversion, agreeableness, emotional_stability).",
        "Line 3: keying must be 'positive' or 'reversed'.",
        "Line 3: the item text must be 1–300 characters.",
        "Line 3: order 1 is used twice.",
    ]


@pytest.fixture
def invited(org_world, instrument, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        screening = services.invite_to_screening(
            job=org_world.job_own, application=org_world.app_own, instrument=instrument, actor=org_world.recruiter
        )
    return screening


def link_in(message) -> str:
    return re.search(r"https?://\S+/screening/q/\S+/", message.body).group()


def test_invite_sends_a_one_time_link_and_questionnaire_saves_progress(client, org_world, invited):
    assert mail.outbox[0].to == [org_world.app_own.candidate.email]
    path = link_in(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    path = "/" + path
    first_page = client.get(path)
    assert first_page.status_code == 200
    items = list(invited.instrument.items.all())
    assert first_page.content.decode().count('type="radio"') == 10 * 5
    for page in range(1, 6):
        page_items = items[(page - 1) * 10 : page * 10]
        answers = {f"item-{item.pk}": "4" if item.keying == "positive" else "2" for item in page_items}
        response = client.post(f"{path}?page={page}", {"page": page, **answers})
        if page < 5:
            assert response.status_code == 302
            invited.refresh_from_db()
            assert invited.status == PersonalityScreening.Status.STARTED
            assert len(invited.answers) == page * 10
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    invited.refresh_from_db()
    assert invited.status == PersonalityScreening.Status.COMPLETED
    assert invited.instrument_version == "1"
    assert set(invited.trait_scores.values()) == {75.0}
    used = client.get(path)
    assert used.status_code == 410
    assert "Already completed" in used.content.decode()


def test_unanswered_statement_is_reported_and_nothing_lost(client, invited):
    path = "/" + link_in(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    items = list(invited.instrument.items.all())[:10]
    answers = {f"item-{item.pk}": "3" for item in items[:9]}
    response = client.post(path, {"page": 1, **answers})
    assert response.status_code == 400
    assert f"Please answer statement {items[9].order}" in response.content.decode()
    assert 'value="3" required checked' in response.content.decode()


def test_expired_and_replaced_and_revoked_links(client, org_world, invited, django_capture_on_commit_callbacks):
    old_path = "/" + link_in(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    with django_capture_on_commit_callbacks(execute=True):
        services.resend_screening_invite(screening=invited, actor=org_world.recruiter)
    assert client.get(old_path).status_code == 410
    new_path = "/" + link_in(mail.outbox[1]).split("://", 1)[1].split("/", 1)[1]
    assert client.get(new_path).status_code == 200
    PersonalityScreening.objects.filter(pk=invited.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = client.get(new_path)
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    invited.refresh_from_db()
    assert invited.status == PersonalityScreening.Status.EXPIRED
    services.revoke_screening(screening=invited, actor=org_world.recruiter)
    assert client.get(new_path).status_code == 410
    assert client.get("/screening/q/garbage/").status_code == 404


def test_second_open_invite_is_refused(org_world, invited, instrument):
    with pytest.raises(ValidationError, match="already has an open invitation"):
        services.invite_to_screening(
            job=org_world.job_own, application=org_world.app_own, instrument=instrument, actor=org_world.recruiter
        )


def test_screenings_tab_per_role_and_invite_view(client, org_world, instrument, django_capture_on_commit_callbacks):
    url = reverse("screening:job_screenings", args=[org_world.job_shared.pk])
    client.force_login(org_world.manager)
    page = client.get(url)
    assert page.status_code == 200
    assert SELF_REPORT_NOTE in page.content.decode()
    assert "Send invitation" not in page.content.decode()
    invite_url = reverse("screening:screening_invite", args=[org_world.job_shared.pk])
    assert (
        client.post(invite_url, {"application": org_world.app_shared.pk, "instrument": instrument.pk}).status_code
        == 403
    )
    client.force_login(org_world.recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            invite_url,
            {"application": org_world.app_shared.pk, "instrument": instrument.pk},
            headers={"HX-Request": "true"},
        )
    assert response.status_code == 200
    assert b"<html" not in response.content
    screening = PersonalityScreening.objects.get(job=org_world.job_shared)
    assert org_world.app_shared.candidate.name in response.content.decode()
    bad = client.post(invite_url, {"application": org_world.app_own.pk, "instrument": instrument.pk})
    assert bad.status_code == 400  # an application of another job is not a choice here
    assert client.post(reverse("screening:screening_revoke", args=[screening.pk])).status_code == 302
    screening.refresh_from_db()
    assert screening.status == PersonalityScreening.Status.REVOKED
    client.force_login(org_world.b_admin)
    assert client.get(url).status_code == 404
    assert client.post(reverse("screening:screening_resend", args=[screening.pk])).status_code == 404


def test_completed_screening_detail_shows_scores_with_the_note(client, org_world, invited):
    services.save_screening_answers(
        screening=invited, answers={str(item.pk): 3 for item in invited.instrument.items.all()}, finish=True
    )
    client.force_login(org_world.recruiter)
    response = client.get(reverse("screening:screening_detail", args=[invited.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert SELF_REPORT_NOTE in body
    assert "Emotional stability" in body and "50.0 / 100" in body


@pytest.mark.parametrize("rows", [5, 40])
def test_screenings_tab_query_count_does_not_grow_with_rows(
    client, org_world, instrument, django_assert_max_num_queries, rows
):
    from tests.factories import ApplicationFactory

    for index in range(rows):
        application = ApplicationFactory(job=org_world.job_own)
        PersonalityScreening.objects.create(
            org=org_world.org_a,
            job=org_world.job_own,
            candidate=application.candidate,
            instrument=instrument,
            token=f"token-{index}",
            expires_at=timezone.now() + timedelta(days=7),
        )
    client.force_login(org_world.recruiter)
    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("screening:job_screenings", args=[org_world.job_own.pk]), headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    assert response.content.decode().count("Resend") == rows


def test_finishing_with_earlier_pages_open_keeps_the_answers_and_points_there(client, invited):
    path = "/" + link_in(mail.outbox[0]).split("://", 1)[1].split("/", 1)[1]
    items = list(invited.instrument.items.all())
    last_page = {f"item-{item.pk}": "2" for item in items[40:]}
    response = client.post(f"{path}?page=5", {"page": 5, **last_page})
    assert response.status_code == 400
    assert (
        "40 statement(s) on earlier pages are still unanswered, starting with number 1 on page 1"
        in response.content.decode()
    )
    invited.refresh_from_db()
    assert invited.status == PersonalityScreening.Status.STARTED
    assert len(invited.answers) == 10
