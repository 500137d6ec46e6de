from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self):
        from monitoring import exports  # noqa: F401 - registers the report exporter
