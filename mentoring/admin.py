from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentoring import (
    exports,  # noqa: F401  (the admin actions' exporters)
    models,
)
from mentoring.lib.admin_scope import (
    OrganisationScopedAdmin,
    ScopedInline,
    is_superuser,
    may_use_admin,
)
from mentoring.lib.export import admin_action

# The admin: superusers see everything; active staff who head, deputise or curate
# an organisation see its rows only (`mentoring.lib.admin_scope`).
admin.site.has_permission = may_use_admin


@admin.register(models.Municipality)
class MunicipalityAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    staff_view_only = True
    list_display = ["name", "region"]
    search_fields = ["name", "region"]


@admin.register(models.Organisation)
class OrganisationAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "pk"
    list_display = ["short_name", "kind", "municipality", "head_name"]
    list_filter = ["kind", "municipality"]
    search_fields = ["short_name", "name"]
    list_select_related = ["municipality"]

    def has_add_permission(self, request):
        return is_superuser(request) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return is_superuser(request) and super().has_delete_permission(request, obj)


@admin.register(models.SchoolYear)
class SchoolYearAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    staff_view_only = True
    list_display = ["title", "starts_on", "ends_on"]


class CatalogueAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    """A catalogue: read-only for staff, edited by superusers."""

    staff_view_only = True
    list_display = ["name", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]


class RoleVariantInline(ScopedInline, admin.TabularInline):
    model = models.RoleVariant
    extra = 0
    fields = ["name", "participant_name", "code", "order", "is_active"]


class SubprogrammeInline(ScopedInline, admin.StackedInline):
    model = models.Subprogramme
    extra = 0
    fields = ["name", "code", "audience", "goal", "order"]


@admin.register(models.MentoringForm)
class MentoringFormAdmin(CatalogueAdmin):
    list_display = [
        "name",
        "participant_name",
        "mentee_audience",
        "is_social_risk",
        "order",
        "is_active",
    ]
    search_fields = ["name", "participant_name", "code"]
    list_filter = ["mentee_audience", "is_social_risk", "is_active"]
    inlines = [RoleVariantInline, SubprogrammeInline]


@admin.register(models.RoleVariant)
class RoleVariantAdmin(CatalogueAdmin):
    list_display = ["name", "participant_name", "form", "order", "is_active"]
    search_fields = ["name", "participant_name", "code"]
    list_filter = ["form", "is_active"]
    list_select_related = ["form"]


@admin.register(models.Subprogramme)
class SubprogrammeAdmin(CatalogueAdmin):
    list_display = ["name", "form", "audience", "order", "is_active"]
    list_filter = ["form", "is_active"]
    list_select_related = ["form"]


@admin.register(models.MentoringWay)
class MentoringWayAdmin(CatalogueAdmin):
    pass


@admin.register(models.MeetingType)
class MeetingTypeAdmin(CatalogueAdmin):
    list_display = ["name", "code", "is_general", "order", "is_active"]


@admin.register(models.ProgrammeStage)
class ProgrammeStageAdmin(CatalogueAdmin):
    list_display = ["number", "name", "is_active"]
    list_editable = ["is_active"]


@admin.register(models.MenteeCategory)
class MenteeCategoryAdmin(CatalogueAdmin):
    list_display = ["name", "audience", "is_sensitive", "order", "is_active"]
    list_filter = ["audience", "is_sensitive", "is_active"]
    # Sensitive categories are the social-risk tier.
    social_risk_rows = Q(is_sensitive=True)


@admin.register(models.MentorCategory)
class MentorCategoryAdmin(CatalogueAdmin):
    list_display = ["name", "contour", "order", "is_active"]
    list_filter = ["contour", "is_active"]


@admin.register(models.RequestArea)
class RequestAreaAdmin(CatalogueAdmin):
    pass


@admin.register(models.Programme)
class ProgrammeAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "organisation"
    list_display = [
        "title",
        "organisation",
        "starts_on",
        "ends_on",
        "approval_order_number",
        "approval_order_date",
    ]
    list_filter = ["organisation", "forms"]
    search_fields = ["title"]
    list_select_related = ["organisation"]
    filter_horizontal = ["forms", "curators"]
    actions = [
        admin_action("roadmap", "pdf", _("Roadmap of the programme (PDF)")),
        admin_action("roadmap", "xlsx", _("Roadmap of the programme (Excel)")),
    ]
    date_hierarchy = "starts_on"
    fieldsets = [
        (None, {"fields": ["organisation", "title", "goal", ("starts_on", "ends_on")]}),
        (
            _("Approval"),
            {
                "fields": [
                    "approved_by",
                    ("approval_order_number", "approval_order_date"),
                ]
            },
        ),
        (None, {"fields": ["forms", "curators", "stale_after_days"]}),
    ]


class RoadmapTemplateItemInline(ScopedInline, admin.TabularInline):
    model = models.RoadmapTemplateItem
    extra = 0
    fields = [
        "number",
        "stage",
        "order",
        "activity",
        "start_month",
        "end_month",
        "due_text",
        "responsible_text",
    ]


@admin.register(models.RoadmapTemplate)
class RoadmapTemplateAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    staff_view_only = True
    list_display = ["name", "code", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
    inlines = [RoadmapTemplateItemInline]


@admin.register(models.RoadmapItem)
class RoadmapItemAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "programme__organisation"
    list_display = ["number", "activity", "programme", "stage", "due_to", "status"]
    list_filter = ["status", "stage", "programme__organisation"]
    search_fields = ["activity", "number"]
    list_select_related = ["programme", "stage"]
    autocomplete_fields = ["responsible"]
    raw_id_fields = ["programme"]
