"""Demo data: `seed_demo --size small` for the demo, `--size large` for benchmarks.

Idempotent: an organisation that already exists is left as it is, so running the
command twice never duplicates anything. Each organisation is written in one
transaction, so an interrupted run leaves no half-seeded organisation behind.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from candidates.models import Application, Candidate, StageChange
from dashboard.models import Organization, User
from dashboard.services import create_organization
from jobs.models import Job, JobShare, ScoreWeight, Stage
from screening.models import PersonalityScreening, Resume, ResumeScore, TestLog

BATCH = 5000

SKILL_SETS = {
    "Backend Engineer": ["Python", "Django", "PostgreSQL", "Docker", "REST APIs", "Celery", "Redis"],
    "Frontend Engineer": ["JavaScript", "TypeScript", "React", "CSS", "HTML", "Webpack"],
    "DevOps Engineer": ["Kubernetes", "Docker", "Terraform", "AWS", "Linux", "CI/CD", "Prometheus"],
    "Data Analyst": ["SQL", "Python", "Excel", "Tableau", "Statistics", "Power BI"],
    "Accountant": ["Accounting", "Excel", "QuickBooks", "GAAP", "Financial Reporting", "Payroll"],
    "Desktop Support Technician": ["Windows", "Active Directory", "Troubleshooting", "Office 365", "Networking"],
    "Office Coordinator": ["Scheduling", "Microsoft Office", "Customer Service", "Bookkeeping", "Communication"],
    "QA Engineer": ["Selenium", "Python", "Test Automation", "Jira", "API Testing"],
    "Product Designer": ["Figma", "User Research", "Prototyping", "Design Systems", "Accessibility"],
    "Machine Learning Engineer": ["Python", "PyTorch", "Machine Learning", "SQL", "Docker"],
}
CERTIFICATIONS = [
    "AWS Certified Solutions Architect",
    "CPA",
    "CompTIA A+",
    "PMP",
    "CKA",
    "ITIL Foundation",
    "Scrum Master",
]
EMPLOYMENT_TYPES = [value for value, _ in Job.EmploymentType.choices]
STAGE_WEIGHTS = [40, 20, 12, 8, 7, 3, 2, 3, 15]  # Applied … Offer, Hired, On Hold, Rejected


@dataclass(frozen=True)
class Size:
    orgs: tuple[tuple[str, str], ...]
    users_per_org: int
    jobs: int
    candidates: int
    applications: int
    flagship_applications: int = 0


SIZES = {
    "small": Size(
        orgs=(("Acme Talent", "acme"), ("Globex Hiring", "globex"), ("Initech People", "initech")),
        users_per_org=10,
        jobs=40,
        candidates=2000,
        applications=2600,
    ),
    "large": Size(
        orgs=(("Umbrella Recruiting", "umbrella"),),
        users_per_org=40,
        jobs=1000,
        candidates=200_000,
        applications=300_000,
        flagship_applications=5000,
    ),
}


class Command(BaseCommand):
    help = "Load demo organisations, people, jobs, candidates and screenings (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, size: str, seed: int, **options):
        spec = SIZES[size]
        started = time.monotonic()
        rng = random.Random(seed)
        fake = Faker(["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT"])
        Faker.seed(seed)
        per_org = _split(spec, len(spec.orgs))
        logins: list[tuple[str, str, str]] = []
        for index, (name, slug) in enumerate(spec.orgs):
            if Organization.objects.filter(slug=slug).exists():
                self.stdout.write(f"{name}: already seeded, left as it is.")
                logins += [
                    (u.email, u.get_role_display(), name)
                    for u in User.objects.filter(org__slug=slug).order_by("role", "email")[:3]
                ]
                continue
            with transaction.atomic():
                org_logins = _seed_org(name, slug, per_org[index], spec, rng, fake, self.stdout)
            logins += org_logins
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner guesses badly on tables that just grew by 100,000s
            # of rows; VACUUM sets the visibility map, so counts can be index-only scans. It
            # cannot run inside a transaction (a test's), where ANALYZE alone does.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f}s."))
        self.stdout.write(f"Demo logins (password for all: {settings.DEMO_PASSWORD}):")
        for email, role, org_name in logins:
            self.stdout.write(f"  {email:<34} {role:<15} {org_name}")


def _split(spec: Size, parts: int) -> list[dict[str, int]]:
    return [
        {
            "jobs": spec.jobs // parts + (1 if i < spec.jobs % parts else 0),
            "candidates": spec.candidates // parts,
            "applications": spec.applications // parts,
        }
        for i in range(parts)
    ]


def _seed_org(name, slug, counts, spec: Size, rng: random.Random, fake: Faker, out) -> list[tuple[str, str, str]]:
    org = create_organization(name=name, slug=slug)
    password_hash = make_password(settings.DEMO_PASSWORD)
    roles = [User.Role.ADMIN] * 2 + [User.Role.RECRUITER] * max(1, spec.users_per_org * 5 // 10)
    roles += [User.Role.HIRING_MANAGER] * (spec.users_per_org - len(roles))
    role_names = {User.Role.ADMIN: "admin", User.Role.RECRUITER: "recruiter", User.Role.HIRING_MANAGER: "manager"}
    seen_per_role: dict[str, int] = {}
    users = []
    for role in roles:
        n = seen_per_role[role] = seen_per_role.get(role, 0) + 1
        email = f"{role_names[role]}{'' if n == 1 else n}@{slug}.test"
        users.append(
            User(email=email, name=fake.name(), org=org, role=role, password=password_hash, job_title=fake.job()[:120])
        )
    User.objects.bulk_create(users)
    users = list(User.objects.filter(org=org).order_by("id"))
    recruiters = [u for u in users if u.role == User.Role.RECRUITER]
    managers = [u for u in users if u.role == User.Role.HIRING_MANAGER]
    pipeline = org.pipelines.get(is_default=True)
    stages = list(pipeline.stages.order_by("order"))

    now = timezone.now()
    weights = ScoreWeight.objects.bulk_create([ScoreWeight() for _ in range(counts["jobs"])], batch_size=BATCH)
    jobs = []
    titles = list(SKILL_SETS)
    for i in range(counts["jobs"]):
        base_title = titles[i % len(titles)]
        status = rng.choices(
            [Job.Status.OPEN, Job.Status.DRAFT, Job.Status.ON_HOLD, Job.Status.CLOSED], [70, 10, 10, 10]
        )[0]
        low = rng.randint(0, 5)
        title = base_title if i < len(titles) else f"{rng.choice(['Senior ', 'Junior ', 'Lead ', ''])}{base_title}"
        if spec.flagship_applications and i == 0:
            title = "Platform Engineer (flagship)"
        jobs.append(
            Job(
                org=org,
                owner=rng.choice(recruiters),
                title=title,
                description=fake.paragraph(nb_sentences=5),
                jd_html=f"<p>{fake.paragraph(nb_sentences=4)}</p>",
                location=fake.city(),
                employment_type=rng.choice(EMPLOYMENT_TYPES),
                experience=f"{low}–{low + 4} years",
                min_experience=low,
                max_experience=low + 4,
                published=status == Job.Status.OPEN,
                published_at=now if status == Job.Status.OPEN else None,
                close_date=(now + timedelta(days=rng.randint(-10, 60))).date(),
                status=status,
                must_have_skills=rng.sample(SKILL_SETS[base_title], 3),
                score_weight=weights[i],
                pipeline=pipeline,
            )
        )
    Job.objects.bulk_create(jobs, batch_size=BATCH)
    jobs = list(Job.objects.filter(org=org).order_by("id"))
    shares = []
    for job in jobs:
        colleagues = [u for u in recruiters if u.pk != job.owner_id]
        for user in rng.sample(colleagues, min(len(colleagues), rng.randint(0, 2))) + rng.sample(
            managers, min(len(managers), rng.randint(1, 2))
        ):
            shares.append(JobShare(job=job, user=user, shared_by=job.owner, shared_at=now))
    JobShare.objects.bulk_create(shares, batch_size=BATCH)

    first_names = [fake.first_name() for _ in range(500)]
    last_names = [fake.last_name() for _ in range(800)]
    cities = [fake.city() for _ in range(200)]
    candidates = []
    for i in range(counts["candidates"]):
        first, last = rng.choice(first_names), rng.choice(last_names)
        handle = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
        candidates.append(
            Candidate(
                org=org,
                name=f"{first} {last}",
                email=f"{handle}.{i}@example.com",
                phone=f"+1415555{i % 10000:04d}",
                location=rng.choice(cities),
                linkedin_url=f"https://www.linkedin.com/in/{handle}-{i}",
                source=rng.choice(
                    [
                        Candidate.Source.CAREERS,
                        Candidate.Source.UPLOAD,
                        Candidate.Source.REFERRAL,
                        Candidate.Source.DEMO,
                    ]
                ),
            )
        )
    Candidate.objects.bulk_create(candidates, batch_size=BATCH)
    candidate_ids = list(Candidate.objects.filter(org=org).order_by("id").values_list("id", flat=True))
    out.write(f"{org.name}: {len(users)} users, {len(jobs)} jobs, {len(candidate_ids)} candidates…")

    pairs = _application_pairs(counts["applications"], candidate_ids, jobs, spec.flagship_applications, rng)
    for start in range(0, len(pairs), BATCH):
        _write_applications(org, pairs[start : start + BATCH], stages, recruiters, rng, fake, now)
    out.write(f"{org.name}: {len(pairs)} applications with resumes, scores, tests and screenings.")
    return [
        (u.email, u.get_role_display(), org.name)
        for u in users
        if u.email.split("@")[0] in ("admin", "recruiter", "manager")
    ]


def _application_pairs(total, candidate_ids, jobs, flagship, rng):
    pairs = set()
    if flagship:
        for candidate_id in rng.sample(candidate_ids, min(flagship, len(candidate_ids))):
            pairs.add((candidate_id, 0))
    while len(pairs) < total:
        pairs.add((rng.choice(candidate_ids), rng.randrange(len(jobs))))
    return [(candidate_id, jobs[job_index]) for candidate_id, job_index in sorted(pairs)]


def _write_applications(org, pairs, stages, recruiters, rng, fake, now):
    from screening.models import Instrument

    instrument = Instrument.objects.filter(org__isnull=True, is_active=True).order_by("-id").first()
    applications, histories = [], []
    for candidate_id, job in pairs:
        stage = rng.choices(stages, STAGE_WEIGHTS[: len(stages)])[0]
        applied_at = now - timedelta(days=rng.randint(0, 60), minutes=rng.randint(0, 1440))
        if rng.random() < 0.03:
            applied_at = now - timedelta(minutes=rng.randint(0, 120))
        path = stages[: stage.order] if stage.kind == Stage.Kind.ACTIVE else stages[: rng.randint(1, 4)] + [stage]
        entered = applied_at + timedelta(hours=6 * (len(path) - 1))
        applications.append(
            Application(
                org=org,
                candidate_id=candidate_id,
                job=job,
                stage=stage,
                status_text=stage.name,
                applied_at=applied_at,
                stage_entered_at=min(entered, now),
                rejection_reason="Not enough relevant experience" if stage.kind == Stage.Kind.REJECTED else "",
            )
        )
        histories.append((path, applied_at))
    Application.objects.bulk_create(applications, batch_size=BATCH)
    saved = Application.objects.filter(
        org=org, job__in={job.pk for _, job in pairs}, candidate_id__in=[c for c, _ in pairs]
    ).values_list("candidate_id", "job_id", "id")
    ids = {(c, j): a for c, j, a in saved}
    changes, resumes, tests, screenings = [], [], [], []
    for application, (path, applied_at) in zip(applications, histories, strict=True):
        application.pk = ids[(application.candidate_id, application.job_id)]
        previous = None
        for step, stage in enumerate(path):
            changes.append(
                StageChange(
                    org=org,
                    application_id=application.pk,
                    from_stage=previous,
                    to_stage=stage,
                    actor=None if step == 0 else rng.choice(recruiters),
                    source=StageChange.Source.DASHBOARD if step else StageChange.Source.SYSTEM,
                    at=min(applied_at + timedelta(hours=6 * step), now),
                )
            )
            previous = stage
        job = application.job
        skills = rng.sample(job.must_have_skills, rng.randint(0, len(job.must_have_skills))) + rng.sample(
            ["Git", "Communication", "Leadership", "Agile"], 2
        )
        months = rng.randint(0, 180)
        resumes.append(
            Resume(
                org=org,
                candidate_id=application.candidate_id,
                job=job,
                application_id=application.pk,
                original_name=f"resume-{application.candidate_id}.pdf",
                content_type="application/pdf",
                size=rng.randint(20_000, 400_000),
                extracted_text="",
                parsed={"skills": skills, "certifications": rng.sample(CERTIFICATIONS, rng.randint(0, 2))},
                relevant_experience_in_months=months,
                status=Resume.Status.PARSED,
                status_text="Parsed and scored",
                completed=True,
                created_at=applied_at,
            )
        )
        if rng.random() < 0.3:
            max_score = Decimal(100)
            score = Decimal(rng.randint(20, 100))
            started = applied_at + timedelta(days=1)
            minutes = rng.randint(20, 90)
            tests.append(
                TestLog(
                    org=org,
                    candidate_id=application.candidate_id,
                    job=job,
                    test_name=f"{job.title.split(' (')[0]} skills test",
                    provider=rng.choice(["codility", "hackerrank", "testgorilla"]),
                    external_id=f"demo-{application.pk}",
                    score=score,
                    max_score=max_score,
                    passed=score >= 60,
                    started_at=started,
                    completed_at=started + timedelta(minutes=minutes),
                    duration=timedelta(minutes=minutes),
                    proctoring_flags=["tab_switch"] if rng.random() < 0.1 else [],
                    created_at=started,
                )
            )
        if instrument and rng.random() < 0.2:
            completed = rng.random() < 0.6
            screenings.append(
                PersonalityScreening(
                    org=org,
                    candidate_id=application.candidate_id,
                    job=job,
                    instrument=instrument,
                    instrument_version=instrument.version,
                    status=PersonalityScreening.Status.COMPLETED if completed else PersonalityScreening.Status.INVITED,
                    token=fake.unique.sha256()[:48],
                    invited_at=applied_at + timedelta(days=2),
                    completed_at=applied_at + timedelta(days=3) if completed else None,
                    expires_at=applied_at + timedelta(days=16),
                    trait_scores={
                        t: rng.randint(20, 95)
                        for t in (
                            "openness",
                            "conscientiousness",
                            "extraversion",
                            "agreeableness",
                            "emotional_stability",
                        )
                    }
                    if completed
                    else {},
                )
            )
    StageChange.objects.bulk_create(changes, batch_size=BATCH)
    scores = [
        _demo_score(application.job, resume, rng) for application, resume in zip(applications, resumes, strict=True)
    ]
    for resume, score in zip(resumes, scores, strict=True):
        resume.rank_score = score.overall_score  # as screening.services.save_score keeps it
    Resume.objects.bulk_create(resumes, batch_size=BATCH)
    resume_ids = dict(
        Resume.objects.filter(application_id__in=[a.pk for a in applications]).values_list("application_id", "id")
    )
    for application, score in zip(applications, scores, strict=True):
        score.resume_id = resume_ids[application.pk]
    ResumeScore.objects.bulk_create(scores, batch_size=BATCH)
    TestLog.objects.bulk_create(tests, batch_size=BATCH)
    PersonalityScreening.objects.bulk_create(screenings, batch_size=BATCH)


def _demo_score(job, resume, rng):
    weights = job.score_weight.as_dict()
    must_have = job.must_have_skills or []
    matched = [s for s in must_have if s in resume.parsed["skills"]]
    fractions = {
        "skills": len(matched) / len(must_have) if must_have else 1.0,
        "work_experience": min(resume.relevant_experience_in_months / 12 / max(job.min_experience or 1, 1), 1.0),
        "projects": rng.random(),
        "education": rng.choice([0.5, 0.75, 1.0]),
        "certifications": min(len(resume.parsed["certifications"]) / 2, 1.0),
    }
    points = {name: Decimal(str(round(weights[name] * fractions[name] * 10, 2))) for name in weights}
    return ResumeScore(
        org_id=job.org_id,
        job=job,
        skills_score=points["skills"],
        work_exp_score=points["work_experience"],
        projects_score=points["projects"],
        education_score=points["education"],
        certifications_score=points["certifications"],
        overall_score=sum(points.values()),
        weights=weights,
        scored_by="demo data",
        feedback={"matched_skills": matched, "missing_skills": [s for s in must_have if s not in matched]},
    )
