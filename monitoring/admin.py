from django.contrib import admin

from mentoring.admin import CatalogueAdmin
from monitoring import models


@admin.register(models.Parameter)
class ParameterAdmin(CatalogueAdmin):
    list_display = ["name", "unit", "scale_min", "scale_max", "direction", "audience"]
    list_filter = ["direction", "audience"]
    list_editable = []


@admin.register(models.Measurement)
class MeasurementAdmin(admin.ModelAdmin):
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
