"""Indexes for candidate search on PostgreSQL: trigram GIN indexes for substring matches
on names and emails (Django's icontains compiles to UPPER(col) LIKE UPPER(%s)), and a GIN
index on resumes' parsed fields for skill containment. Nothing to do on SQLite."""

from django.db import migrations

INDEXES = [
    "CREATE INDEX IF NOT EXISTS candidate_name_trgm ON candidates_candidate USING gin (UPPER(name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS candidate_email_trgm ON candidates_candidate USING gin (UPPER(email) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS resume_parsed_gin ON screening_resume USING gin (parsed jsonb_path_ops)",
]
DROPS = [
    "DROP INDEX IF EXISTS candidate_name_trgm",
    "DROP INDEX IF EXISTS candidate_email_trgm",
    "DROP INDEX IF EXISTS resume_parsed_gin",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for statement in INDEXES:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in DROPS:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("candidates", "0002_initial"),
        ("screening", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
