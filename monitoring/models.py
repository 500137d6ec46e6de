"""Two-stage monitoring: entry/exit measurements start here; the rest grows later."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentoring.models import CatalogueItem, SchoolYear
from pairs.models import Pair
from people.models import Participant


class Parameter(CatalogueItem):
    """A parameter measured at entry and at exit (вовлеченность, тревожность, …)."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("higher is better")
        LOWER = "lower", _("lower is better")

    class Audience(models.TextChoices):
        MENTEES = "mentees", _("mentees")
        TEACHERS = "teachers", _("teachers")
        ALL = "all", _("all participants")

    unit = models.CharField(_("unit"), max_length=50, blank=True)
    scale_min = models.DecimalField(_("scale from"), max_digits=7, decimal_places=2)
    scale_max = models.DecimalField(_("scale to"), max_digits=7, decimal_places=2)
    direction = models.CharField(
        _("direction"),
        max_length=10,
        choices=Direction.choices,
        default=Direction.HIGHER,
    )
    audience = models.CharField(
        _("measured for"), max_length=10, choices=Audience.choices, default=Audience.ALL
    )

    class Meta(CatalogueItem.Meta):
        verbose_name = _("measured parameter")
        verbose_name_plural = _("measured parameters")
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_max__gt=models.F("scale_min")),
                name="parameter_scale_order",
            ),
        ]


class Measurement(models.Model):
    class Moment(models.TextChoices):
        ENTRY = "entry", _("entry")
        EXIT = "exit", _("exit")

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="measurements",
    )
    pair = models.ForeignKey(
        Pair,
        verbose_name=_("pair or group"),
        on_delete=models.CASCADE,
        related_name="measurements",
    )
    parameter = models.ForeignKey(
        Parameter,
        verbose_name=_("parameter"),
        on_delete=models.PROTECT,
        related_name="measurements",
    )
    moment = models.CharField(_("when"), max_length=10, choices=Moment.choices)
    value = models.DecimalField(_("value"), max_digits=7, decimal_places=2)
    measured_on = models.DateField(_("measured on"))
    school_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("school year"),
        on_delete=models.PROTECT,
        related_name="measurements",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["participant__search_text", "parameter__order", "moment"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "pair", "parameter", "moment"],
                name="measurement_unique_moment",
            ),
        ]

    def __str__(self):
        return f"{self.participant}: {self.parameter} ({self.get_moment_display()})"
