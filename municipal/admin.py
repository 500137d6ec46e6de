"""The municipal tier in the admin: the superuser's own (no organisation path in
`OrganisationScopedAdmin`: hidden from a school's staff, who use the pages)."""

from django.contrib import admin

from mentoring.lib.admin_scope import OrganisationScopedAdmin
from municipal import models


@admin.register(models.ChecklistDeadline)
class ChecklistDeadlineAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["municipality", "item", "due_on"]
    list_filter = ["municipality", "item"]


@admin.register(models.ChecklistEntry)
class ChecklistEntryAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["organisation", "item", "status", "done_on"]
    list_filter = ["status", "item"]
    list_select_related = ["organisation"]


@admin.register(models.BankRequest)
class BankRequestAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["mentor", "organisation", "status", "requested_at"]
    list_filter = ["status"]
    list_select_related = ["mentor__participant", "organisation"]
    raw_id_fields = ["mentor", "mentee", "pair"]


@admin.register(models.Practice)
class PracticeAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "featured", "published_at"]
    list_filter = ["status", "featured"]
    list_select_related = ["organisation"]
    raw_id_fields = ["pair", "named"]


@admin.register(models.MunicipalIndicator)
class MunicipalIndicatorAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["number", "name", "municipality", "unit", "computed", "is_active"]
    list_filter = ["municipality", "is_active"]


@admin.register(models.RollupSnapshot)
class RollupSnapshotAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    list_display = ["title", "municipality", "school_year", "submitted_at"]
    list_filter = ["municipality"]
