from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import router
from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from mentoring.lib.admin_scope import (
    OrganisationScopedAdmin,
    ScopedInline,
    hides_social_risk,
    is_superuser,
)
from mentoring.lib.search import search
from people import exports, models  # noqa: F401  (exports: the admin actions' exporters)
from people.audit import log_tier_read
from people.jobs import background_admin_action
from people.resources import MenteeResource, MentorResource


class NormalisedSearchMixin:
    """Admin search through the normalised `search_text`: Cyrillic- and «ё»-safe."""

    search_paths = ("search_text",)

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        return search(queryset, search_term, *self.search_paths), False


class MembershipInline(ScopedInline, admin.TabularInline):
    model = models.Membership
    extra = 0
    fields = ["role", "organisation", "municipality", "study_group", "forms"]
    autocomplete_fields = ["organisation", "study_group"]


@admin.register(models.User)
class UserAdmin(OrganisationScopedAdmin, DjangoUserAdmin):
    # Staff read the accounts of their organisations; roles and passwords decide
    # access, so they are given by a superuser (or on the site's own pages).
    organisation_path = "memberships__organisation"
    staff_view_only = True
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Personal info"),
            {"fields": ("last_name", "first_name", "middle_name", "email")},
        ),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    list_display = ["username", "last_name", "first_name", "middle_name", "is_staff"]
    search_fields = ["username", "last_name", "first_name", "email"]
    inlines = [MembershipInline]


@admin.register(models.Membership)
class MembershipAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "organisation"
    staff_view_only = True  # a role is access: granted by a superuser
    list_display = ["user", "role", "organisation", "municipality", "study_group"]
    list_filter = ["role", "organisation", "municipality"]
    search_fields = ["user__username", "user__last_name", "user__first_name"]
    list_select_related = ["user", "organisation", "municipality", "study_group"]
    autocomplete_fields = ["user", "organisation", "study_group"]
    filter_horizontal = ["forms"]


@admin.register(models.StudyGroup)
class StudyGroupAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "organisation"
    list_display = ["name", "grade", "organisation"]
    list_filter = ["organisation", "grade"]
    search_fields = ["name"]
    list_select_related = ["organisation"]


class ConsentInline(ScopedInline, admin.TabularInline):
    model = models.Consent
    extra = 0
    fields = ["scope", "given_by", "relation", "given_on", "valid_until", "revoked_on"]


class PeopleDeletionMixin:
    """Deleting a person in the admin never tells their social-risk tier.

    Those who may not see the tier (the deputy) delete no person, mentor or mentee
    here at all: a refusal because of records they cannot see, or a confirmation
    that lists them, would tell the tier; deleting personal data is for the head
    and the curator (or `manage.py anonymise_leavers`). For those who may, the
    confirmation page does not enumerate the confidential records (safeguarding:
    models marked `confidential_record`) — one line gives their number — and the
    page, which tells that such records exist, is written to the access log."""

    def has_delete_permission(self, request, obj=None):
        if not is_superuser(request) and hides_social_risk(request):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        collector = NestedObjects(using=router.db_for_write(self.model))
        collector.collect(objs)
        confidential = [
            obj
            for obj in [
                *collector.protected,
                *(obj for found in collector.model_objs.values() for obj in found),
            ]
            if getattr(type(obj), "confidential_record", False)
        ]
        if not confidential:
            return deleted, counts, perms_needed, protected
        labels = {capfirst(str(obj._meta.verbose_name)) for obj in confidential}
        plurals = {str(obj._meta.verbose_name_plural) for obj in confidential}

        def shown(item) -> bool:
            text = strip_tags(str(item))
            return not any(text.startswith(f"{label}: ") for label in labels)

        summary = ngettext(
            "%(count)s record of the confidential social-risk section (not listed)",
            "%(count)s records of the confidential social-risk section (not listed)",
            len(confidential),
        ) % {"count": len(confidential)}
        protected = [item for item in protected if shown(item)]
        if any(obj in collector.protected for obj in confidential):
            protected.append(summary)
        else:
            deleted = [*_pruned_nested(deleted, shown), summary]
        counts = {name: n for name, n in counts.items() if str(name) not in plurals}
        singulars = {str(obj._meta.verbose_name) for obj in confidential}
        if perms_needed & singulars:  # the kinds of record the user may not delete
            perms_needed = {name for name in perms_needed if name not in singulars}
            perms_needed.add(summary)
        log_tier_read(
            request,
            {
                obj.participant_id: obj.participant
                for obj in confidential
                if hasattr(obj, "participant_id")
            }.values(),
            gettext("Delete confirmation in the admin"),
        )
        return deleted, counts, perms_needed, protected


