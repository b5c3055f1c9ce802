"""Jobs pages: list (filters, sort, HTMX, export, query counts), create/edit, detail tabs, sharing."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.tables import ApplicationTable
from dashboard.models import User
from jobs.models import Job, JobShare
from jobs.tables import JobTable
from tests.factories import ApplicationFactory, JobFactory, JobShareFactory, UserFactory

HTMX = {"HX-Request": "true"}
LIST_QUERY_BOUND = 12


def titles(response) -> list[str]:
    return [row.record.title for row in response.context["table"].paginated_rows]


@pytest.mark.django_db
class TestJobList:
    def test_login_required(self, client):
        response = client.get(reverse("jobs:list"))
        assert response.status_code == 302

    @pytest.mark.parametrize(
        "who, expected",
        [
            ("admin", {"Backend engineer", "Data analyst", "Secret project lead"}),
            ("recruiter", {"Backend engineer", "Data analyst"}),
            ("manager", {"Data analyst"}),
            ("b_admin", {"Globex accountant"}),
        ],
    )
    def test_scoped_by_role(self, client, org_world, who, expected):
        client.force_login(getattr(org_world, who))
        response = client.get(reverse("jobs:list"))
        assert response.status_code == 200
        assert set(titles(response)) == expected

    def test_full_page_without_htmx_and_partial_with_it(self, client, org_world):
        client.force_login(org_world.admin)
        full = client.get(reverse("jobs:list"))
        assert b"<html" in full.content and b'id="results"' in full.content
        partial = client.get(reverse("jobs:list"), {"q": "backend"}, headers={**HTMX, "HX-Target": "results"})
        assert b"<html" not in partial.content
        assert partial.content.lstrip().startswith(b'<section id="results"')
        assert b"Backend engineer" in partial.content and b"Data analyst" not in partial.content
        assert "HX-Request" in partial["Vary"]

    def test_history_restore_gets_the_full_page(self, client, org_world):
        client.force_login(org_world.admin)
        response = client.get(reverse("jobs:list"), headers={**HTMX, "HX-History-Restore-Request": "true"})
        assert b"<html" in response.content

    @pytest.mark.parametrize(
        "params, expected",
        [
            ({"q": "analyst"}, {"Data analyst"}),
            ({"status": "closed"}, {"Closed role"}),
            ({"status": "open", "published": "false"}, {"Unpublished role"}),
            ({"employment_type": "contract"}, {"Closed role"}),
            ({"location": "lisbon"}, {"Secret project lead"}),
            ({"experience_from": "8"}, {"Senior architect"}),
            ({"experience_to": "1", "status": "open"}, {"Unpublished role"}),
            ({"shared_with_me": "on"}, {"Data analyst"}),
        ],
    )
    def test_filters(self, client, org_world, params, expected):
        job = org_world.job_private
        job.location = "Lisbon"
        job.save()
        JobFactory(
            org=org_world.org_a,
            owner=org_world.admin,
            title="Closed role",
            status=Job.Status.CLOSED,
            employment_type=Job.EmploymentType.CONTRACT,
            location="Porto",
        )
        JobFactory(
            org=org_world.org_a,
            owner=org_world.admin,
            title="Unpublished role",
            published=False,
            min_experience=0,
            max_experience=1,
            location="Porto",
        )
        JobFactory(
            org=org_world.org_a,
            owner=org_world.admin,
            title="Senior architect",
            min_experience=8,
            max_experience=12,
            location="Porto",
        )
        JobShareFactory(job=org_world.job_shared, user=org_world.admin)
        client.force_login(org_world.admin)
        response = client.get(reverse("jobs:list"), params)
        assert response.status_code == 200
        assert set(titles(response)) == expected

    def test_owner_filter_only_offers_colleagues(self, client, org_world):
        client.force_login(org_world.admin)
        response = client.get(reverse("jobs:list"), {"owner": org_world.b_recruiter.pk})
        assert response.context["filter"].errors  # another org's user is not a valid choice
        response = client.get(reverse("jobs:list"), {"owner": org_world.other_recruiter.pk})
        assert set(titles(response)) == {"Data analyst", "Secret project lead"}

    def test_sort_by_title_and_by_applicants(self, client, org_world):
        ApplicationFactory.create_batch(3, job=org_world.job_private)
        client.force_login(org_world.admin)
        assert titles(client.get(reverse("jobs:list"), {"sort": "title"})) == [
            "Backend engineer",
            "Data analyst",
            "Secret project lead",
        ]
        assert titles(client.get(reverse("jobs:list"), {"sort": "-applicants_count"}))[0] == "Secret project lead"
        filtered_sorted = client.get(reverse("jobs:list"), {"sort": "-title", "q": "a"}, headers=HTMX)
        assert titles(filtered_sorted)[0] == "Secret project lead"

    def test_rows_have_a_cell_per_column_with_counts(self, client, org_world):
        ApplicationFactory.create_batch(3, job=org_world.job_private)
        empty = JobFactory(org=org_world.org_a, owner=org_world.admin, title="Nobody applied yet")
        client.force_login(org_world.admin)
        response = client.get(reverse("jobs:list"), {"sort": "-applicants_count"})
        html = response.content.decode()
        table = html[html.index("<table") : html.index("</table>")]
        header_count = table.count("<th ")
        rows = re.split(r"<tbody[^>]*>", table)[1].split("</tr>")[:-1]
        assert header_count == len(JobTable.base_columns)
        assert all(row.count("<td") == header_count for row in rows)
        assert titles(response)[0] == "Secret project lead" and titles(response)[-1] == empty.title
        first_row, last_row = rows[0], rows[-1]
        assert f'href="{reverse("jobs:board", args=[org_world.job_private.pk])}"' in first_row
        assert f"<td>{org_world.job_private.applications.count()}</td>" in first_row
        assert "<td>0</td><td>0</td>" in re.sub(r"\s+", "", last_row)
        assert "None" not in table

    def test_pagination_keeps_filters(self, client, org_world):
        JobFactory.create_batch(30, org=org_world.org_a, owner=org_world.admin, title="Bulk job")
        client.force_login(org_world.admin)
        response = client.get(reverse("jobs:list"), {"q": "bulk", "page": 2})
        assert len(titles(response)) == 5
        assert "q=bulk" in response.content.decode()

    def test_csv_export_has_every_filtered_row(self, client, org_world):
        JobFactory.create_batch(30, org=org_world.org_a, owner=org_world.admin, title="Bulk job")
        client.force_login(org_world.admin)
        response = client.get(reverse("jobs:list"), {"q": "bulk", "_export": "csv"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][:3] == ["Title", "Location", "Type"]
        assert len(rows) == 31
        assert {row[0] for row in rows[1:]} == {"Bulk job"}

    def test_export_neutralises_spreadsheet_formulas(self, client, org_world):
        JobFactory(org=org_world.org_a, owner=org_world.admin, title='=HYPERLINK("http://evil.example","x")')
        client.force_login(org_world.admin)
        rows = list(csv.reader(io.StringIO(client.get(reverse("jobs:list"), {"_export": "csv"}).content.decode())))
        titles_exported = [row[0] for row in rows[1:]]
        assert '\'=HYPERLINK("http://evil.example","x")' in titles_exported
        assert not any(title.startswith("=") for title in titles_exported)

    def test_export_follows_the_sort(self, client, org_world):
        client.force_login(org_world.admin)
        response = client.get(reverse("jobs:list"), {"_export": "csv", "sort": "-title"})
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert [row[0] for row in rows[1:]] == ["Secret project lead", "Data analyst", "Backend engineer"]

    def test_xlsx_export(self, client, org_world):
        client.force_login(org_world.recruiter)
        response = client.get(reverse("jobs:list"), {"_export": "xlsx"})
        workbook = openpyxl.load_workbook(
            io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
        )
        values = [row[0] for row in workbook.active.iter_rows(values_only=True)]
        assert set(values[1:]) == {"Backend engineer", "Data analyst"}

    def test_empty_state_says_what_to_do(self, client, db):
        user = UserFactory(role=User.Role.RECRUITER)
        client.force_login(user)
        response = client.get(reverse("jobs:list"))
        assert "Create your first job" in response.content.decode()

    @pytest.mark.parametrize("rows", [5, 200])
    def test_query_count_does_not_grow_with_rows(self, client, org_world, rows, django_assert_max_num_queries):
        for job in JobFactory.create_batch(rows, org=org_world.org_a, owner=org_world.recruiter):
            ApplicationFactory(job=job)
        client.force_login(org_world.recruiter)
        with django_assert_max_num_queries(LIST_QUERY_BOUND):
            response = client.get(reverse("jobs:list"), {"sort": "-applicants_count"})
        assert response.status_code == 200
        with django_assert_max_num_queries(LIST_QUERY_BOUND):
            client.get(reverse("jobs:list"), {"_export": "csv"})


def job_form_data(**overrides):
    data = {
        "title": "Platform engineer",
        "location": "Berlin",
        "employment_type": "full_time",
        "status": "open",
        "published": "on",
        "experience": "3-5 years",
        "min_experience": "3",
        "max_experience": "5",
        "close_date": "",
        "description": "Build the platform.",
        "jd_html": "<p>We <strong>build</strong> things.</p><script>alert(1)</script><a href='javascript:x()'>x</a>",
        "must_have_skills": "python, k8s, PostgreSQL",
        "weight_skills": "0.4",
        "weight_work_experience": "0.3",
        "weight_projects": "0.1",
        "weight_education": "0.1",
        "weight_certifications": "0.1",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
class TestJobCreateEdit:
    def test_recruiter_creates_a_job_with_clean_html_and_canonical_skills(self, client, org_world):
        client.force_login(org_world.recruiter)
        data = job_form_data(pipeline=org_world.job_own.pipeline_id)
        response = client.post(reverse("jobs:create"), data)
        job = Job.objects.get(title="Platform engineer")
        assert response.status_code == 302 and response["Location"] == reverse("jobs:board", args=[job.pk])
        assert job.owner == org_world.recruiter and job.org == org_world.org_a
        assert "<script" not in job.jd_html and "javascript:" not in job.jd_html
        assert "<strong>build</strong>" in job.jd_html
        assert job.must_have_skills == ["Python", "Kubernetes", "PostgreSQL"]
        assert job.score_weight.skills == Decimal("0.40")

    def test_weights_must_sum_to_one(self, client, org_world):
        client.force_login(org_world.recruiter)
        data = job_form_data(pipeline=org_world.job_own.pipeline_id, weight_skills="0.9")
        response = client.post(reverse("jobs:create"), data)
        assert response.status_code == 400
        assert "must add up to 1" in response.content.decode()
        assert not Job.objects.filter(title="Platform engineer").exists()

    def test_unknown_skill_and_bad_range_are_form_errors(self, client, org_world):
        client.force_login(org_world.recruiter)
        data = job_form_data(
            pipeline=org_world.job_own.pipeline_id, must_have_skills="Python, Underwater basketry", min_experience="9"
        )
        response = client.post(reverse("jobs:create"), data)
        assert response.status_code == 400
        body = response.content.decode()
        assert "Underwater basketry" in body and "must not be below the minimum" in body

    def test_other_orgs_pipeline_is_refused(self, client, org_world):
        client.force_login(org_world.recruiter)
        response = client.post(reverse("jobs:create"), job_form_data(pipeline=org_world.job_b.pipeline_id))
        assert response.status_code == 400
        assert not Job.objects.filter(title="Platform engineer").exists()

    def test_hiring_manager_cannot_create(self, client, org_world):
        client.force_login(org_world.manager)
        assert client.get(reverse("jobs:create")).status_code == 403

    @pytest.mark.parametrize(
        "who, job, status",
        [
            ("admin", "job_private", 200),
            ("recruiter", "job_own", 200),
            ("recruiter", "job_shared", 200),
            ("recruiter", "job_private", 404),
            ("manager", "job_shared", 403),
            ("b_admin", "job_own", 404),
        ],
    )
    def test_edit_access(self, client, org_world, who, job, status):
        client.force_login(getattr(org_world, who))
        assert client.get(reverse("jobs:edit", args=[getattr(org_world, job).pk])).status_code == status

    def test_edit_prefills_and_saves(self, client, org_world):
        job = org_world.job_own
        client.force_login(org_world.recruiter)
        response = client.get(reverse("jobs:edit", args=[job.pk]))
        assert 'value="Python, Django"' in response.content.decode()
        data = job_form_data(title="Backend engineer II", pipeline=job.pipeline_id)
        response = client.post(reverse("jobs:edit", args=[job.pk]), data)
        assert response.status_code == 302
        job.refresh_from_db()
        assert job.title == "Backend engineer II"

    def test_criteria_change_requests_a_rescore(self, client, org_world, django_capture_on_commit_callbacks):
        from screening.models import RescoreRun

        job = org_world.job_own
        client.force_login(org_world.recruiter)
        unchanged = job_form_data(
            title=job.title,
            must_have_skills="Python, Django",
            min_experience="2",
            max_experience="6",
            pipeline=job.pipeline_id,
            weight_skills="0.35",
            weight_work_experience="0.30",
            weight_projects="0.15",
            weight_education="0.10",
            weight_certifications="0.10",
        )
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("jobs:edit", args=[job.pk]), unchanged)
        assert not RescoreRun.objects.unscoped().filter(job=job).exists()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("jobs:edit", args=[job.pk]), {**unchanged, "must_have_skills": "Python, Go"}, follow=True
            )
        run = RescoreRun.objects.unscoped().get(job=job)
        assert run.requested_by == org_world.recruiter
        assert "being rescored" in response.content.decode()


TABS = ["board", "candidates", "resumes", "tests", "screenings", "history"]


def tab_url(tab: str, job_id: int) -> str:
    return reverse("jobs:board" if tab == "board" else f"jobs:{tab}", args=[job_id])


@pytest.mark.django_db
class TestJobDetail:
    @pytest.mark.parametrize("tab", TABS)
    @pytest.mark.parametrize(
        "who, job, status",
        [
            ("admin", "job_private", 200),
            ("recruiter", "job_own", 200),
            ("recruiter", "job_shared", 200),
            ("recruiter", "job_private", 404),
            ("manager", "job_shared", 200),
            ("manager", "job_own", 404),
            ("b_admin", "job_own", 404),
        ],
    )
    def test_role_table(self, client, org_world, tab, who, job, status):
        client.force_login(getattr(org_world, who))
        assert client.get(tab_url(tab, getattr(org_world, job).pk)).status_code == status

    @pytest.mark.parametrize("tab", TABS)
    def test_tab_is_a_partial_for_htmx(self, client, org_world, tab):
        client.force_login(org_world.recruiter)
        url = tab_url(tab, org_world.job_own.pk)
        full = client.get(url)
        assert b"<html" in full.content and b'id="tab-panel"' in full.content
        partial = client.get(url, headers={**HTMX, "HX-Target": "tab-panel"})
        assert b"<html" not in partial.content
        assert partial.content.lstrip().startswith(b'<div id="tab-panel"')
        assert b'aria-current="page"' in partial.content

    def test_unknown_tab_is_404(self, client, org_world):
        client.force_login(org_world.recruiter)
        assert client.get(f"/jobs/{org_world.job_own.pk}/nonsense/").status_code == 404

    def test_actions_follow_permissions(self, client, org_world):
        client.force_login(org_world.manager)
        body = client.get(tab_url("board", org_world.job_shared.pk)).content.decode()
        assert reverse("jobs:edit", args=[org_world.job_shared.pk]) not in body
        assert reverse("jobs:share", args=[org_world.job_shared.pk]) not in body
        assert "Move to…" not in body
        client.force_login(org_world.recruiter)
        body = client.get(tab_url("board", org_world.job_own.pk)).content.decode()
        assert reverse("jobs:share", args=[org_world.job_own.pk]) in body and "Move to…" in body

    @pytest.mark.parametrize("rows", [5, 200])
    @pytest.mark.parametrize("tab", ["candidates", "history"])
    def test_tab_lists_query_count(self, client, org_world, rows, tab, django_assert_max_num_queries):
        from tests.factories import StageChangeFactory, TestLogFactory

        for application in ApplicationFactory.create_batch(rows, job=org_world.job_own):
            StageChangeFactory(application=application)
            TestLogFactory(job=org_world.job_own, candidate=application.candidate)
        client.force_login(org_world.recruiter)
        with django_assert_max_num_queries(LIST_QUERY_BOUND):
            response = client.get(
                tab_url(tab, org_world.job_own.pk), {"sort": "-overall_score"} if tab == "candidates" else {}
            )
        assert response.context["table"].paginator.count >= rows

    @pytest.mark.parametrize("rows", [5, 200])
    def test_share_dialog_query_count(self, client, org_world, rows, django_assert_max_num_queries):
        for colleague in UserFactory.create_batch(rows, org=org_world.org_a):
            JobShareFactory(job=org_world.job_own, user=colleague, shared_by=org_world.recruiter)
        client.force_login(org_world.recruiter)
        with django_assert_max_num_queries(LIST_QUERY_BOUND):
            assert client.get(reverse("jobs:share", args=[org_world.job_own.pk])).status_code == 200

    def test_candidates_tab_filters_and_exports(self, client, org_world):
        job = org_world.job_own
        stages = list(job.stages())
        ApplicationFactory(job=job, stage=stages[2], candidate__name="Zed Assessment")
        client.force_login(org_world.recruiter)
        response = client.get(tab_url("candidates", job.pk), {"stage": stages[2].pk})
        names = [row.record.candidate.name for row in response.context["table"].paginated_rows]
        assert names == ["Zed Assessment"]
        partial = client.get(
            tab_url("candidates", job.pk), {"stage": stages[2].pk}, headers={**HTMX, "HX-Target": "results"}
        )
        assert partial.content.lstrip().startswith(b'<section id="results"')
        exported = client.get(tab_url("candidates", job.pk), {"_export": "csv"})
        rows = list(csv.reader(io.StringIO(exported.content.decode())))
        assert len(rows) == 3  # header, app_own, Zed

    def test_candidates_tab_rows_show_score_test_and_screening(self, client, org_world):
        from screening.models import PersonalityScreening
        from tests.factories import ResumeScoreFactory, TestLogFactory

        job = org_world.job_own
        scored = ApplicationFactory(job=job, candidate__name="Ana Scored")
        ResumeScoreFactory(resume__application=scored, overall_score=6.45)
        TestLogFactory(job=job, candidate=scored.candidate, passed=True)
        instrument = PersonalityScreening._meta.get_field("instrument").related_model.objects.first()
        PersonalityScreening.objects.create(
            org=job.org,
            candidate=scored.candidate,
            job=job,
            instrument=instrument,
            token="t" * 48,
            status=PersonalityScreening.Status.INVITED,
            expires_at=timezone.now(),
        )
        client.force_login(org_world.recruiter)
        response = client.get(tab_url("candidates", job.pk), {"sort": "-overall_score"})
        html = response.content.decode()
        table = html[html.index("<table") : html.index("</table>")]
        rows = [re.sub(r"\s+", " ", row) for row in re.split(r"<tbody[^>]*>", table)[1].split("</tr>")[:-1]]
        assert table.count("<th ") == len(ApplicationTable.base_columns)
        assert all(row.count("<td") == len(ApplicationTable.base_columns) for row in rows)
        assert "Ana Scored" in rows[0]
        assert f'href="{reverse("candidates:detail", args=[scored.candidate_id])}"' in rows[0]
        assert "<td>6.5</td>" in rows[0] and "<td>Passed</td>" in rows[0] and "<td>Invited</td>" in rows[0]
        assert "<td>—</td>" in rows[-1] and "None" not in table

    @pytest.mark.parametrize(
        "tab, url_name",
        [
            ("resumes", "screening:job_resumes"),
            ("tests", "screening:job_test_logs"),
            ("screenings", "screening:job_screenings"),
        ],
    )
    def test_screening_tabs_load_the_screening_partials(self, client, org_world, tab, url_name):
        client.force_login(org_world.manager)
        job = org_world.job_shared
        body = client.get(tab_url(tab, job.pk)).content.decode()
        remote = reverse(url_name, args=[job.pk])
        assert f'hx-get="{remote}"' in body and f'<a href="{remote}">' in body  # the no-JS fallback link
        partial = client.get(remote, headers={**HTMX, "HX-Target": "remote-tab"})
        assert partial.status_code == 200 and b"<html" not in partial.content


@pytest.mark.django_db
class TestShare:
    def test_owner_shares_and_unshares_with_a_colleague(self, client, org_world):
        job = org_world.job_own
        client.force_login(org_world.recruiter)
        response = client.post(reverse("jobs:share", args=[job.pk]), {"user": org_world.manager.pk})
        assert response.status_code == 302
        share = JobShare.objects.get(job=job, user=org_world.manager)
        assert share.shared_by == org_world.recruiter
        page = client.get(reverse("jobs:share", args=[job.pk])).content.decode()
        assert org_world.manager.email in page or org_world.manager.name in page
        client.post(reverse("jobs:unshare", args=[job.pk, org_world.manager.pk]))
        assert not JobShare.objects.filter(job=job, user=org_world.manager).exists()

    def test_htmx_share_returns_the_dialog(self, client, org_world):
        client.force_login(org_world.admin)
        job = org_world.job_private
        response = client.post(
            reverse("jobs:share", args=[job.pk]),
            {"user": org_world.recruiter.pk},
            headers={**HTMX, "HX-Target": "share-dialog"},
        )
        assert response.status_code == 200
        assert response.content.lstrip().startswith(b'<div id="share-dialog"')
        assert JobShare.objects.filter(job=job, user=org_world.recruiter).exists()

    def test_cannot_share_with_another_org(self, client, org_world):
        client.force_login(org_world.admin)
        response = client.post(reverse("jobs:share", args=[org_world.job_private.pk]), {"user": org_world.b_admin.pk})
        assert response.status_code == 400
        assert not JobShare.objects.filter(user=org_world.b_admin).exists()

    @pytest.mark.parametrize(
        "who, job, status",
        [
            ("admin", "job_private", 200),
            ("recruiter", "job_own", 200),
            ("recruiter", "job_shared", 403),
            ("recruiter", "job_private", 404),
            ("manager", "job_shared", 403),
            ("b_admin", "job_own", 404),
        ],
    )
    def test_share_access(self, client, org_world, who, job, status):
        client.force_login(getattr(org_world, who))
        assert client.get(reverse("jobs:share", args=[getattr(org_world, job).pk])).status_code == status
