from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RolloverConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rollover"
    verbose_name = _("New school year")