def _pruned_nested(items, shown):
    """Django's nested list of deleted objects without the hidden ones (and what
    hangs under them)."""
    result, skip_children = [], False
    for item in items:
        if isinstance(item, list):
            if not skip_children:
                result.append(_pruned_nested(item, shown))
            skip_children = False
            continue
        skip_children = not shown(item)
        if not skip_children:
            result.append(item)
    return result


@admin.register(models.Participant)
class ParticipantAdmin(
    PeopleDeletionMixin,
    OrganisationScopedAdmin,
    NormalisedSearchMixin,
    admin.ModelAdmin,
):
    organisation_path = "organisation"
    list_display = [
        "full_name",
        "kind",
        "organisation",
        "study_group",
        "position",
        "user",
    ]
    list_filter = ["kind", "organisation", "study_group__grade"]
    search_fields = ["search_text"]
    list_select_related = ["organisation", "study_group", "user"]
    autocomplete_fields = ["study_group", "user"]
    inlines = [ConsentInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "organisation",
                    "kind",
                    ("last_name", "first_name", "middle_name"),
                ]
            },
        ),
        (
            _("Study and work"),
            {
                "fields": [
                    "birth_date",
                    "study_group",
                    ("position", "workplace"),
                    ("experience_years", "subjects"),
                ]
            },
        ),
        (
            _("Contacts"),
            {
                "fields": [
                    ("phone", "email"),
                    ("representative_name", "representative_phone"),
                ]
            },
        ),
        (None, {"fields": ["user", "left_on", "notes"]}),
    ]

    @admin.display(description=_("full name"), ordering="search_text")
    def full_name(self, obj):
        return obj.full_name


class MentorStatusChangeInline(ScopedInline, admin.TabularInline):
    model = models.MentorStatusChange
    extra = 0
    fields = ["status_from", "status_to", "changed_by", "changed_at", "comment"]
    readonly_fields = ["changed_at"]


class MentorTrainingInline(ScopedInline, admin.TabularInline):
    model = models.MentorTraining
    extra = 0


@admin.register(models.MentorProfile)
class MentorProfileAdmin(
    PeopleDeletionMixin,
    OrganisationScopedAdmin,
    NormalisedSearchMixin,
    ImportExportModelAdmin,
):
    organisation_path = "participant__organisation"
    resource_classes = [MentorResource]
    search_paths = ("participant__search_text",)
    list_display = [
        "full_name",
        "organisation",
        "category",
        "contour",
        "status",
        "capacity",
        "shared_in_bank",
    ]
    list_filter = [
        "status",
        "category__contour",
        "category",
        "participant__organisation",
        "shared_in_bank",
    ]
    search_fields = ["participant__search_text"]
    list_select_related = ["participant__organisation", "category"]
    autocomplete_fields = ["participant"]
    inlines = [MentorStatusChangeInline, MentorTrainingInline]
    actions = [
        background_admin_action(
            "mentor-base", description=_("Export in the federal template layout")
        )
    ]

    @admin.display(description=_("full name"), ordering="participant__search_text")
    def full_name(self, obj):
        return obj.participant.full_name

    @admin.display(description=_("organisation"))
    def organisation(self, obj):
        return obj.participant.organisation

    @admin.display(description=_("contour"))
    def contour(self, obj):
        return obj.category.get_contour_display()


