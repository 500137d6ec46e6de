from django.contrib import admin

from mentoring.admin import CatalogueAdmin
from mentoring.lib.admin_scope import OrganisationScopedAdmin, ScopedInline
from monitoring import models


@admin.register(models.Parameter)
class ParameterAdmin(CatalogueAdmin):
    list_display = ["name", "unit", "scale_min", "scale_max", "direction", "audience"]
    list_filter = ["direction", "audience"]
    list_editable = []


@admin.register(models.Measurement)
class MeasurementAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "participant__organisation"
    list_display = [
        "participant",
        "parameter",
        "moment",
        "value",
        "measured_on",
        "pair",
    ]
    list_filter = ["parameter", "moment", "school_year"]
    search_fields = ["participant__search_text"]
    list_select_related = ["participant", "parameter", "pair__mentor__participant"]
    autocomplete_fields = ["participant", "pair"]


class QuestionInline(ScopedInline, admin.TabularInline):
    model = models.Question
    extra = 0
    fields = ["order", "section", "text", "kind", "is_required", "scale_max", "topic"]


@admin.register(models.Questionnaire)
class QuestionnaireAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    # The organisation's own questionnaires; those shipped without an
    # organisation are read-only for staff.
    organisation_path = "organisation"
    shared_when_null = True
    list_display = [
        "title",
        "version",
        "audience",
        "moment",
        "organisation",
        "is_active",
    ]
    list_filter = ["audience", "moment", "is_anonymous", "is_active"]
    search_fields = ["title", "code"]
    inlines = [QuestionInline]
    readonly_fields = ["copied_from", "superseded_by"]


@admin.register(models.Campaign)
class CampaignAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "programme__organisation"
    list_display = ["title", "programme", "questionnaire", "opens_on", "closes_on"]
    list_filter = ["school_year"]
    search_fields = ["title"]
    date_hierarchy = "opens_on"
    filter_horizontal = ["pairs"]


@admin.register(models.Invitation)
class InvitationAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "campaign__programme__organisation"
    list_display = ["campaign", "participant", "user", "answered_on"]
    list_filter = ["campaign"]
    exclude = ["token"]
    raw_id_fields = ["participant", "user", "pair"]


class SwotPointInline(ScopedInline, admin.TabularInline):
    model = models.SwotPoint
    extra = 0
    fields = ["quadrant", "order", "text", "evidence_label", "evidence_url", "kind"]


@admin.register(models.Swot)
class SwotAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "programme__organisation"
    list_display = ["programme", "school_year", "updated_at"]
    inlines = [SwotPointInline]


class IndicatorTemplateItemInline(ScopedInline, admin.TabularInline):
    model = models.IndicatorTemplateItem
    extra = 0


@admin.register(models.IndicatorTemplate)
class IndicatorTemplateAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    staff_view_only = True  # a template: read-only for staff
    list_display = ["name", "code", "source"]
    inlines = [IndicatorTemplateItemInline]


class IndicatorValueInline(ScopedInline, admin.TabularInline):
    model = models.IndicatorValue
    extra = 0


@admin.register(models.Indicator)
class IndicatorAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "programme__organisation"
    list_display = ["number", "name", "unit", "computed", "programme"]
    list_filter = ["unit", "computed"]
    search_fields = ["name"]
    inlines = [IndicatorValueInline]
