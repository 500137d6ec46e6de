"""The admin scoped to the user's organisations.

A superuser sees and edits everything. An active staff user who is head, deputy
or curator of an organisation (`Membership` with a role of `MANAGER_ROLES` and an
organisation) uses the admin for the rows of *their* organisations only:

* `OrganisationScopedAdmin.organisation_path` is the lookup from the admin's model
  to its organisation ("organisation", "participant__organisation",
  "pair__programme__organisation", "pk" for the organisation itself). The
  changelist, the change page (another organisation's object is «not found»), the
  actions and the object permissions all go through it.
* no path: the admin is a catalogue or a template (`staff_view_only`: read-only
  for staff) or the superuser's own (no `staff_view_only`: hidden from staff).
* `staff_view_only` with a path: staff read their organisations' rows only
  (users and memberships: roles decide access, so they are granted on the site).
* `shared_when_null`: rows without an organisation (questionnaires shipped with
  the product) are shown read-only next to the organisation's own.
* foreign keys and many-to-many fields to an organisation-bound model offer only
  the rows of the user's organisations (`RELATED_PATHS`); a foreign key to the
  organisation itself becomes required, so nothing is created outside them.
* the social-risk tier: a user without a role of `SOCIAL_RISK_ROLES` in every
  organisation they manage gets neither `social_risk_fields` nor the rows of the
  tier (`mentoring.tier.tier_condition` of the model, or `social_risk_rows`): not
  in changelists, change, history or delete pages, choices of relations or list
  filters; a many-to-many value they were not shown is kept when they save.

Inlines follow their parent's object permissions (`ScopedInline`).
"""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q

from mentoring.tier import tier_condition

# The lookup from a related model (by label) to its organisation: the choices of
# a foreign key or a many-to-many field to it are limited through it.
RELATED_PATHS = {
    "mentoring.Organisation": "pk",
    "mentoring.Programme": "organisation",
    "people.Participant": "organisation",
    "people.StudyGroup": "organisation",
    "people.MentorProfile": "participant__organisation",
    "people.MenteeProfile": "participant__organisation",
    "people.User": "memberships__organisation",
    "pairs.Pair": "programme__organisation",
    "pairs.Meeting": "programme__organisation",
    "monitoring.Campaign": "programme__organisation",
    "monitoring.Questionnaire": "organisation",
}
SHARED_WHEN_NULL = {"monitoring.Questionnaire"}


def managed_organisation_ids(request) -> frozenset[int]:
    """The organisations the user heads, deputises or curates (cached on the
    request); empty for an inactive or non-staff user."""
    cached = getattr(request, "_admin_organisation_ids", None)
    if cached is not None:
        return cached
    from people.access import MANAGER_ROLES
    from people.models import Membership

    user = request.user
    ids = frozenset()
    if user.is_authenticated and user.is_active and user.is_staff:
        ids = frozenset(
            Membership.objects.filter(
                user=user, role__in=MANAGER_ROLES, organisation__isnull=False
            ).values_list("organisation_id", flat=True)
        )
    request._admin_organisation_ids = ids
    return ids


def is_superuser(request) -> bool:
    return request.user.is_active and request.user.is_superuser


