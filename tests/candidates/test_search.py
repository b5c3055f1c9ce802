import pytest
from django.urls import reverse

from candidates.models import Candidate
from candidates.search import search_candidates
from tests.factories import ApplicationFactory, CandidateFactory, ResumeFactory


@pytest.fixture
def people(org_world):
    ada = ApplicationFactory(
        job=org_world.job_own, candidate__name="Ada Lovelace", candidate__email="ada@analytical.org"
    )
    ResumeFactory(application=ada, parsed={"skills": ["Kubernetes", "Python"]})
    grace = ApplicationFactory(job=org_world.job_own, candidate__name="Grace Hopper", candidate__email="grace@navy.mil")
    ResumeFactory(application=grace, parsed={"skills": ["COBOL"]})
    other = CandidateFactory(org=org_world.org_b, name="Ada Byron", email="ada@globex.test")
    ResumeFactory(
        application=ApplicationFactory(job=org_world.job_b, candidate=other), parsed={"skills": ["Kubernetes"]}
    )
    return org_world


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, expected",
    [
        ("lovelace", ["Ada Lovelace"]),
        ("NAVY.mil", ["Grace Hopper"]),
        ("k8s", ["Ada Lovelace"]),  # an alias of a skill on the resume
        ("cobol", ["Grace Hopper"]),
        ("", ["Ada Lovelace", "Grace Hopper"]),
    ],
)
def test_search_by_name_email_and_skill_stays_in_scope(people, text, expected):
    scoped = Candidate.objects.visible_to(people.recruiter).filter(
        name__in=["Ada Lovelace", "Grace Hopper", "Ada Byron"]
    )
    assert names(search_candidates(scoped, text)) == expected


@pytest.mark.django_db
def test_candidate_search_page_runs_a_fixed_number_of_queries(client, people, django_assert_max_num_queries):
    for index in range(40):
        ApplicationFactory(job=people.job_own, candidate__name=f"Zoe Adamson {index}")
    client.force_login(people.admin)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("candidates:list"), {"q": "ada"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ada Lovelace" in body and "Ada Byron" not in body
