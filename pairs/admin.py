from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mentoring.lib.admin_scope import OrganisationScopedAdmin, ScopedInline
from mentoring.lib.export import PDF, XLSX, admin_action
from pairs import document_exports, exports, models  # noqa: F401 (exporters)
from people.admin import NormalisedSearchMixin


class PairMenteeInline(ScopedInline, admin.TabularInline):
    model = models.PairMentee
    extra = 0
    autocomplete_fields = ["mentee"]


class PairEventInline(ScopedInline, admin.TabularInline):
    """The history is written by the services: shown here, never edited."""

    model = models.PairEvent
    extra = 0
    can_delete = False
    fields = ["at", "kind", "on", "by", "old_mentor", "new_mentor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.Pair)
class PairAdmin(OrganisationScopedAdmin, NormalisedSearchMixin, admin.ModelAdmin):
    organisation_path = "programme__organisation"
    search_paths = (
        "mentor__participant__search_text",
        "memberships__mentee__participant__search_text",
    )
    list_display = [
        "__str__",
        "programme",
        "form",
        "role_variant",
        "status",
        "start_on",
        "planned_end_on",
        "order_number",
    ]
    list_filter = ["status", "form", "programme__organisation", "programme"]
    search_fields = ["mentor__participant__search_text"]  # see search_paths
    list_select_related = [
        "programme",
        "form",
        "role_variant",
        "mentor__participant",
    ]
    autocomplete_fields = ["mentor", "co_mentor"]
    inlines = [PairMenteeInline, PairEventInline]
    date_hierarchy = "start_on"
    actions = [
        admin_action("pairs-order", PDF, _("Order on fixing pairs and groups (PDF)")),
        admin_action("pairs", XLSX, _("List of pairs and groups (Excel)")),
    ]


class AttendanceInline(ScopedInline, admin.TabularInline):
    model = models.MeetingAttendance
    extra = 0
    autocomplete_fields = ["mentee"]


class MeetingCommentInline(ScopedInline, admin.TabularInline):
    model = models.MeetingComment
    extra = 0
    fields = ["author", "text", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(models.Meeting)
class MeetingAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "programme__organisation"
    list_display = ["held_on", "topic", "meeting_type", "pair", "format", "author"]
    list_filter = ["meeting_type", "format", "programme__organisation", "programme"]
    search_fields = ["topic", "summary"]
    list_select_related = [
        "meeting_type",
        "pair__mentor__participant",
        "pair__role_variant",
        "author",
    ]
    autocomplete_fields = ["pair", "author"]
    inlines = [AttendanceInline, MeetingCommentInline]
    date_hierarchy = "held_on"


@admin.register(models.PairMentee)
class PairMenteeAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "pair__programme__organisation"
    list_display = ["mentee", "pair", "joined_on", "left_on"]
    list_select_related = [
        "mentee__participant",
        "pair__mentor__participant",
        "pair__role_variant",
    ]
    autocomplete_fields = ["mentee", "pair"]


@admin.register(models.MeetingAttendance)
class MeetingAttendanceAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "meeting__programme__organisation"
    list_display = ["meeting", "mentee", "present"]
    list_select_related = ["meeting", "mentee__participant"]
    autocomplete_fields = ["mentee"]


@admin.register(models.Feedback)
class FeedbackAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "pair__programme__organisation"
    list_display = ["pair", "meeting", "kind", "role", "rating", "author", "created_at"]
    list_filter = ["kind", "role", "rating", "pair__form"]
    list_select_related = ["pair__mentor__participant", "meeting", "author"]
    raw_id_fields = ["pair", "meeting", "author"]


class PlanItemInline(ScopedInline, admin.TabularInline):
    model = models.PlanItem
    extra = 0
    fields = ["order", "activity", "deadline", "reporting_form", "status", "done_on"]


@admin.register(models.Plan)
class PlanAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "pair__programme__organisation"
    list_display = ["pair", "starts_on", "ends_on", "template"]
    list_select_related = ["pair__mentor__participant", "template"]
    raw_id_fields = ["pair"]
    inlines = [PlanItemInline]


class PlanTemplateItemInline(ScopedInline, admin.TabularInline):
    model = models.PlanTemplateItem
    extra = 0


@admin.register(models.PlanTemplate)
class PlanTemplateAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    staff_view_only = True  # a template: read-only for staff
    list_display = ["name", "form", "role_variant", "duration_months", "is_active"]
    list_filter = ["form", "is_active"]
    search_fields = ["name", "code"]
    inlines = [PlanTemplateItemInline]


@admin.register(models.ReminderSent)
class ReminderSentAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    # A log of the reminders sent to users of any organisation: superusers only.
    list_display = ["user", "sent_on", "items"]
    list_filter = ["sent_on"]
    date_hierarchy = "sent_on"


@admin.register(models.Reward)
class RewardAdmin(OrganisationScopedAdmin, NormalisedSearchMixin, admin.ModelAdmin):
    organisation_path = "organisation"
    search_paths = ("person__search_text",)
    search_fields = ["person__search_text"]
    list_display = ["awarded_on", "person", "kind", "number", "organisation"]
    list_filter = ["kind", "organisation"]
    date_hierarchy = "awarded_on"
    autocomplete_fields = ["person", "pair"]
    readonly_fields = ["created_by", "created_at"]
    list_select_related = ["person", "organisation"]
    actions = [admin_action("rewards", XLSX, _("Rewards register (Excel)"))]