def may_use_admin(request) -> bool:
    """`admin.site.has_permission`: active staff who are superusers or managers of
    some organisation."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    return user.is_superuser or bool(managed_organisation_ids(request))


def hides_social_risk(request) -> bool:
    """True unless the user is a superuser or holds a social-risk role in every
    organisation they manage (a deputy of A and curator of B sees it nowhere)."""
    if is_superuser(request):
        return False
    cached = getattr(request, "_admin_hides_social_risk", None)
    if cached is not None:
        return cached
    from people.access import SOCIAL_RISK_ROLES
    from people.models import Membership

    managed = managed_organisation_ids(request)
    seeing = set(
        Membership.objects.filter(
            user=request.user,
            role__in=SOCIAL_RISK_ROLES,
            organisation_id__in=managed,
        ).values_list("organisation_id", flat=True)
    )
    hidden = not managed or seeing != set(managed)
    request._admin_hides_social_risk = hidden
    return hidden


def scope(queryset, path: str, request, *, shared_when_null: bool = False):
    """The rows of `queryset` whose `path` leads to one of the user's
    organisations (through a subquery: a path over a reverse relation gives no
    duplicates)."""
    organisations = managed_organisation_ids(request)
    condition = Q(**{f"{path}__in": organisations})
    if shared_when_null:
        condition |= Q(**{f"{path}__isnull": True})
    inner = queryset.model._default_manager.filter(condition).values("pk")
    return queryset.filter(pk__in=inner)


class ScopedFieldsMixin:
    """Choices of relations limited to the user's organisations, and the
    social-risk fields dropped (shared by model admins and inlines)."""

    social_risk_fields: tuple[str, ...] = ()
    social_risk_rows: Q | None = None

    def _limit_related(self, db_field, request, formfield):
        if formfield is None or is_superuser(request):
            return formfield
        label = db_field.related_model._meta.label
        path = RELATED_PATHS.get(label)
        queryset = getattr(formfield, "queryset", None)
        if path is not None and queryset is not None:
            formfield.queryset = scope(
                queryset, path, request, shared_when_null=label in SHARED_WHEN_NULL
            )
            if label == "mentoring.Organisation" and not db_field.many_to_many:
                formfield.required = True
        condition = tier_condition(db_field.related_model)
        if (
            queryset is not None
            and condition is not None
            and hides_social_risk(request)
        ):
            formfield.queryset = formfield.queryset.exclude(condition)
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return self._limit_related(db_field, request, formfield)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return self._limit_related(db_field, request, formfield)

    def _without_social_risk(self, request, names):
        if not self.social_risk_fields or not hides_social_risk(request):
            return names
        return [
            name
            for name in names
            if (name[0] if isinstance(name, tuple) else name)
            not in self.social_risk_fields
        ]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return self._without_social_risk(request, list(fields))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.social_risk_fields or not hides_social_risk(request):
            return fieldsets
        result = []
        for name, options in fieldsets:
            fields = []
            for field in options.get("fields", ()):
                if isinstance(field, (list, tuple)):
                    field = tuple(f for f in field if f not in self.social_risk_fields)
                    if field:
                        fields.append(field)
                elif field not in self.social_risk_fields:
                    fields.append(field)
            result.append((name, {**options, "fields": fields}))
        return result

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or [])
        if self.social_risk_fields and hides_social_risk(request):
            exclude += list(self.social_risk_fields)
        return exclude or None

    def _social_risk_queryset(self, request, queryset):
        condition = self.social_risk_rows
        if condition is None:
            condition = tier_condition(queryset.model)
        if condition is not None and hides_social_risk(request):
            queryset = queryset.exclude(condition)
        return queryset

    def save_related(self, request, form, formsets, change):
        """Keep the many-to-many values of the tier (a programme's social-risk
        form) that the user was not offered: saving the form must not drop them."""
        kept = {}
        if change and not is_superuser(request) and hides_social_risk(request):
            for field in form.instance._meta.many_to_many:
                condition = tier_condition(field.related_model)
                if condition is not None and field.name in form.cleaned_data:
                    kept[field.name] = list(
                        getattr(form.instance, field.name).filter(condition)
                    )
        super().save_related(request, form, formsets, change)
        for name, rows in kept.items():
            if rows:
                getattr(form.instance, name).add(*rows)


class TierRelatedOnlyFieldListFilter(admin.RelatedOnlyFieldListFilter):
    """The values present in the user's rows, without those of the tier for a
    user who may not see it."""

    def field_choices(self, field, request, model_admin):
        choices = super().field_choices(field, request, model_admin)
        condition = tier_condition(field.related_model)
        if condition is None or is_superuser(request) or not hides_social_risk(request):
            return choices
        hidden = set(
            field.related_model._default_manager.filter(condition).values_list(
                "pk", flat=True
            )
        )
        return [(pk, label) for pk, label in choices if pk not in hidden]


class OrganisationScopedAdmin(ScopedFieldsMixin):
    """Put first among the bases of a `ModelAdmin`; see the module's docstring."""

    organisation_path: str | None = None
    staff_view_only = False
    shared_when_null = False

    # --- who, for what --------------------------------------------------------

    def _is_staff_manager(self, request) -> bool:
        return bool(managed_organisation_ids(request))

    def _staff_reaches(self, request) -> bool:
        """Whether a non-superuser manager reaches this admin at all."""
        return self._is_staff_manager(request) and (
            self.organisation_path is not None or self.staff_view_only
        )

    def _owns(self, request, obj) -> bool:
        """Whether `obj` belongs to one of the user's organisations (a shared row
        without an organisation is not theirs to change)."""
        if obj is None:
            return True
        if self.organisation_path is None or obj.pk is None:
            return False
        return scope(
            self.model._default_manager.filter(pk=obj.pk),
            self.organisation_path,
            request,
        ).exists()

    def _visible(self, request, obj) -> bool:
        if obj is None or self.organisation_path is None:
            return True
        return scope(
            self.model._default_manager.filter(pk=obj.pk),
            self.organisation_path,
            request,
            shared_when_null=self.shared_when_null,
        ).exists()

    # --- the rows -------------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_superuser(request):
            return queryset
        if not self._staff_reaches(request):
            return queryset.none()
        if self.organisation_path is not None:
            queryset = scope(
                queryset,
                self.organisation_path,
                request,
                shared_when_null=self.shared_when_null,
            )
        return self._social_risk_queryset(request, queryset)

    # --- the permissions ------------------------------------------------------

    def has_module_permission(self, request):
        if is_superuser(request):
            return super().has_module_permission(request)
        return self._staff_reaches(request)

    def has_view_permission(self, request, obj=None):
        if is_superuser(request):
            return super().has_view_permission(request, obj)
        return self._staff_reaches(request) and self._visible(request, obj)

    def _staff_may_edit(self, request, obj=None) -> bool:
        return (
            self._staff_reaches(request)
            and not self.staff_view_only
            and self.organisation_path is not None
            and self._owns(request, obj)
        )

    def has_add_permission(self, request, *args, **kwargs):
        if is_superuser(request):
            return super().has_add_permission(request, *args, **kwargs)
        return self._staff_may_edit(request)

    def has_change_permission(self, request, obj=None):
        if is_superuser(request):
            return super().has_change_permission(request, obj)
        return self._staff_may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        if is_superuser(request):
            return super().has_delete_permission(request, obj)
        return self._staff_may_edit(request, obj)

    # django-import-export: importing or exporting a whole base is the
    # superuser's (the site's exports are scoped and logged).
    def has_import_permission(self, request):
        return is_superuser(request) and super().has_import_permission(request)

    def has_export_permission(self, request):
        return is_superuser(request) and super().has_export_permission(request)

    # --- the changelist's filters ---------------------------------------------

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if is_superuser(request):
            return filters
        filters = self._without_social_risk(request, filters)
        # A relation's filter offers only the values present in the user's rows,
        # so no other organisation's names (programmes, campaigns…) are listed.
        result = []
        for item in filters:
            if isinstance(item, str):
                try:
                    field = get_fields_from_path(self.model, item)[-1]
                except (FieldDoesNotExist, AttributeError):
                    field = None
                if field is not None and field.is_relation:
                    item = (item, TierRelatedOnlyFieldListFilter)
            result.append(item)
        return result

    def get_list_display(self, request):
        return self._without_social_risk(
            request, list(super().get_list_display(request))
        )


