from django.contrib import admin

from screening import services
from screening.models import Instrument, InstrumentItem, PersonalityScreening, Resume, ResumeScore, TestLog


@admin.register(Resume)
class ResumeAdmin(admin.ModelAdmin):
    list_display = ("original_name", "candidate", "job", "status", "is_current", "is_approved", "created_at")
    list_filter = ("status", "is_current", "is_approved")
    search_fields = ("original_name", "candidate__name", "candidate__email")
    raw_id_fields = ("candidate", "job", "application", "approved_by", "updated_by")
    list_select_related = ("candidate", "job")
    date_hierarchy = "created_at"


@admin.register(ResumeScore)
class ResumeScoreAdmin(admin.ModelAdmin):
    """View only: scores come from the scorer (a rescore rewrites them), never from a hand edit."""

    list_display = ("resume", "overall_score", "skills_score", "work_exp_score", "scored_by", "scored_at")
    raw_id_fields = ("resume", "job")
    ordering = ("-overall_score",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # Deleting a resume deletes its score, so deletion stays allowed; it goes through the
    # service, which takes the score out of the ranking too.
    def delete_model(self, request, obj):
        services.discard_scores(ResumeScore.objects.unscoped().filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.discard_scores(queryset)


@admin.register(TestLog)
class TestLogAdmin(admin.ModelAdmin):
    list_display = ("test_name", "candidate", "job", "provider", "score", "max_score", "passed", "completed_at")
    list_filter = ("provider", "passed")
    search_fields = ("test_name", "candidate__name", "external_id")
    raw_id_fields = ("candidate", "job")


class InstrumentItemInline(admin.TabularInline):
    model = InstrumentItem
    extra = 0


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "version", "org", "is_active")
    inlines = [InstrumentItemInline]


@admin.register(PersonalityScreening)
class PersonalityScreeningAdmin(admin.ModelAdmin):
    list_display = ("candidate", "job", "instrument", "status", "invited_at", "completed_at")
    list_filter = ("status",)
    raw_id_fields = ("candidate", "job", "invited_by")
    exclude = ("token",)
