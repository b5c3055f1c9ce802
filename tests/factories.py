"""factory_boy factories, shared by every app's tests."""

from types import SimpleNamespace

import factory
from django.utils import timezone

from candidates.models import Application, Candidate, Note, StageChange
from dashboard.models import Organization, User
from jobs.models import Job, JobShare, ScoreWeight
from jobs.services import ensure_default_pipeline
from screening.models import Resume, ResumeScore, TestLog
from screening.services import save_score

TEST_PASSWORD = "correct-horse-battery-staple"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Org {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")

    @factory.post_generation
    def pipeline(obj, create, extracted, **kwargs):
        if create:
            ensure_default_pipeline(org=obj)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    org = factory.SubFactory(OrganizationFactory)
    role = User.Role.RECRUITER
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ScoreWeightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoreWeight


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    org = factory.SubFactory(OrganizationFactory)
    owner = factory.SubFactory(UserFactory, org=factory.SelfAttribute("..org"))
    title = factory.Faker("job")
    description = factory.Faker("paragraph")
    location = factory.Sequence(lambda n: f"Springfield {n}")  # fixed text: filters must not match by chance
    status = Job.Status.OPEN
    published = True
    must_have_skills = factory.LazyFunction(lambda: ["Python", "Django"])
    min_experience = 2
    max_experience = 6
    score_weight = factory.SubFactory(ScoreWeightFactory)
    pipeline = factory.LazyAttribute(lambda o: ensure_default_pipeline(org=o.org))


class JobShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobShare

    job = factory.SubFactory(JobFactory)
    user = factory.SubFactory(UserFactory, org=factory.SelfAttribute("..job.org"))
    shared_by = factory.SelfAttribute("job.owner")


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    org = factory.SubFactory(OrganizationFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"candidate{n}@example.net")
    phone = "+14155550100"
    location = factory.Faker("city")
    source = Candidate.Source.CAREERS


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    job = factory.SubFactory(JobFactory)
    org = factory.SelfAttribute("job.org")
    candidate = factory.SubFactory(CandidateFactory, org=factory.SelfAttribute("..job.org"))
    stage = factory.LazyAttribute(lambda o: o.job.pipeline.first_stage())


class StageChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StageChange

    application = factory.SubFactory(ApplicationFactory)
    org = factory.SelfAttribute("application.org")
    to_stage = factory.SelfAttribute("application.stage")


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    candidate = factory.SubFactory(CandidateFactory)
    org = factory.SelfAttribute("candidate.org")
    body = factory.Faker("sentence")


class ResumeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resume

    application = factory.SubFactory(ApplicationFactory)
    job = factory.SelfAttribute("application.job")
    candidate = factory.SelfAttribute("application.candidate")
    org = factory.SelfAttribute("application.org")
    original_name = "resume.pdf"
    status = Resume.Status.PARSED
    completed = True
    parsed = factory.LazyFunction(lambda: {"skills": ["Python"]})


class ResumeScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResumeScore

    resume = factory.SubFactory(ResumeFactory)
    job = factory.SelfAttribute("resume.job")
    org = factory.SelfAttribute("resume.org")
    skills_score = 3
    work_exp_score = 2
    projects_score = 1
    education_score = 0.5
    certifications_score = 0.5
    overall_score = 7

    @classmethod
    def _create(cls, model_class, *args, resume, job, org, scored_by="tests", **values):
        """Saved as the scorer saves a score, so the resume's rank follows it."""
        return save_score(resume=resume, scored_by=scored_by, **values)


class TestLogFactory(factory.django.DjangoModelFactory):
    __test__ = False

    class Meta:
        model = TestLog

    job = factory.SubFactory(JobFactory)
    org = factory.SelfAttribute("job.org")
    candidate = factory.SubFactory(CandidateFactory, org=factory.SelfAttribute("..job.org"))
    test_name = "Python coding"
    provider = "codility"
    external_id = factory.Sequence(lambda n: f"result-{n}")
    score = 80
    max_score = 100
    passed = True
    completed_at = factory.LazyFunction(timezone.now)


def build_world() -> SimpleNamespace:
    """Org A and org B, each with an admin, two recruiters and a hiring manager.

    In org A: `job_own` is owned by `recruiter`; `job_shared` is owned by `other_recruiter`
    and shared with `recruiter` and `manager`; `job_private` is owned by `other_recruiter`
    and shared with no one. Org B has `job_b` with an application.
    """
    org_a = OrganizationFactory(name="Acme", slug="acme")
    org_b = OrganizationFactory(name="Globex", slug="globex")
    admin = UserFactory(org=org_a, role=User.Role.ADMIN, email="admin@acme.test")
    recruiter = UserFactory(org=org_a, role=User.Role.RECRUITER, email="recruiter@acme.test")
    other_recruiter = UserFactory(org=org_a, role=User.Role.RECRUITER, email="other@acme.test")
    manager = UserFactory(org=org_a, role=User.Role.HIRING_MANAGER, email="manager@acme.test")
    job_own = JobFactory(org=org_a, owner=recruiter, title="Backend engineer")
    job_shared = JobFactory(org=org_a, owner=other_recruiter, title="Data analyst")
    job_private = JobFactory(org=org_a, owner=other_recruiter, title="Secret project lead")
    JobShareFactory(job=job_shared, user=recruiter, shared_by=other_recruiter)
    JobShareFactory(job=job_shared, user=manager, shared_by=other_recruiter)
    b_admin = UserFactory(org=org_b, role=User.Role.ADMIN, email="admin@globex.test")
    b_recruiter = UserFactory(org=org_b, role=User.Role.RECRUITER, email="recruiter@globex.test")
    job_b = JobFactory(org=org_b, owner=b_recruiter, title="Globex accountant")
    app_own = ApplicationFactory(job=job_own)
    app_shared = ApplicationFactory(job=job_shared)
    app_private = ApplicationFactory(job=job_private)
    app_b = ApplicationFactory(job=job_b)
    return SimpleNamespace(**locals())
