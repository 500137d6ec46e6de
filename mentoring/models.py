"""Organisations, programmes and the reference catalogues of the target model.

Catalogues (forms, role variants, ways, meeting types, stages, categories) are rows
loaded from `fixtures/catalogues.json`, so a school can extend them in the admin.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class CatalogueManager(models.Manager):
    """Catalogue rows are addressed by their stable `code` in fixtures."""

    def get_by_natural_key(self, code):
        return self.get(code=code)


class CatalogueItem(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=255)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = CatalogueManager()

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=255, unique=True)
    region = models.CharField(_("region"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganisationQuerySet(models.QuerySet):
    def for_user(self, user):
        if user.is_superuser:
            return self
        return self.filter(memberships__user=user).distinct()


class Organisation(models.Model):
    class Kind(models.TextChoices):
        SCHOOL = "school", _("general education school")
        COLLEGE = "college", _("college (vocational education)")
        KINDERGARTEN = "kindergarten", _("kindergarten (preschool)")
        ADDITIONAL = "additional", _("additional education organisation")

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    name = models.CharField(_("full name"), max_length=500)
    short_name = models.CharField(_("short name"), max_length=255)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=500, blank=True)
    head_name = models.CharField(_("head (full name)"), max_length=255, blank=True)
    head_title = models.CharField(
        _("head's position"), max_length=255, blank=True, default="Директор"
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["short_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "short_name"],
                name="organisation_unique_short_name",
            ),
        ]

    def __str__(self):
        return self.short_name


class SchoolYear(models.Model):
    """1 September – 31 August; pairs, measurements and indicators report per year."""

    title = models.CharField(_("title"), max_length=20, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="school_year_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    @staticmethod
    def bounds_for(day: date) -> tuple[date, date]:
        start_year = day.year if day.month >= 9 else day.year - 1
        return date(start_year, 9, 1), date(start_year + 1, 8, 31)

    @classmethod
    def for_date(cls, day: date) -> "SchoolYear":
        starts_on, ends_on = cls.bounds_for(day)
        year, _created = cls.objects.get_or_create(
            starts_on=starts_on,
            defaults={
                "title": f"{starts_on.year}/{ends_on.year}",
                "ends_on": ends_on,
            },
        )
        return year


# --- Catalogues -----------------------------------------------------------

PARTICIPANT_NAME_HELP = _(
    "Shown to mentees and mentors, and printed on a pair's journal and plan, "
    "instead of the official name. It must not describe the mentee as "
    "deficient nor name the social-risk tier; only the staff of the "
    "organisation see the official name."
)


class MentoringForm(CatalogueItem):
    """«Форма наставничества»: ученик – ученик, учитель – учитель, …"""

    class Audience(models.TextChoices):
        PUPILS = "pupils", _("pupils and students")
        TEACHERS = "teachers", _("teachers")

    mentor_description = models.TextField(_("who mentors"), blank=True)
    mentee_description = models.TextField(_("who is mentored"), blank=True)
    goal = models.TextField(_("goal"), blank=True)
    mentee_audience = models.CharField(
        _("mentees are"), max_length=20, choices=Audience.choices
    )
    is_social_risk = models.BooleanField(
        _("confidential social-risk form"),
        default=False,
        help_text=_(
            "Pairs of this form hold data that only the curator, social pedagogue, "
            "psychologist, head and the pair's mentor may see."
        ),
    )
    participant_name = models.CharField(
        _("name for participants"),
        max_length=255,
        help_text=PARTICIPANT_NAME_HELP,
    )

    class Meta(CatalogueItem.Meta):
        verbose_name = _("form of mentoring")
        verbose_name_plural = _("forms of mentoring")

    def name_for(self, *, official: bool) -> str:
        """The official name for the organisation's staff, else the neutral one
        (`mentoring.templatetags.catalogues` decides which a viewer gets)."""
        return self.name if official else self.neutral_name

    @property
    def neutral_name(self) -> str:
        if self.participant_name:
            return self.participant_name
        return gettext("Mentor – pupil") if self.is_social_risk else self.name


class RoleVariant(CatalogueItem):
    """«Вариант ролевой модели» of a form: успевающий – неуспевающий, …"""

    form = models.ForeignKey(
        MentoringForm,
        verbose_name=_("form of mentoring"),
        on_delete=models.PROTECT,
        related_name="role_variants",
    )
    description = models.TextField(_("description"), blank=True)
    participant_name = models.CharField(
        _("name for participants"),
        max_length=255,
        help_text=PARTICIPANT_NAME_HELP,
    )

    class Meta(CatalogueItem.Meta):
        verbose_name = _("role variant")
        verbose_name_plural = _("role variants")
        ordering = ["form__order", "order", "name"]

    def name_for(self, *, official: bool) -> str:
        """The official name (the methodology's «успевающий – неуспевающий») for
        the organisation's staff; the neutral one for everybody else."""
        return self.name if official else self.neutral_name

    @property
    def neutral_name(self) -> str:
        """Never the official name: a row without a name for participants (made
        outside the admin) gets a wording derived from its form."""
        if self.participant_name:
            return self.participant_name
        if self.form.is_social_risk:
            return gettext("Individual support")
        form = self.form.neutral_name
        return gettext("Mentoring: %(form)s") % {"form": form[:1].lower() + form[1:]}


class Subprogramme(CatalogueItem):
    """Subprogrammes of seed 000 («Успеваемость на 100», «Поделись опытом», …)."""

    form = models.ForeignKey(
        MentoringForm,
        verbose_name=_("form of mentoring"),
        on_delete=models.PROTECT,
        related_name="subprogrammes",
    )
    audience = models.CharField(_("audience"), max_length=255, blank=True)
    goal = models.TextField(_("goal"), blank=True)
    tasks = models.TextField(_("tasks"), blank=True)
    mentor_traits = models.TextField(_("mentor's characteristics"), blank=True)
    mentee_traits = models.TextField(_("mentee's characteristics"), blank=True)

    class Meta(CatalogueItem.Meta):
        verbose_name = _("subprogramme")
        verbose_name_plural = _("subprogrammes")


class MentoringWay(CatalogueItem):
    """«Вид наставничества»: традиционная, групповая, виртуальная, …"""

    description = models.TextField(_("description"), blank=True)

    class Meta(CatalogueItem.Meta):
        verbose_name = _("way of mentoring")
        verbose_name_plural = _("ways of mentoring")


class MeetingType(CatalogueItem):
    """Встреча-знакомство, пробная, планирование, регулярная, итоговая, общая."""

    description = models.TextField(_("description"), blank=True)
    is_general = models.BooleanField(
        _("general meeting of the programme"),
        default=False,
        help_text=_("Held for all mentors and mentees before pairs are formed."),
    )

    class Meta(CatalogueItem.Meta):
        verbose_name = _("meeting type")
        verbose_name_plural = _("meeting types")


class ProgrammeStage(CatalogueItem):
    """The 7 stages of a mentoring programme; the roadmap is grouped by them."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta(CatalogueItem.Meta):
        verbose_name = _("programme stage")
        verbose_name_plural = _("programme stages")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.name}"


class MenteeCategory(CatalogueItem):
    """«Основание включения» in the mentee base."""

    audience = models.CharField(
        _("applies to"), max_length=20, choices=MentoringForm.Audience.choices
    )
    is_sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Shown only to those who may see social-risk data."),
    )

    class Meta(CatalogueItem.Meta):
        verbose_name = _("mentee category")
        verbose_name_plural = _("mentee categories")


class MentorCategory(CatalogueItem):
    """Who a mentor is: a pupil, a teacher, a graduate, an employee, a veteran, …"""

    class Contour(models.TextChoices):
        INTERNAL = "internal", _("internal")
        EXTERNAL = "external", _("external")

    contour = models.CharField(_("contour"), max_length=20, choices=Contour.choices)

    class Meta(CatalogueItem.Meta):
        verbose_name = _("mentor category")
        verbose_name_plural = _("mentor categories")


class RequestArea(CatalogueItem):
    """Area of a mentee's request («сфера взаимодействия» of seed 000)."""

    class Meta(CatalogueItem.Meta):
        verbose_name = _("request area")
        verbose_name_plural = _("request areas")


# --- Programmes -------------------------------------------------------------


class ProgrammeQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def current(self, on: date | None = None):
        on = on or date.today()
        return self.filter(starts_on__lte=on, ends_on__gte=on)

    def default(self) -> "Programme | None":
        """The programme a page opens on: the first current one, else the first
        of all (in this queryset's order: the latest by default)."""
        return self.current().first() or self.first()


class Programme(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    title = models.CharField(_("title"), max_length=500)
    goal = models.TextField(_("goal"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    approved_by = models.CharField(
        _("approved by"), max_length=255, blank=True, help_text=_("e.g. Director")
    )
    approval_order_number = models.CharField(
        _("approval order No."), max_length=50, blank=True
    )
    approval_order_date = models.DateField(
        _("approval order date"), null=True, blank=True
    )
    forms = models.ManyToManyField(
        MentoringForm,
        verbose_name=_("forms of mentoring it runs"),
        related_name="programmes",
    )
    curators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("curators"),
        related_name="curated_programmes",
        blank=True,
    )
    stale_after_days = models.PositiveSmallIntegerField(
        _("remind when a pair has no meeting for (days)"), default=14
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("mentoring programme")
        verbose_name_plural = _("mentoring programmes")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="programme_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(stale_after_days__gte=1),
                name="programme_stale_days_positive",
            ),
        ]

    def __str__(self):
        return self.title


# --- Roadmap («дорожная карта») ------------------------------------------------


class RoadmapTemplateManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class RoadmapTemplate(models.Model):
    """A ready roadmap (seed 002's «Дорожная карта», seed 004's action plan) that a
    programme's roadmap is copied from."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=255)
    source = models.CharField(_("source"), max_length=500, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = RoadmapTemplateManager()

    class Meta:
        verbose_name = _("roadmap template")
        verbose_name_plural = _("roadmap templates")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class RoadmapTemplateItemManager(models.Manager):
    def get_by_natural_key(self, template_code, number):
        return self.get(template__code=template_code, number=number)


class RoadmapTemplateItem(models.Model):
    """A row of a roadmap template. Its dates are months counted from the start of
    the programme (0 is the month it starts in), so the template fits any period."""

    template = models.ForeignKey(
        RoadmapTemplate,
        verbose_name=_("roadmap template"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    stage = models.ForeignKey(
        ProgrammeStage,
        verbose_name=_("programme stage"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    number = models.CharField(_("No."), max_length=20)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    activity = models.TextField(_("activity"))
    content = models.TextField(_("content"), blank=True)
    start_month = models.PositiveSmallIntegerField(
        _("from month"),
        null=True,
        blank=True,
        help_text=_("Months after the start of the programme; 0 is its first month."),
    )
    end_month = models.PositiveSmallIntegerField(_("to month"), null=True, blank=True)
    due_text = models.CharField(_("deadline as written"), max_length=255, blank=True)
    responsible_text = models.CharField(_("responsible"), max_length=500, blank=True)
    expected_result = models.TextField(_("expected result"), blank=True)

    objects = RoadmapTemplateItemManager()

    class Meta:
        verbose_name = _("row of a roadmap template")
        verbose_name_plural = _("rows of the roadmap template")
        ordering = ["template", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="roadmap_template_item_number"
            ),
            models.CheckConstraint(
                condition=Q(end_month__isnull=True)
                | Q(start_month__isnull=True)
                | Q(end_month__gte=models.F("start_month")),
                name="roadmap_template_item_months",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.activity[:60]}"

    def natural_key(self):
        return (*self.template.natural_key(), self.number)

    natural_key.dependencies = ["mentoring.roadmaptemplate"]


class RoadmapItemQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(programme__organisation=organisation)

    def overdue(self, today: date | None = None):
        """Not done, and the deadline (the end, or the start when there is no end)
        has passed."""
        today = today or date.today()
        return self.exclude(status=RoadmapItem.Status.DONE).filter(
            Q(due_to__lt=today) | Q(due_to__isnull=True, due_from__lt=today)
        )


class RoadmapItem(models.Model):
    """A row of a programme's roadmap: an activity of one of the 7 stages, its
    deadline, who is responsible, what should come out, and whether it is done."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("mentoring programme"),
        on_delete=models.CASCADE,
        related_name="roadmap_items",
    )
    stage = models.ForeignKey(
        ProgrammeStage,
        verbose_name=_("programme stage"),
        on_delete=models.PROTECT,
        related_name="roadmap_items",
    )
    number = models.CharField(_("No."), max_length=20, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    activity = models.TextField(_("activity"))
    content = models.TextField(_("content"), blank=True)
    due_from = models.DateField(_("from"), null=True, blank=True)
    due_to = models.DateField(_("to"), null=True, blank=True)
    due_text = models.CharField(
        _("deadline in words"),
        max_length=255,
        blank=True,
        help_text=_("e.g. «ежегодно, сентябрь», «в течение года»"),
    )
    responsible = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible people"),
        related_name="roadmap_items",
        blank=True,
    )
    responsible_text = models.CharField(_("responsible"), max_length=500, blank=True)
    expected_result = models.TextField(_("expected result"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    evidence_note = models.TextField(_("evidence"), blank=True)
    evidence_link = models.URLField(_("evidence link"), max_length=500, blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to="roadmap/%Y/", blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RoadmapItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("roadmap item")
        verbose_name_plural = _("roadmap items")
        ordering = ["programme", "stage__number", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(activity=""), name="roadmap_item_activity"
            ),
            models.CheckConstraint(
                condition=Q(due_from__isnull=True)
                | Q(due_to__isnull=True)
                | Q(due_to__gte=models.F("due_from")),
                name="roadmap_item_due_order",
                violation_error_message=_(
                    "The end of the period cannot be before its start."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False),
                name="roadmap_item_done_has_date",
                violation_error_message=_("A done item needs the date it was done."),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.activity[:60]}".strip()

    @property
    def deadline(self) -> date | None:
        return self.due_to or self.due_from

    def is_overdue(self, today: date | None = None) -> bool:
        deadline = self.deadline
        return (
            self.status != self.Status.DONE
            and deadline is not None
            and deadline < (today or date.today())
        )


# --- Imports ------------------------------------------------------------------


class ImportMapping(models.Model):
    """The columns an organisation last confirmed for one kind of import: the
    next file with the same headers is offered the same mapping."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="import_mappings",
    )
    kind = models.CharField(_("import"), max_length=50)
    columns = models.JSONField(_("columns"), default=dict)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping of an import")
        verbose_name_plural = _("column mappings of imports")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"], name="import_mapping_unique"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.kind}"

    @classmethod
    def remembered(cls, organisation, kind: str) -> dict:
        found = cls.objects.filter(organisation=organisation, kind=kind).first()
        return dict(found.columns) if found else {}

    @classmethod
    def remember(cls, organisation, kind: str, columns: dict) -> None:
        """Merge the confirmed header → field choices into what is kept."""
        found, _created = cls.objects.get_or_create(
            organisation=organisation, kind=kind
        )
        found.columns = {**found.columns, **columns}
        found.save(update_fields=["columns", "updated_at"])


# --- Background jobs ----------------------------------------------------------


class Job(models.Model):
    """Work that may outlast a web request (a big export, a report, an import of
    thousands of rows), run by a Celery worker — or in the request itself when no
    broker is configured (`make run`). Only its user sees it and its file."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("export")
        IMPORT = "import", _("import")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="jobs",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="jobs",
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The exporter's identifier or the import's kind.
    identifier = models.CharField(_("what"), max_length=60)
    fmt = models.CharField(_("format"), max_length=10, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # 0–100, or None while the amount of work is not known yet.
    progress = models.PositiveSmallIntegerField(_("progress, %"), null=True, blank=True)
    step = models.CharField(_("step"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    result = models.TextField(_("result"), blank=True)
    file = models.FileField(_("file"), upload_to="jobs/%Y/%m/", blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="job_user_recent")]

    def __str__(self):
        return f"{self.title} · {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Heartbeat(models.Model):
    """When a background worker last ran the beat's heartbeat task: `/healthz`
    calls the workers up while it is younger than a minute. In the database, so
    every web process reads the same one whatever the cache."""

    name = models.CharField(_("name"), max_length=50, primary_key=True)
    beat_at = models.DateTimeField(_("last beat"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.name}: {self.beat_at:%Y-%m-%d %H:%M:%S}"
