"""The municipal tier. Every row belongs to a municipality (or to one of its
organisations); who may see it is decided in `municipal/access.py`.

- the implementation checklist of seed 001: the municipality sets a deadline for
  each item (`ChecklistDeadline`), an organisation's curator ticks it with its
  evidence (`ChecklistEntry`), the coordinator accepts it or returns it;
- the shared mentor bank: a curator asks for a mentor of another organisation who
  consented to the bank (`MentorProfile.shared_in_bank`) for one of their mentees
  (`BankRequest`); the mentor's own curator approves (the pair is created in the
  asking organisation's programme) or declines with a reason;
- best practices (`Practice`): a completed pair's or programme's case published to
  the municipality's collection with the publication consent of everyone named;
- the municipality's indicators (`MunicipalIndicator`, targets by year) and the
  roll-ups submitted to the region, frozen as dated snapshots (`RollupSnapshot`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentoring.lib.files import validate_evidence_field
from mentoring.models import (
    MentoringForm,
    Municipality,
    Organisation,
    Programme,
    RoleVariant,
    SchoolYear,
)
from monitoring.models import Computed, Unit
from pairs.models import Pair
from people.models import MenteeProfile, MentorProfile, Participant

validate_evidence = validate_evidence_field  # the name migration 0001 refers to


# --- The implementation checklist (seed 001) -------------------------------------


class ChecklistItem(models.TextChoices):
    """What seed 001 requires of every organisation, in its order."""

    REGULATION_ADOPTED = "regulation_adopted", _("Regulation on mentoring adopted")
    REGULATION_PUBLISHED = (
        "regulation_published",
        _("Regulation published on the organisation's website"),
    )
    CURATOR_APPOINTED = "curator_appointed", _("Curator appointed by an order")
    COUNCIL_CREATED = "council_created", _("Council of mentors created")
    ROADMAP_ADOPTED = "roadmap_adopted", _("Roadmap adopted")
    PROGRAMME_APPROVED = "programme_approved", _("Mentoring programme approved")


class ChecklistDeadline(models.Model):
    """The date by which every organisation of the municipality must have done an
    item (seed 001: the regulation by 1 August 2022, published by 6 August)."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="checklist_deadlines",
    )
    item = models.CharField(_("item"), max_length=30, choices=ChecklistItem.choices)
    due_on = models.DateField(_("deadline"))

    class Meta:
        verbose_name = _("deadline of the checklist")
        verbose_name_plural = _("deadlines of the checklist")
        ordering = ["municipality", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "item"], name="checklist_deadline_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_item_display()}: {self.due_on:%d.%m.%Y}"


