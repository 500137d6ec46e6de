from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pairs"
    verbose_name = _("Pairs and meetings")

    def ready(self):
        from pairs import (  # noqa: F401  (registers the exporters)
            document_exports,
            exports,
            reward_exports,
        )
