"""Admin: the records for superusers only (the pages of the app are the place to
work with them, and they log every read); the access log read-only for everyone."""

from django.contrib import admin

from people.audit import log_access
from people.models import AccessLog
from safeguarding import models


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Nobody but a superuser reaches these records in the admin; every opened or
    changed record is logged as on the site."""

    list_display = ["__str__", "created_at"]
    raw_id_fields = ["participant"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_add_permission = has_view_permission

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_delete_permission = has_change_permission

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.is_superuser:
            return queryset.none()
        return queryset.select_related("participant")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                log_access(request, AccessLog.Action.VIEW, obj)
        return response

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        action = AccessLog.Action.UPDATE if change else AccessLog.Action.CREATE
        log_access(request, action, obj)

    def delete_model(self, request, obj):
        log_access(request, AccessLog.Action.DELETE, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ActivityInline(admin.TabularInline):
    model = models.RehabilitationActivity
    extra = 0


for model in (
    models.SocialDiagnostics,
    models.HomeVisitAct,
    models.FamilyCard,
    models.PreventiveWorkEntry,
    models.PreventionRegistration,
):
    admin.site.register(model, SuperuserOnlyAdmin)


@admin.register(models.RehabilitationProgramme)
class RehabilitationProgrammeAdmin(SuperuserOnlyAdmin):
    inlines = [ActivityInline]