class ChecklistEntry(models.Model):
    """An organisation's tick of one item, with its evidence, and the coordinator's
    review of it."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("awaiting review")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned for correction")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="checklist_entries",
    )
    item = models.CharField(_("item"), max_length=30, choices=ChecklistItem.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    done_on = models.DateField(_("date of the document"))
    document = models.CharField(
        _("document"),
        max_length=255,
        blank=True,
        help_text=_("For example «приказ № 45 от 29.08.2025»."),
    )
    link = models.URLField(
        _("link"),
        max_length=500,
        blank=True,
        help_text=_("Where the document is published (the organisation's website)."),
    )
    evidence_file = models.FileField(
        _("evidence file"),
        upload_to="checklist/%Y/",
        blank=True,
        validators=[validate_evidence],
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_comment = models.CharField(
        _("coordinator's comment"), max_length=500, blank=True
    )

    class Meta:
        verbose_name = _("checklist entry")
        verbose_name_plural = _("checklist entries")
        ordering = ["organisation", "item"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "item"], name="checklist_entry_once"
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.get_item_display()}"


# --- The shared mentor bank ----------------------------------------------------------


class BankRequest(models.Model):
    """A curator asks for a mentor of another organisation of the municipality (in
    the bank) for one of their own mentees. The mentor's curator decides; an approved
    request creates the pair in the asking organisation's programme."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting a decision")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")
        CANCELLED = "cancelled", _("withdrawn")

    mentor = models.ForeignKey(
        MentorProfile,
        verbose_name=_("mentor"),
        on_delete=models.CASCADE,
        related_name="bank_requests",
    )
    mentee = models.ForeignKey(
        MenteeProfile,
        verbose_name=_("mentee"),
        on_delete=models.CASCADE,
        related_name="bank_requests",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("asking organisation"),
        on_delete=models.CASCADE,
        related_name="bank_requests_sent",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="bank_requests",
    )
    form = models.ForeignKey(
        MentoringForm,
        verbose_name=_("form of mentoring"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    role_variant = models.ForeignKey(
        RoleVariant,
        verbose_name=_("role variant"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    message = models.TextField(_("message to the mentor's curator"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    pair = models.OneToOneField(
        Pair,
        verbose_name=_("pair"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bank_request",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("request to the mentor bank")
        verbose_name_plural = _("requests to the mentor bank")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "mentee"],
                condition=Q(status="pending"),
                name="bank_request_one_pending",
                violation_error_message=_(
                    "This mentor has already been requested for this mentee."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(reason=""),
                name="bank_request_declined_with_reason",
                violation_error_message=_("Say why the request is declined."),
            ),
        ]

    def __str__(self):
        return f"{self.mentor} → {self.organisation}"


# --- Best practices ------------------------------------------------------------------


class Practice(models.Model):
    """A case of a completed pair or of a programme in the municipality's
    collection («банк лучших практик»)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="practices",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="practices",
    )
    pair = models.ForeignKey(
        Pair,
        verbose_name=_("pair or group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
        help_text=_("Empty for a case of the whole programme."),
    )
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("in short"))
    body = models.TextField(_("what was done"))
    results = models.TextField(_("results"), blank=True)
    named = models.ManyToManyField(
        Participant,
        verbose_name=_("people named"),
        blank=True,
        related_name="+",
        help_text=_("Everyone named in the case; each needs a consent to publication."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    featured = models.BooleanField(_("featured by the coordinator"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("best practice")
        verbose_name_plural = _("best practices")
        ordering = ["-featured", "-published_at", "-created_at"]

    def __str__(self):
        return self.title


# --- Municipal indicators and frozen roll-ups ---------------------------------------


class MunicipalIndicator(models.Model):
    """One indicator of the municipality's (or region's) own list. A computed one is
    rolled up from the portal's data of every organisation; a reported one is typed
    by each organisation (`OrganisationIndicatorValue`) and summed or averaged."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    number = models.CharField(_("No."), max_length=20, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.TextField(_("indicator"))
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    computed = models.CharField(
        _("computed by the portal"), max_length=30, choices=Computed.choices, blank=True
    )
    source = models.CharField(
        _("source"),
        max_length=255,
        blank=True,
        help_text=_("The regional list or the Concept the indicator comes from."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("municipal indicator")
        verbose_name_plural = _("municipal indicators")
        ordering = ["municipality", "order", "pk"]

    def __str__(self):
        return f"{self.number} {self.name[:60]}".strip()


class MunicipalTarget(models.Model):
    indicator = models.ForeignKey(
        MunicipalIndicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    school_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("school year"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    target = models.DecimalField(_("target"), max_digits=9, decimal_places=2)

    class Meta:
        verbose_name = _("target of a municipal indicator")
        verbose_name_plural = _("targets of municipal indicators")
        ordering = ["indicator", "school_year__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "school_year"], name="municipal_target_once"
            ),
        ]

    def __str__(self):
        return f"{self.indicator} — {self.school_year}"


class OrganisationIndicatorValue(models.Model):
    """An organisation's value of a reported (not computed) municipal indicator."""

    indicator = models.ForeignKey(
        MunicipalIndicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="values",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="municipal_indicator_values",
    )
    school_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("school year"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.DecimalField(_("value"), max_digits=9, decimal_places=2)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation's value of a municipal indicator")
        verbose_name_plural = _("organisations' values of municipal indicators")
        ordering = ["indicator", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "organisation", "school_year"],
                name="organisation_indicator_value_once",
            ),
        ]

    def __str__(self):
        return f"{self.indicator} — {self.organisation}, {self.school_year}"


class RollupSnapshot(models.Model):
    """A roll-up as it was submitted to the region: the figures are copied into
    `data` (JSON) at submission, so later edits never change what was sent."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="snapshots",
    )
    school_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("school year"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=255)
    data = models.JSONField(_("figures"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("submitted roll-up")
        verbose_name_plural = _("submitted roll-ups")
        ordering = ["-submitted_at"]

    def __str__(self):
        return self.title
