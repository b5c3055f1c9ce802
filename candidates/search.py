"""Candidate search across an organisation: name, email, and skills from their resumes.

On PostgreSQL, name and email substring matches use trigram GIN indexes (migration
0003) and skill matches a GIN index on the resumes' parsed fields, so a search stays fast
at hundreds of thousands of candidates. On SQLite the same queries run without those
indexes (the embedded default is for small data).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q, QuerySet

from jobs.skills import canonical_skill
from screening.models import Resume


def search_candidates(queryset: QuerySet, text: str) -> QuerySet:
    text = (text or "").strip()[:200]
    if not text:
        return queryset
    matches = Q(name__icontains=text) | Q(email__icontains=text)
    skill = canonical_skill(text)
    if skill:
        if connection.vendor == "postgresql":
            with_skill = Resume.objects.unscoped().filter(parsed__contains={"skills": [skill]})
        else:
            with_skill = Resume.objects.unscoped().filter(parsed__skills__icontains=f'"{skill}"')
        matches |= Q(pk__in=with_skill.values("candidate_id"))
    return queryset.filter(matches)
