from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "people"
    verbose_name = _("People and bases")

    def ready(self):
        import people.consent_exports  # noqa: F401  (the consent register)
        from people import exports  # noqa: F401  (registers the exporters)
