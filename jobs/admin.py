from django.contrib import admin

from jobs.models import Job, JobShare, Pipeline, ScoreWeight, Stage


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0


@admin.register(Pipeline)
class PipelineAdmin(admin.ModelAdmin):
    list_display = ("name", "org", "is_default")
    list_filter = ("org",)
    inlines = [StageInline]


class JobShareInline(admin.TabularInline):
    model = JobShare
    fk_name = "job"
    raw_id_fields = ("user", "shared_by")
    extra = 0


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "org",
        "owner",
        "status",
        "published",
        "location",
        "employment_type",
        "close_date",
        "created_at",
    )
    list_filter = ("status", "published", "employment_type", "org")
    search_fields = ("title", "location", "description")
    raw_id_fields = ("owner", "score_weight", "pipeline")
    list_select_related = ("org", "owner")
    date_hierarchy = "created_at"
    inlines = [JobShareInline]


@admin.register(ScoreWeight)
class ScoreWeightAdmin(admin.ModelAdmin):
    list_display = ("id", "skills", "work_experience", "projects", "education", "certifications")