class MenteeRequestInline(ScopedInline, admin.TabularInline):
    model = models.MenteeRequest
    social_risk_rows = Q(form__is_social_risk=True)
    extra = 0
    fields = ["area", "text", "form", "status", "created_on"]


@admin.register(models.MenteeProfile)
class MenteeProfileAdmin(
    PeopleDeletionMixin,
    OrganisationScopedAdmin,
    NormalisedSearchMixin,
    ImportExportModelAdmin,
):
    organisation_path = "participant__organisation"
    # The social-risk tier, hidden from those without access to it (the deputy).
    social_risk_fields = ("categories", "preferred_form")
    resource_classes = [MenteeResource]
    search_paths = ("participant__search_text",)
    list_display = [
        "full_name",
        "study_group",
        "organisation",
        "preferred_form",
        "status",
        "entered_on",
    ]
    list_filter = [
        "status",
        "preferred_form",
        "categories",
        "participant__organisation",
        "programme",
    ]
    search_fields = ["participant__search_text"]
    list_select_related = [
        "participant__organisation",
        "participant__study_group",
        "preferred_form",
    ]
    autocomplete_fields = ["participant"]
    filter_horizontal = ["categories"]
    inlines = [MenteeRequestInline]
    actions = [
        background_admin_action(
            "mentee-base", description=_("Export in the federal template layout")
        )
    ]

    @admin.display(description=_("full name"), ordering="participant__search_text")
    def full_name(self, obj):
        return obj.participant.full_name

    @admin.display(description=_("class or group"))
    def study_group(self, obj):
        return obj.participant.study_group or "—"

    @admin.display(description=_("organisation"))
    def organisation(self, obj):
        return obj.participant.organisation


@admin.register(models.MenteeRequest)
class MenteeRequestAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "mentee__participant__organisation"
    social_risk_rows = Q(form__is_social_risk=True)
    list_display = ["text", "mentee", "area", "form", "status", "created_on"]
    list_filter = ["status", "area", "form"]
    search_fields = ["text", "mentee__participant__search_text"]
    list_select_related = ["mentee__participant", "area", "form"]
    autocomplete_fields = ["mentee"]


@admin.register(models.Consent)
class ConsentAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "participant__organisation"
    list_display = [
        "participant",
        "scope",
        "given_by",
        "relation",
        "given_on",
        "revoked_on",
    ]
    list_filter = ["scope", "relation", "participant__organisation"]
    search_fields = ["participant__search_text", "given_by"]
    list_select_related = ["participant"]
    autocomplete_fields = ["participant"]
    date_hierarchy = "given_on"


@admin.register(models.MentorStatusChange)
class MentorStatusChangeAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "mentor__participant__organisation"
    list_display = ["mentor", "status_from", "status_to", "changed_by", "changed_at"]
    list_filter = ["status_to"]
    list_select_related = ["mentor__participant", "changed_by"]


@admin.register(models.MentorTraining)
class MentorTrainingAdmin(OrganisationScopedAdmin, admin.ModelAdmin):
    organisation_path = "mentor__participant__organisation"
    list_display = ["title", "mentor", "provider", "completed_on", "hours"]
    search_fields = ["title", "mentor__participant__search_text"]
    list_select_related = ["mentor__participant"]
    autocomplete_fields = ["mentor"]


@admin.register(models.AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Append-only: nobody adds, changes or deletes a row, not even a superuser."""

    list_display = [
        "at",
        "user_name",
        "action",
        "description",
        "participant_name",
        "ip_address",
    ]
    list_filter = ["action", "organisation"]
    search_fields = ["user_name", "description", "participant_name"]
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
