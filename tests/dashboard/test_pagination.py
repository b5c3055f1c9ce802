"""Long lists page on bare rows, in a stable order (dashboard.pagination)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from candidates.models import Candidate
from tests.factories import ApplicationFactory, CandidateFactory

pytestmark = pytest.mark.django_db


def names_on(response) -> list[str]:
    return [row.record.name for row in response.context["table"].paginated_rows]


def emails_on(response) -> list[str]:
    return [row.record.email for row in response.context["table"].paginated_rows]


@pytest.mark.parametrize("sort", [None, "name", "-name", "created_at", "-applications_count"])
def test_rows_with_equal_sort_keys_show_once_across_pages(client, org_world, sort):
    CandidateFactory.create_batch(60, org=org_world.org_a, name="Alex Same")
    client.force_login(org_world.admin)
    params = {"q": "Alex Same"} | ({"sort": sort} if sort else {})
    seen = []
    for page in (1, 2, 3):
        with CaptureQueriesContext(connection) as captured:
            seen += emails_on(client.get(reverse("candidates:list"), params | {"page": page}))
        ranking = next(
            q["sql"]
            for q in captured.captured_queries
            if q["sql"].startswith('SELECT "candidates_candidate"."id" AS "pk"')
        )
        # The id (or its select position, 1) is the last sort key.
        assert re.search(r'ORDER BY .*("candidates_candidate"\."id"|, 1) (ASC|DESC)\s+LIMIT', ranking)
    assert len(seen) == 60 and len(set(seen)) == 60


def test_the_offset_query_selects_ids_only_and_the_page_loads_by_id(client, org_world):
    for candidate in CandidateFactory.create_batch(30, org=org_world.org_a):
        ApplicationFactory(job=org_world.job_own, candidate=candidate)
    client.force_login(org_world.admin)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("candidates:list"), {"page": 2})
    visible = Candidate.objects.visible_to(org_world.admin).count()
    assert len(names_on(response)) == visible - 25
    offset_queries = [q["sql"] for q in captured.captured_queries if re.search(r"\bOFFSET\b", q["sql"])]
    assert len(offset_queries) == 1
    ranking = offset_queries[0]
    assert "COUNT(" not in ranking.upper() and '"candidates_candidate"."email"' not in ranking
    counts = {row.record.pk: row.record.applications_count for row in response.context["table"].paginated_rows}
    assert any(count == 1 for count in counts.values())
