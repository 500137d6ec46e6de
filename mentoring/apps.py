from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mentoring"
    verbose_name = _("Organisations and programmes")

    def ready(self):
        from mentoring import exports  # noqa: F401  (registers the exporters)
        from mentoring.lib import sqlite

        connection_created.connect(sqlite.install, dispatch_uid="sqlite-unicode-like")
