from django.contrib import admin

from candidates.models import Application, Candidate, Note, StageChange


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "org", "location", "source", "created_at")
    list_filter = ("source", "org")
    search_fields = ("name", "email", "phone")
    list_select_related = ("org",)
    date_hierarchy = "created_at"


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    can_delete = False
    readonly_fields = ("from_stage", "to_stage", "actor", "source", "reason", "at")
    fields = readonly_fields


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("candidate", "job", "stage", "applied_at", "updated_at")
    list_filter = ("stage__kind", "org")
    search_fields = ("candidate__name", "candidate__email", "job__title")
    raw_id_fields = ("candidate", "job", "stage")
    list_select_related = ("candidate", "job", "stage")
    date_hierarchy = "applied_at"
    inlines = [StageChangeInline]


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    list_display = ("application", "from_stage", "to_stage", "actor", "source", "at")
    list_filter = ("source",)
    raw_id_fields = ("application", "from_stage", "to_stage", "actor")
    list_select_related = ("application__candidate", "application__job", "from_stage", "to_stage", "actor")

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ("candidate", "author", "created_at")
    raw_id_fields = ("candidate", "application", "author")
    search_fields = ("body", "candidate__name")
