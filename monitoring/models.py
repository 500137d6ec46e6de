"""Two-stage monitoring: entry/exit measurements start here; the rest grows later."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mentoring.lib.validators import validate_link
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

    class Source(models.TextChoices):
        GRID = "grid", _("entered")
        IMPORT = "import", _("imported from Excel")
        QUESTIONNAIRE = "questionnaire", _("from a questionnaire")

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
    source = models.CharField(
        _("source"), max_length=15, choices=Source.choices, default=Source.GRID
    )

    history = HistoricalRecords(
        verbose_name=_("history of changes"), cascade_delete_history=True
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


# --- Stage 1: questionnaires («анкеты») -----------------------------------------


class Audience(models.TextChoices):
    """Who answers a questionnaire."""

    MENTEE = "mentee", _("mentees")
    MENTOR = "mentor", _("mentors")
    CURATOR = "curator", _("curator")


class AskedWhen(models.TextChoices):
    """When a questionnaire is asked: at entry as expectations, at exit as results."""

    ENTRY = "entry", _("at entry (expectations)")
    EXIT = "exit", _("at exit (results)")
    OTHER = "other", _("during the programme")


class QuestionnaireQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        """The shipped set (no organisation) and the organisation's own."""
        return self.filter(Q(organisation__isnull=True) | Q(organisation=organisation))

    def current(self):
        return self.filter(superseded_by__isnull=True, is_active=True)


