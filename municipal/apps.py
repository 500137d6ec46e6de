from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MunicipalConfig(AppConfig):
    """The municipal tier (seed 001): the coordinator's roll-up of the organisations
    of a municipality, the implementation checklist, the shared mentor bank, the
    collection of best practices, the municipality's indicators with their frozen
    roll-ups, and the report a committee sends to the region."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "municipal"
    verbose_name = _("Municipal tier")

    def ready(self):
        from municipal import exports  # noqa: F401  (registers the exporters)
