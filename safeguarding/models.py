"""The confidential tier of the social-risk form (seed 002, lines 360–400); the
access log that records every read and change of it is `people.AccessLog` (the
tier is read on pages of every app, all of which stand on people).

The records belong to a pupil (`people.Participant`); who may see them is decided by
`people.access.sees_social_risk_of` and `safeguarding.access`, never here.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.lib.files import validate_evidence_field
from people.models import Participant

validate_scan = validate_evidence_field  # the name migration 0001 refers to


def _short_date(day) -> str:
    return date_format(day, "d.m.Y") if day else "—"


class Record(models.Model):
    """Common fields: the pupil and who wrote the record when."""

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("pupil"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # The date that names the record in lists and in the access log.
    date_field = "created_at"
    # Never enumerated outside this app (people.admin.PeopleDeletionMixin).
    confidential_record = True

    class Meta:
        abstract = True

    def __str__(self):
        return self.log_label()

    @property
    def record_date(self):
        return getattr(self, self.date_field)

    def log_label(self) -> str:
        """How the access log names the record: its kind, date and the pupil —
        never its contents."""
        return gettext("%(what)s of %(date)s, %(name)s") % {
            "what": str(self._meta.verbose_name).capitalize(),
            "date": _short_date(self.record_date),
            "name": self.participant.short_name,
        }


class DiagnosticsSource(models.TextChoices):
    CLASS_TEACHER = "class_teacher", _("class teacher")
    SUBJECT_TEACHERS = "subject_teachers", _("subject teachers")
    SOCIAL_SERVICE = "social_service", _("social and psychological service")
    PSYCHOLOGIST = "psychologist", _("educational psychologist")
    ADMINISTRATION = "administration", _("school administration")
    PUPIL = "pupil", _("the pupil")
    PARENTS = "parents", _("parents")
    RELATIVES = "relatives", _("relatives")
    NEIGHBOURS = "neighbours", _("neighbours")


class SocialDiagnostics(Record):
    """«Проведение социальной диагностики»: information about the pupil and the
    family gathered to find the problems."""

    conducted_on = models.DateField(_("date"))
    sources = models.JSONField(
        _("sources consulted"),
        default=list,
        blank=True,
        help_text=_("Whom the information was gathered from."),
    )
    other_sources = models.CharField(_("other sources"), max_length=500, blank=True)
    family_situation = models.TextField(_("family situation"), blank=True)
    problems = models.TextField(_("problems found"))
    conclusion = models.TextField(_("conclusion"), blank=True)

    date_field = "conducted_on"

    class Meta:
        verbose_name = _("social diagnostics")
        verbose_name_plural = _("social diagnostics")
        ordering = ["-conducted_on", "-pk"]

    def clean(self):
        unknown = set(self.sources or []) - set(DiagnosticsSource.values)
        if unknown:
            raise ValidationError({"sources": _("Choose sources from the list.")})

    def source_labels(self) -> list[str]:
        labels = dict(DiagnosticsSource.choices)
        names = [str(labels[code]) for code in self.sources or [] if code in labels]
        if self.other_sources:
            names.append(self.other_sources)
        return names


class RehabilitationProgramme(Record):
    """«Индивидуальная программа реабилитации» of the pupil or of the family."""

    class Target(models.TextChoices):
        PUPIL = "pupil", _("for the pupil")
        FAMILY = "family", _("for the family")

    target = models.CharField(
        _("drawn up"), max_length=10, choices=Target.choices, default="pupil"
    )
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    goals = models.TextField(_("goals and tasks"))
    methods = models.TextField(_("forms and methods of work"))

    date_field = "starts_on"

    class Meta:
        verbose_name = _("individual rehabilitation programme")
        verbose_name_plural = _("individual rehabilitation programmes")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="sg_programme_ends_after_start",
                violation_error_message=_("The end cannot be before the start."),
            ),
        ]

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end cannot be before the start.")})


class RehabilitationActivity(models.Model):
    """A concrete activity of a programme with its deadline («сроки проведения
    конкретных мероприятий»)."""

    confidential_record = True

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    programme = models.ForeignKey(
        RehabilitationProgramme,
        verbose_name=_("rehabilitation programme"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    activity = models.CharField(_("activity"), max_length=1000)
    deadline = models.DateField(_("deadline"))
    responsible = models.CharField(_("responsible"), max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default="planned"
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("activity of the programme")
        verbose_name_plural = _("activities of the programme")
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False),
                name="sg_activity_done_has_date",
                violation_error_message=_("Enter the date the activity was done."),
            ),
            models.CheckConstraint(
                condition=Q(status="done") | Q(done_on__isnull=True),
                name="sg_activity_date_only_when_done",
                violation_error_message=_(
                    "A date of completion is only for a done activity."
                ),
            ),
        ]

    def __str__(self):
        return self.log_label()

    @property
    def participant(self):
        return self.programme.participant

    @property
    def record_date(self):
        return self.deadline

    def log_label(self) -> str:
        return gettext("%(what)s of %(date)s, %(name)s") % {
            "what": str(self._meta.verbose_name).capitalize(),
            "date": _short_date(self.deadline),
            "name": self.programme.participant.short_name,
        }

    def clean(self):
        if self.status == self.Status.DONE and not self.done_on:
            raise ValidationError(
                {"done_on": _("Enter the date the activity was done.")}
            )
        if self.status != self.Status.DONE and self.done_on:
            raise ValidationError(
                {"done_on": _("A date of completion is only for a done activity.")}
            )


class HomeVisitAct(Record):
    """«Акт обследования жилищно-бытовых условий» written after a visit to the
    family («рейд в семью»)."""

    visited_on = models.DateField(_("date of the visit"))
    address = models.CharField(_("address"), max_length=500)
    visitors = models.CharField(_("visited by"), max_length=1000)
    present = models.CharField(_("present at the visit"), max_length=1000, blank=True)
    living_conditions = models.TextField(_("living conditions"))
    study_place = models.CharField(_("place to study"), max_length=500, blank=True)
    sleeping_place = models.CharField(_("place to sleep"), max_length=500, blank=True)
    food = models.CharField(_("food"), max_length=500, blank=True)
    clothing = models.CharField(_("clothes and footwear"), max_length=500, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    scan = models.FileField(
        _("scan of the signed act"),
        upload_to="safeguarding/acts/%Y/",
        blank=True,
        validators=[validate_scan],
        help_text=_("PDF, JPG, PNG, DOCX or XLSX, up to 5 MB."),
    )

    date_field = "visited_on"

    class Meta:
        verbose_name = _("act of inspection of living conditions")
        verbose_name_plural = _("acts of inspection of living conditions")
        ordering = ["-visited_on", "-pk"]


class FamilyCategory(models.TextChoices):
    LARGE = "large", _("large family")
    SINGLE_PARENT = "single_parent", _("single-parent family")
    LOW_INCOME = "low_income", _("low-income family")
    GUARDIANSHIP = "guardianship", _("guardianship family")
    FOSTER = "foster", _("foster family")
    SOCIALLY_DANGEROUS = "sop", _("family in a socially dangerous situation")
    DIFFICULT_SITUATION = "tzhs", _("family in a difficult life situation")


class FamilyCard(Record):
    """«Учетная карта семьи»: one per pupil, kept up to date."""

    class Income(models.TextChoices):
        NOT_KNOWN = "", _("not known")
        BELOW = "below", _("below the subsistence minimum")
        AROUND = "around", _("around the subsistence minimum")
        ABOVE = "above", _("above the subsistence minimum")

    composition = models.TextField(
        _("composition of the family"),
        help_text=_(
            "One person a line: full name, relation, year of birth, occupation."
        ),
    )
    housing = models.TextField(_("housing"), blank=True)
    income = models.CharField(
        _("income"), max_length=10, choices=Income.choices, blank=True
    )
    categories = models.JSONField(_("category of the family"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    date_field = "updated_at"

    class Meta:
        verbose_name = _("family record card")
        verbose_name_plural = _("family record cards")
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                name="sg_one_family_card_per_pupil",
                violation_error_message=_("The pupil already has a family card."),
            ),
        ]

    def clean(self):
        unknown = set(self.categories or []) - set(FamilyCategory.values)
        if unknown:
            raise ValidationError({"categories": _("Choose categories from the list.")})

    def category_labels(self) -> list[str]:
        labels = dict(FamilyCategory.choices)
        return [str(labels[code]) for code in self.categories or [] if code in labels]


class PreventiveWorkEntry(Record):
    """A row of «карта индивидуальной профилактической работы»."""

    class Form(models.TextChoices):
        CONVERSATION = "conversation", _("conversation")
        CONSULTATION = "consultation", _("consultation")
        HOME_VISIT = "home_visit", _("visit to the family")
        COUNCIL = "council", _("prevention council")
        REFERRAL = "referral", _("referral to a specialist")
        LEISURE = "leisure", _("involvement in activities")
        OTHER = "other", _("other")

    held_on = models.DateField(_("date"))
    form_of_work = models.CharField(
        _("form of work"), max_length=20, choices=Form.choices
    )
    content = models.TextField(_("content"))
    result = models.TextField(_("result"), blank=True)
    conducted_by = models.CharField(_("conducted by"), max_length=255)

    date_field = "held_on"

    class Meta:
        verbose_name = _("preventive work entry")
        verbose_name_plural = _("card of individual preventive work")
        ordering = ["-held_on", "-pk"]


class PreventionRegistration(Record):
    """Registration on a prevention register: ВШК, КДН и ЗП, ПДН."""

    class Register(models.TextChoices):
        SCHOOL = "vshk", _("in-school register (VShK)")
        COMMISSION = "kdn", _("commission for minors (KDN i ZP)")
        POLICE = "pdn", _("juvenile police unit (PDN)")

    register = models.CharField(_("register"), max_length=10, choices=Register.choices)
    registered_on = models.DateField(_("put on the register"))
    grounds = models.TextField(_("grounds"))
    decision_number = models.CharField(_("decision No."), max_length=100, blank=True)
    removed_on = models.DateField(_("taken off the register"), null=True, blank=True)
    removal_grounds = models.TextField(_("grounds for taking off"), blank=True)

    date_field = "registered_on"

    class Meta:
        verbose_name = _("prevention registration")
        verbose_name_plural = _("prevention registrations")
        ordering = ["-registered_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True)
                | Q(removed_on__gte=F("registered_on")),
                name="sg_registration_removed_after_registered",
                violation_error_message=_(
                    "The pupil cannot be taken off the register before being put on it."
                ),
            ),
        ]

    @property
    def is_active(self) -> bool:
        return self.removed_on is None

    def clean(self):
        if (
            self.removed_on
            and self.registered_on
            and self.removed_on < self.registered_on
        ):
            raise ValidationError(
                {
                    "removed_on": _(
                        "The pupil cannot be taken off the register before "
                        "being put on it."
                    )
                }
            )


class ConcernQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Concern.Status.OPEN)

    def for_organisation(self, organisation):
        return self.filter(pair__programme__organisation=organisation)


class Concern(models.Model):
    """«Сообщить о проблеме»: a participant of a pair (its mentor, a mentee with a
    login) or a legal representative (recorded by the curator on their behalf)
    tells the school something is wrong in the pair. Raising it pauses the pair's
    reminders and alerts the programme's curators; the curator resolves it with a
    comment. Seen only by the curator, head, social pedagogue, psychologist and the
    reporter (`safeguarding.concern_access`); never deleted: the pair's history."""

    class Status(models.TextChoices):
        OPEN = "open", _("under review")
        RESOLVED = "resolved", _("resolved")

    class Reporter(models.TextChoices):
        MENTOR = "mentor", _("the mentor")
        MENTEE = "mentee", _("the mentee")
        REPRESENTATIVE = "representative", _("a legal representative")

    pair = models.ForeignKey(
        "pairs.Pair",
        verbose_name=_("pair or group"),
        on_delete=models.PROTECT,
        related_name="concerns",
    )
    reporter = models.CharField(_("raised by"), max_length=20, choices=Reporter.choices)
    representative_name = models.CharField(
        _("legal representative (full name)"), max_length=255, blank=True
    )
    text = models.TextField(_("what is wrong"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    paused_reminders = models.BooleanField(
        _("paused the reminders"), default=False, editable=False
    )
    resolution = models.TextField(_("how it was resolved"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        verbose_name = _("concern about a pair")
        verbose_name_plural = _("concerns about pairs")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="sg_concern_has_text"),
            models.CheckConstraint(
                condition=Q(status="open")
                | (~Q(resolution="") & Q(resolved_at__isnull=False)),
                name="sg_concern_resolved_with_comment",
                violation_error_message=_("A resolved concern needs a comment."),
            ),
            models.CheckConstraint(
                condition=~Q(reporter="representative") | ~Q(representative_name=""),
                name="sg_concern_names_representative",
                violation_error_message=_("Name the legal representative."),
            ),
        ]

    def __str__(self):
        return gettext("Concern of %(date)s about %(pair)s") % {
            "date": _short_date(timezone.localtime(self.raised_at).date()),
            "pair": self.pair,
        }

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
