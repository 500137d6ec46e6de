"""A run of «новый учебный год» for an organisation: what it did, and enough to
undo it exactly until the new year's first change."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentoring.models import Organisation, SchoolYear


class RolloverQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def live(self):
        return self.filter(status=Rollover.Status.DONE)


class Rollover(models.Model):
    class Status(models.TextChoices):
        DONE = "done", _("done")
        UNDONE = "undone", _("undone")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="rollovers",
    )
    ending_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("ending school year"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    new_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("new school year"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_grade = models.PositiveSmallIntegerField(_("last grade or course"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DONE
    )
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("performed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    performed_at = models.DateTimeField(_("performed at"))
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    # Counts shown on the page: classes moved, leavers, pairs completed, …
    summary = models.JSONField(_("summary"), default=dict)
    # `rollover.snapshot.difference` of the run, and the id watermarks after it.
    changes = models.JSONField(_("changes"), default=dict)
    watermarks = models.JSONField(_("highest ids after the run"), default=dict)

    objects = RolloverQuerySet.as_manager()

    class Meta:
        verbose_name = _("new school year")
        verbose_name_plural = _("new school years")
        ordering = ["-performed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "ending_year"],
                condition=Q(status="done"),
                name="rollover_once_per_year",
                violation_error_message=_(
                    "This school year has already been closed for the organisation."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.ending_year} → {self.new_year}"

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.DONE
