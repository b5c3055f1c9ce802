from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from dashboard.models import Organization, User


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "name", "org", "role", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff", "org")
    search_fields = ("email", "name")
    list_select_related = ("org",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("name", "org", "role", "job_title", "phone", "time_zone")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "org", "role", "password1", "password2")}),
    )
