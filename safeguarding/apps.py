from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafeguardingConfig(AppConfig):
    """The confidential tier of the social-risk form (seed 002) and its access log."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "safeguarding"
    verbose_name = _("Safeguarding (social-risk form)")

    def ready(self):
        from safeguarding import exports  # noqa: F401  (registers the exporter)