class Questionnaire(models.Model):
    """A questionnaire template («анкета»). The shipped set has no organisation and is
    only copied; an organisation edits its own copies. Once a campaign has answers,
    an edit makes a new version and the old one stays under those answers."""

    organisation = models.ForeignKey(
        "mentoring.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="questionnaires",
        null=True,
        blank=True,
        help_text=_("Empty for the questionnaires shipped with the portal."),
    )
    code = models.SlugField(
        _("code"),
        max_length=60,
        blank=True,
        help_text=_("Set for the shipped questionnaires only."),
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(
        _("text for respondents"),
        blank=True,
        help_text=_("Shown above the questions."),
    )
    audience = models.CharField(
        _("who answers"), max_length=10, choices=Audience.choices
    )
    moment = models.CharField(
        _("when it is asked"),
        max_length=10,
        choices=AskedWhen.choices,
        default=AskedWhen.OTHER,
    )
    form = models.ForeignKey(
        "mentoring.MentoringForm",
        verbose_name=_("form of mentoring"),
        on_delete=models.PROTECT,
        related_name="questionnaires",
        null=True,
        blank=True,
        help_text=_("Empty: suits every form."),
    )
    is_anonymous = models.BooleanField(
        _("anonymous"),
        default=False,
        help_text=_("Answers are stored without the name of the respondent."),
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        on_delete=models.SET_NULL,
        related_name="copies",
        null=True,
        blank=True,
    )
    superseded_by = models.OneToOneField(
        "self",
        verbose_name=_("replaced by version"),
        on_delete=models.SET_NULL,
        related_name="previous_version",
        null=True,
        blank=True,
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["audience", "moment", "title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(organisation__isnull=True) & ~Q(code=""),
                name="questionnaire_shipped_code",
            ),
        ]

    def __str__(self):
        if self.version > 1:
            return f"{self.title} (v{self.version})"
        return self.title

    @property
    def is_shipped(self) -> bool:
        return self.organisation_id is None


class Question(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("open answer")
        SINGLE = "single", _("one option")
        MULTIPLE = "multiple", _("several options")
        SCALE = "scale", _("scale")

    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    section = models.CharField(
        _("section"),
        max_length=255,
        blank=True,
        help_text=_("Questions with the same section are shown under one heading."),
    )
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("hint"), max_length=500, blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    is_required = models.BooleanField(_("required"), default=True)
    options = models.TextField(
        _("options"),
        blank=True,
        help_text=_("One option per line (for questions with options)."),
    )
    scale_max = models.PositiveSmallIntegerField(
        _("scale up to"),
        null=True,
        blank=True,
        help_text=_("5 or 10; the scale starts at 1."),
    )
    topic = models.SlugField(
        _("topic"),
        max_length=60,
        blank=True,
        help_text=_(
            "The same topic in the entry and the exit questionnaire compares "
            "expectations with results (e.g. comfort, usefulness)."
        ),
    )
    parameter = models.ForeignKey(
        Parameter,
        verbose_name=_("records the parameter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        help_text=_(
            "A scale answer to this question is recorded as the respondent's entry or "
            "exit value of the parameter (not for anonymous questionnaires)."
        ),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="scale") | Q(scale_max__in=[5, 10]),
                name="question_scale_5_or_10",
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]


# --- Campaigns and answers ----------------------------------------------------------


class Campaign(models.Model):
    """A questionnaire launched for a programme: for all its pairs, the pairs of one
    form, or chosen pairs, open between two dates."""

    class Scope(models.TextChoices):
        ALL = "all", _("all pairs of the programme")
        FORM = "form", _("pairs of one form")
        PAIRS = "pairs", _("chosen pairs")

    programme = models.ForeignKey(
        "mentoring.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="campaigns",
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    title = models.CharField(_("title"), max_length=255)
    scope = models.CharField(
        _("who is asked"), max_length=10, choices=Scope.choices, default=Scope.ALL
    )
    form = models.ForeignKey(
        "mentoring.MentoringForm",
        verbose_name=_("form of mentoring"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    pairs = models.ManyToManyField(
        Pair, verbose_name=_("pairs and groups"), blank=True, related_name="campaigns"
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    school_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("school year"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("launched by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire campaign")
        verbose_name_plural = _("questionnaire campaigns")
        ordering = ["-opens_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="campaign_dates_order",
            ),
            models.CheckConstraint(
                condition=~Q(scope="form") | Q(form__isnull=False),
                name="campaign_form_scope_has_form",
            ),
        ]

    def __str__(self):
        return self.title

    def is_open(self, on=None) -> bool:
        from datetime import date

        on = on or date.today()
        return self.opens_on <= on <= self.closes_on


class Invitation(models.Model):
    """One person asked in a campaign, with a personal one-time link. Answering marks
    the invitation used; for an anonymous questionnaire the answer itself keeps no
    link back to it."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="invitations",
        null=True,
        blank=True,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="invitations",
        null=True,
        blank=True,
        help_text=_("For the curator's questionnaire: the curator asked."),
    )
    pair = models.ForeignKey(
        Pair,
        verbose_name=_("pair or group"),
        on_delete=models.CASCADE,
        related_name="invitations",
        null=True,
        blank=True,
    )
    token = models.CharField(_("link key"), max_length=64, unique=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    reminded_on = models.DateField(_("last reminded on"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation to answer")
        verbose_name_plural = _("invitations to answer")
        ordering = ["campaign", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "participant"],
                condition=Q(participant__isnull=False),
                name="invitation_once_per_participant",
            ),
            models.UniqueConstraint(
                fields=["campaign", "user"],
                condition=Q(user__isnull=False),
                name="invitation_once_per_user",
            ),
            models.CheckConstraint(
                condition=Q(participant__isnull=False) | Q(user__isnull=False),
                name="invitation_has_someone",
            ),
        ]

    def __str__(self):
        return f"{self.campaign}: {self.participant or self.user}"


class Response(models.Model):
    """A filled questionnaire. For an anonymous questionnaire only the campaign, the
    role (the questionnaire's audience, the same for all) and the answers are kept:
    no invitation, participant, pair, form, date or way of answering, since the
    curator sees who answered on which day in which pair and form, and any of these
    would join the answer back to one pupil."""

    class Via(models.TextChoices):
        WORKSPACE = "workspace", _("in the workspace")
        LINK = "link", _("by a personal link")

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    invitation = models.OneToOneField(
        Invitation,
        verbose_name=_("invitation"),
        on_delete=models.SET_NULL,
        related_name="response",
        null=True,
        blank=True,
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("respondent"),
        on_delete=models.SET_NULL,
        related_name="questionnaire_responses",
        null=True,
        blank=True,
    )
    pair = models.ForeignKey(
        Pair,
        verbose_name=_("pair or group"),
        on_delete=models.SET_NULL,
        related_name="questionnaire_responses",
        null=True,
        blank=True,
    )
    role = models.CharField(
        _("respondent's role"), max_length=10, choices=Audience.choices
    )
    form = models.ForeignKey(
        "mentoring.MentoringForm",
        verbose_name=_("form of mentoring"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    via = models.CharField(
        _("answered"), max_length=10, choices=Via.choices, blank=True
    )

    class Meta:
        verbose_name = _("filled questionnaire")
        verbose_name_plural = _("filled questionnaires")
        # No ordering by creation: anonymous answers must not line up with invitations.
        ordering = ["campaign", "role", "form"]
        constraints = [
            models.CheckConstraint(
                condition=Q(submitted_on__isnull=False)
                | Q(
                    invitation__isnull=True,
                    participant__isnull=True,
                    pair__isnull=True,
                    form__isnull=True,
                    via="",
                ),
                name="response_undated_keeps_no_link",
            ),
        ]

    def __str__(self):
        return f"{self.campaign} — {self.get_role_display()}"


class Answer(models.Model):
    response = models.ForeignKey(
        Response,
        verbose_name=_("filled questionnaire"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        on_delete=models.PROTECT,
        related_name="answers",
    )
    text = models.TextField(_("text answer"), blank=True)
    number = models.PositiveSmallIntegerField(_("scale answer"), null=True, blank=True)
    choices = models.JSONField(_("chosen options"), default=list, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "question__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_once_per_question"
            ),
        ]

    def __str__(self):
        return str(self.question)


# --- Stage 1 result: SWOT ------------------------------------------------------


class Swot(models.Model):
    """The SWOT analysis of a programme for a school year: drafted from the data,
    then edited by the curator."""

    programme = models.ForeignKey(
        "mentoring.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="swots",
    )
    school_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("school year"),
        on_delete=models.PROTECT,
        related_name="swots",
    )
    conclusion = models.TextField(_("conclusions"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("SWOT analysis")
        verbose_name_plural = _("SWOT analyses")
        ordering = ["-school_year__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "school_year"], name="swot_once_per_year"
            ),
        ]

    def __str__(self):
        return f"SWOT: {self.programme} ({self.school_year})"


class SwotPoint(models.Model):
    class Quadrant(models.TextChoices):
        STRENGTH = "S", _("strengths")
        WEAKNESS = "W", _("weaknesses")
        OPPORTUNITY = "O", _("opportunities")
        THREAT = "T", _("threats")

    swot = models.ForeignKey(
        Swot,
        verbose_name=_("SWOT analysis"),
        on_delete=models.CASCADE,
        related_name="points",
    )
    quadrant = models.CharField(_("quadrant"), max_length=1, choices=Quadrant.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("point"))
    evidence_label = models.CharField(_("evidence"), max_length=255, blank=True)
    evidence_url = models.CharField(
        _("evidence link"),
        max_length=500,
        blank=True,
        validators=[validate_link],
        help_text=_("A page of the portal (/…) or an http(s) address."),
    )
    kind = models.SlugField(
        _("drafted from"),
        max_length=40,
        blank=True,
        help_text=_("Empty for a point the curator wrote."),
    )

    class Meta:
        verbose_name = _("SWOT point")
        verbose_name_plural = _("SWOT points")
        ordering = ["swot", "quadrant", "order", "pk"]

    def __str__(self):
        return self.text[:80]


# --- Target indicators («целевые индикаторы») -----------------------------------


class Unit(models.TextChoices):
    PIECES = "ед.", _("pcs (ед.)")
    PEOPLE = "чел.", _("people (чел.)")
    PERCENT = "%", "%"


class Computed(models.TextChoices):
    """Indicators the app fills from its own data (see monitoring/indicators.py)."""

    PUPILS_SHARE = "pupils_share", _("share of pupils in mentoring")
    YOUNG_TEACHERS_SHARE = (
        "young_teachers_share",
        _("share of young teachers (0–3 years) with a mentor"),
    )
    PAIRS = "pairs", _("pairs and groups formed")
    COMPLETED_SHARE = "completed_share", _("share of pairs completed")
    TERMINATED_SHARE = "terminated_share", _("share of pairs terminated early")
    SATISFACTION = "satisfaction", _("mean satisfaction")
    MEETINGS_PER_PAIR = "meetings_per_pair", _("meetings per pair")
    MENTORS = "mentors", _("mentors working in pairs")


class IndicatorTemplateManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class IndicatorTemplate(models.Model):
    """A ready list of indicators (seed 004's 19, the app's computed ones)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=255)
    source = models.CharField(_("source"), max_length=500, blank=True)

    objects = IndicatorTemplateManager()

    class Meta:
        verbose_name = _("indicator template")
        verbose_name_plural = _("indicator templates")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class IndicatorTemplateItemManager(models.Manager):
    def get_by_natural_key(self, template_code, number):
        return self.get(template__code=template_code, number=number)


class IndicatorTemplateItem(models.Model):
    template = models.ForeignKey(
        IndicatorTemplate,
        verbose_name=_("indicator template"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    group = models.CharField(_("task"), max_length=500, blank=True)
    number = models.CharField(_("No."), max_length=20)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.TextField(_("indicator"))
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    computed = models.CharField(
        _("computed by the portal"), max_length=30, choices=Computed.choices, blank=True
    )
    target = models.DecimalField(
        _("target"), max_digits=9, decimal_places=2, null=True, blank=True
    )

    objects = IndicatorTemplateItemManager()

    class Meta:
        verbose_name = _("row of an indicator template")
        verbose_name_plural = _("rows of the indicator template")
        ordering = ["template", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="indicator_template_item_number"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.name[:60]}"

    def natural_key(self):
        return (*self.template.natural_key(), self.number)

    natural_key.dependencies = ["monitoring.indicatortemplate"]


class Indicator(models.Model):
    programme = models.ForeignKey(
        "mentoring.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    group = models.CharField(_("task"), max_length=500, blank=True)
    number = models.CharField(_("No."), max_length=20, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.TextField(_("indicator"))
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    computed = models.CharField(
        _("computed by the portal"), max_length=30, choices=Computed.choices, blank=True
    )

    class Meta:
        verbose_name = _("target indicator")
        verbose_name_plural = _("target indicators")
        ordering = ["programme", "order", "pk"]

    def __str__(self):
        return f"{self.number} {self.name[:60]}".strip()


class IndicatorValue(models.Model):
    """Baseline, target and actual of an indicator in one school year. The actual of a
    computed indicator is filled by the portal, not typed."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="values",
    )
    school_year = models.ForeignKey(
        SchoolYear,
        verbose_name=_("school year"),
        on_delete=models.PROTECT,
        related_name="indicator_values",
    )
    baseline = models.DecimalField(
        _("baseline"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(
        _("target"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    actual = models.DecimalField(
        _("actual"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "school_year__starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "school_year"],
                name="indicator_value_once_per_year",
            ),
        ]

    def __str__(self):
        return f"{self.indicator} — {self.school_year}"