class ScopedInline(ScopedFieldsMixin):
    """Put first among the bases of an inline: for staff, the inline is read
    with its parent and edited when the parent may be changed (added, on the add
    page)."""

    def _parent_admin(self):
        return self.admin_site._registry.get(self.parent_model)

    def _parent_may(self, request, obj, action: str) -> bool:
        parent = self._parent_admin()
        if parent is None:
            return False
        if action == "view":
            return parent.has_view_permission(request, obj)
        if obj is None:
            return parent.has_add_permission(request)
        return parent.has_change_permission(request, obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_superuser(request):
            return queryset
        return self._social_risk_queryset(request, queryset)

    def has_view_permission(self, request, obj=None):
        if is_superuser(request):
            return super().has_view_permission(request, obj)
        return self._parent_may(request, obj, "view")

    def has_add_permission(self, request, obj=None):
        if is_superuser(request):
            return super().has_add_permission(request, obj)
        return self._parent_may(request, obj, "change")

    def has_change_permission(self, request, obj=None):
        if is_superuser(request):
            return super().has_change_permission(request, obj)
        return self._parent_may(request, obj, "change")

    def has_delete_permission(self, request, obj=None):
        if is_superuser(request):
            return super().has_delete_permission(request, obj)
        return self._parent_may(request, obj, "change")
