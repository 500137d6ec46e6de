"""Users and their roles, participants, the mentor base, the mentee base, consents."""

from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mentoring.lib.files import validate_evidence_field
from mentoring.lib.search import normalize
from mentoring.models import (
    MenteeCategory,
    MentorCategory,
    MentoringForm,
    Municipality,
    Organisation,
    Programme,
    RequestArea,
)


def full_name(last: str, first: str, middle: str) -> str:
    return " ".join(part for part in (last, first, middle) if part)


class User(AbstractUser):
    middle_name = models.CharField(_("patronymic"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self):
        return full_name(self.last_name, self.first_name, self.middle_name)

    def get_short_name(self):
        initials = "".join(
            f"{part[0]}." for part in (self.first_name, self.middle_name) if part
        )
        return f"{self.last_name} {initials}".strip() or self.username


class Role(models.TextChoices):
    MUNICIPAL_COORDINATOR = "municipal_coordinator", _("municipal coordinator")
    HEAD = "head", _("head of the organisation")
    DEPUTY = "deputy", _("deputy head")
    CURATOR = "curator", _("curator")
    FORM_LEAD = "form_lead", _("person in charge of a form of mentoring")
    SOCIAL_PEDAGOGUE = "social_pedagogue", _("social pedagogue")
    PSYCHOLOGIST = "psychologist", _("educational psychologist")
    CLASS_TEACHER = "class_teacher", _("class teacher")
    MENTOR = "mentor", _("mentor")
    MENTEE = "mentee", _("mentee")


class StudyGroup(models.Model):
    """A school class («7Б») or a college group («ТМ-21») of an organisation."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="study_groups",
    )
    name = models.CharField(_("class or group"), max_length=30)
    grade = models.PositiveSmallIntegerField(
        _("grade or course"), help_text=_("1–11 for a school class, 1–4 for a course")
    )

    class Meta:
        verbose_name = _("class or group")
        verbose_name_plural = _("classes and groups")
        ordering = ["grade", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="study_group_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=11),
                name="study_group_grade_range",
                violation_error_message=_("The grade must be from 1 to 11."),
            ),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A role a user holds in an organisation (a coordinator: in a municipality)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
        null=True,
        blank=True,
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="memberships",
        null=True,
        blank=True,
    )
    forms = models.ManyToManyField(
        MentoringForm,
        verbose_name=_("forms in charge"),
        blank=True,
        help_text=_("For a person in charge of forms of mentoring."),
    )
    study_group = models.ForeignKey(
        StudyGroup,
        verbose_name=_("class"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("For a class teacher."),
    )

    class Meta:
        verbose_name = _("role in an organisation")
        verbose_name_plural = _("roles in organisations")
        ordering = ["organisation", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(organisation__isnull=False),
                name="membership_unique_org_role",
            ),
            models.UniqueConstraint(
                fields=["user", "municipality", "role"],
                condition=Q(municipality__isnull=False),
                name="membership_unique_municipality_role",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        role="municipal_coordinator",
                        municipality__isnull=False,
                        organisation__isnull=True,
                    )
                    | (
                        ~Q(role="municipal_coordinator")
                        & Q(organisation__isnull=False, municipality__isnull=True)
                    )
                ),
                name="membership_scope_matches_role",
            ),
        ]

    def __str__(self):
        scope = self.organisation or self.municipality
        return f"{self.user}: {self.get_role_display()} ({scope})"


class ParticipantQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def search(self, query: str):
        from mentoring.lib.search import search

        return search(self, query)


class Participant(models.Model):
    """A person taking part: a pupil, a student, a teacher or an external person.

    A login is optional: young children are records only.
    """

    class Kind(models.TextChoices):
        PUPIL = "pupil", _("pupil")
        STUDENT = "student", _("student")
        TEACHER = "teacher", _("teacher")
        STAFF = "staff", _("other staff")
        PARENT = "parent", _("parent")
        EXTERNAL = "external", _("external person")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="participants",
    )
    kind = models.CharField(_("who"), max_length=20, choices=Kind.choices)
    last_name = models.CharField(_("last name"), max_length=150)
    first_name = models.CharField(_("first name"), max_length=150)
    middle_name = models.CharField(_("patronymic"), max_length=150, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    study_group = models.ForeignKey(
        StudyGroup,
        verbose_name=_("class or group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participants",
    )
    position = models.CharField(_("position"), max_length=255, blank=True)
    workplace = models.CharField(
        _("place of work or study"),
        max_length=500,
        blank=True,
        help_text=_("For external people; pupils and staff study or work here."),
    )
    experience_years = models.PositiveSmallIntegerField(
        _("work experience, years"), null=True, blank=True
    )
    subjects = models.CharField(_("subjects taught"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    representative_name = models.CharField(
        _("legal representative"), max_length=255, blank=True
    )
    representative_phone = models.CharField(
        _("legal representative's phone"), max_length=50, blank=True
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participant",
    )
    left_on = models.DateField(_("left the organisation on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    search_text = models.CharField(max_length=1000, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ParticipantQuerySet.as_manager()

    history = HistoricalRecords(
        verbose_name=_("history of changes"), cascade_delete_history=True
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["search_text"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(last_name="") & ~Q(first_name=""),
                name="participant_has_name",
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        # The normalised copy is derived data, kept next to the name it comes from.
        self.search_text = normalize(" ".join([self.full_name, self.email, self.phone]))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def clean(self):
        if (
            self.study_group_id
            and self.study_group.organisation_id != self.organisation_id
        ):
            raise ValidationError(
                {"study_group": _("This class belongs to another organisation.")}
            )

    @property
    def full_name(self) -> str:
        return full_name(self.last_name, self.first_name, self.middle_name)

    @property
    def short_name(self) -> str:
        initials = "".join(
            f"{part[0]}." for part in (self.first_name, self.middle_name) if part
        )
        return f"{self.last_name} {initials}".strip()

    def age_on(self, day: date | None = None) -> int | None:
        if not self.birth_date:
            return None
        day = day or date.today()
        had_birthday = (day.month, day.day) >= (
            self.birth_date.month,
            self.birth_date.day,
        )
        return day.year - self.birth_date.year - (0 if had_birthday else 1)

    @property
    def age(self) -> int | None:
        return self.age_on()

    @property
    def is_minor(self) -> bool:
        age = self.age
        if age is None:
            return self.kind == self.Kind.PUPIL
        return age < 18


class QualificationCategory(models.TextChoices):
    NONE = "", _("none")
    FIRST = "first", _("first")
    HIGHEST = "highest", _("highest")
    METHODIST = "methodist", _("teacher-methodist")
    MENTOR = "mentor", _("teacher-mentor")


class MentorProfileQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(participant__organisation=organisation)

    def ready(self):
        return self.filter(
            status__in=[MentorProfile.Status.READY, MentorProfile.Status.IN_PAIR]
        )

    def with_load(self):
        """Annotate `load`: mentees currently in the mentor's open pairs and groups
        (as the main mentor). Reverse relations only: people does not import pairs."""
        open_pair = Q(
            pairs__status__in=["formed", "active"],
            pairs__memberships__left_on__isnull=True,
            pairs__memberships__isnull=False,
        )
        return self.annotate(
            load=models.Count("pairs__memberships", filter=open_pair, distinct=True)
        )


class MentorProfile(models.Model):
    """A row of the mentor base («база наставников»)."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("candidate")
        QUESTIONNAIRE = "questionnaire", _("questionnaire filled in")
        INTERVIEW = "interview", _("interview")
        TRAINED = "trained", _("training completed")
        READY = "ready", _("ready to work")
        IN_PAIR = "in_pair", _("in a pair")
        ARCHIVED = "archived", _("archived")

    class MentorType(models.TextChoices):
        NONE = "", _("not specified")
        CONSULTANT = "consultant", _("mentor-consultant")
        SUBJECT = "subject", _("subject mentor")

    participant = models.OneToOneField(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="mentor_profile",
    )
    category = models.ForeignKey(
        MentorCategory,
        verbose_name=_("mentor category"),
        on_delete=models.PROTECT,
        related_name="mentors",
    )
    mentor_type = models.CharField(
        _("type of teacher mentor"),
        max_length=20,
        choices=MentorType.choices,
        blank=True,
    )
    qualification_category = models.CharField(
        _("qualification category"),
        max_length=20,
        choices=QualificationCategory.choices,
        blank=True,
    )
    key_competencies = models.TextField(_("key competencies"), blank=True)
    achievements = models.TextField(
        _("achievements important for the programme"), blank=True
    )
    interests = models.TextField(_("interests"), blank=True)
    desired_age_min = models.PositiveSmallIntegerField(
        _("desired mentee age, from"), null=True, blank=True
    )
    desired_age_max = models.PositiveSmallIntegerField(
        _("desired mentee age, to"), null=True, blank=True
    )
    meeting_time = models.CharField(
        _("convenient time for meetings"), max_length=255, blank=True
    )
    capacity = models.PositiveSmallIntegerField(_("how many mentees"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CANDIDATE
    )
    shared_in_bank = models.BooleanField(
        _("consents to the municipal mentor bank"),
        default=False,
        help_text=_("Other organisations of the municipality may see this mentor."),
    )
    entered_on = models.DateField(
        _("date of entering the programme"), default=date.today
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MentorProfileQuerySet.as_manager()

    history = HistoricalRecords(
        verbose_name=_("history of changes"), cascade_delete_history=True
    )

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentor base")
        ordering = ["participant__search_text"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=30),
                name="mentor_capacity_range",
                violation_error_message=_("A mentor can take from 1 to 30 mentees."),
            ),
            models.CheckConstraint(
                condition=Q(desired_age_min__isnull=True)
                | Q(desired_age_max__isnull=True)
                | Q(desired_age_min__lte=models.F("desired_age_max")),
                name="mentor_desired_age_order",
                violation_error_message=_(
                    "The lowest desired age cannot be above the highest."
                ),
            ),
        ]

    def __str__(self):
        return str(self.participant)

    @property
    def contour(self) -> str:
        return self.category.contour

    @property
    def desired_age(self) -> str:
        if self.desired_age_min and self.desired_age_max:
            return f"{self.desired_age_min}–{self.desired_age_max}"
        return str(self.desired_age_min or self.desired_age_max or "")


class MentorStatusChange(models.Model):
    """Who moved a mentor along the selection path, and when."""

    mentor = models.ForeignKey(
        MentorProfile,
        verbose_name=_("mentor"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    status_from = models.CharField(
        _("from"), max_length=20, choices=MentorProfile.Status.choices, blank=True
    )
    status_to = models.CharField(
        _("to"), max_length=20, choices=MentorProfile.Status.choices
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("mentor status change")
        verbose_name_plural = _("mentor status changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.mentor}: {self.get_status_to_display()}"


class MentorTraining(models.Model):
    mentor = models.ForeignKey(
        MentorProfile,
        verbose_name=_("mentor"),
        on_delete=models.CASCADE,
        related_name="trainings",
    )
    title = models.CharField(_("course or training"), max_length=500)
    provider = models.CharField(_("provided by"), max_length=255, blank=True)
    completed_on = models.DateField(_("completed on"))
    hours = models.PositiveSmallIntegerField(_("hours"), null=True, blank=True)
    document = models.CharField(_("certificate No."), max_length=100, blank=True)

    class Meta:
        verbose_name = _("mentor training")
        verbose_name_plural = _("mentor trainings")
        ordering = ["-completed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=1, hours__lte=2000),
                name="mentor_training_hours_range",
                violation_error_message=_("Hours of training must be from 1 to 2000."),
            ),
        ]

    def __str__(self):
        return self.title


class MentorCertificateQuerySet(models.QuerySet):
    def valid(self, on: date | None = None):
        """Certificates in force on `on` (today by default): issued by then and not
        expired (no end date: in force until replaced)."""
        on = on or date.today()
        return self.filter(issued_on__lte=on).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=on)
        )


class MentorCertificate(models.Model):
    """«Справка об отсутствии судимости» of a mentor from outside the school: work
    with minors needs it (ст. 351.1 ТК РФ), so a pair of such a mentor with a
    minor cannot start without one in force on its start date
    (`pairs.services.check_mentor`). The scan is personal data: only the
    organisation's head, deputy and curator download it."""

    mentor = models.ForeignKey(
        MentorProfile,
        verbose_name=_("mentor"),
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    number = models.CharField(_("certificate number"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Leave empty if the organisation sets no term."),
    )
    scan = models.FileField(
        _("scan of the certificate"),
        upload_to="certificates/%Y/",
        blank=True,
        validators=[validate_evidence_field],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MentorCertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate of no criminal record")
        verbose_name_plural = _("certificates of no criminal record")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(number=""), name="mentor_certificate_has_number"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("issued_on")),
                name="mentor_certificate_valid_after_issued",
                violation_error_message=_(
                    "A certificate cannot expire before it was issued."
                ),
            ),
        ]

    def __str__(self):
        return f"№ {self.number}"

    def is_valid_on(self, day: date | None = None) -> bool:
        day = day or date.today()
        return self.issued_on <= day and (
            self.valid_until is None or self.valid_until >= day
        )


class MenteeProfileQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(participant__organisation=organisation)

    def waiting(self):
        return self.filter(status=MenteeProfile.Status.WAITING)


class MenteeProfile(models.Model):
    """A row of the mentee base («база наставляемых»)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting for a mentor")
        IN_PAIR = "in_pair", _("in a pair")
        COMPLETED = "completed", _("completed the programme")
        LEFT = "left", _("left the programme")

    participant = models.OneToOneField(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="mentee_profile",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentees",
    )
    categories = models.ManyToManyField(
        MenteeCategory,
        verbose_name=_("grounds for inclusion"),
        blank=True,
        related_name="mentees",
    )
    preferred_form = models.ForeignKey(
        MentoringForm,
        verbose_name=_("preferred form of mentoring"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_by = models.CharField(
        _("proposed by"),
        max_length=255,
        blank=True,
        help_text=_("e.g. class teacher, psychologist, self-nomination"),
    )
    interests = models.TextField(_("interests"), blank=True)
    achievements = models.TextField(
        _("achievements important for the programme"), blank=True
    )
    meeting_time = models.CharField(
        _("convenient time for meetings"), max_length=255, blank=True
    )
    entered_on = models.DateField(
        _("date of entering the programme"), default=date.today
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.WAITING
    )
    results = models.TextField(_("results of the programme"), blank=True)
    completion_mark = models.CharField(
        _("mark of completing the programme"), max_length=255, blank=True
    )
    case_link = models.URLField(_("link to a case or review"), blank=True)
    media_link = models.URLField(_("link to photos or video"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MenteeProfileQuerySet.as_manager()

    history = HistoricalRecords(
        verbose_name=_("history of changes"), cascade_delete_history=True
    )

    class Meta:
        verbose_name = _("mentee")
        verbose_name_plural = _("mentee base")
        ordering = ["participant__search_text"]

    def __str__(self):
        return str(self.participant)


class MenteeRequest(models.Model):
    """A «ключевой запрос»; all open requests make the «карта запросов»."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        COVERED = "covered", _("covered by a pair")
        CLOSED = "closed", _("closed")

    mentee = models.ForeignKey(
        MenteeProfile,
        verbose_name=_("mentee"),
        on_delete=models.CASCADE,
        related_name="requests",
    )
    area = models.ForeignKey(
        RequestArea,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    text = models.CharField(_("request"), max_length=1000)
    form = models.ForeignKey(
        MentoringForm,
        verbose_name=_("form of mentoring"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    created_on = models.DateField(_("date"), default=date.today)

    history = HistoricalRecords(
        verbose_name=_("history of changes"), cascade_delete_history=True
    )

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-created_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="request_has_text"),
        ]

    def __str__(self):
        return self.text


class ConsentQuerySet(models.QuerySet):
    def valid(self, on: date | None = None):
        on = on or date.today()
        return (
            self.filter(given_on__lte=on)
            .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=on))
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        )


class Consent(models.Model):
    """Consent to data processing (152-ФЗ) or to publication of cases and photos."""

    class Scope(models.TextChoices):
        PROCESSING = "processing", _("processing of personal data")
        PUBLICATION = "publication", _("publication of cases, photos and videos")

    class Relation(models.TextChoices):
        SELF = "self", _("the person themselves")
        MOTHER = "mother", _("mother")
        FATHER = "father", _("father")
        GUARDIAN = "guardian", _("guardian")
        OTHER = "other", _("other legal representative")

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("for whom"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    given_by = models.CharField(_("given by (full name)"), max_length=255)
    relation = models.CharField(
        _("relation"), max_length=20, choices=Relation.choices, default=Relation.SELF
    )
    given_on = models.DateField(_("given on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    document = models.FileField(
        _("scan of the document"), upload_to="consents/%Y/", blank=True
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = ConsentQuerySet.as_manager()

    history = HistoricalRecords(
        verbose_name=_("history of changes"), cascade_delete_history=True
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True)
                | Q(revoked_on__gte=models.F("given_on")),
                name="consent_revoked_after_given",
                violation_error_message=_(
                    "A consent cannot be revoked before it was given."
                ),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("given_on")),
                name="consent_valid_after_given",
                violation_error_message=_(
                    "A consent cannot expire before it was given."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_scope_display()}: {self.participant}"

    @property
    def is_valid(self) -> bool:
        today = date.today()
        return (
            self.given_on <= today
            and (self.revoked_on is None or self.revoked_on > today)
            and (self.valid_until is None or self.valid_until >= today)
        )


class AccessLogQuerySet(models.QuerySet):
    """Append-only: a bulk update or delete is refused."""

    def update(self, **kwargs):
        raise PermissionError("The access log is append-only.")

    def delete(self):
        raise PermissionError("The access log is append-only.")


class AccessLog(models.Model):
    """«Журнал доступа»: who read or changed data of the confidential social-risk
    tier, when and from where — on its own pages and wherever else the tier is
    shown (a mentee card, a list filtered by a sensitive category, an export). The
    description names what was read, never its contents.

    A row is never rewritten: who read (`user_name`) and whose data
    (`participant_name`) are snapshots taken when it was written, and the links to
    the user and the participant keep their ids when those are deleted (no
    database constraint, nothing done on delete), so a deletion changes no row."""

    class Action(models.TextChoices):
        VIEW = "view", _("view")
        CREATE = "create", _("create")
        UPDATE = "update", _("update")
        DELETE = "delete", _("delete")
        EXPORT = "export", _("export or print")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    user_name = models.CharField(_("user name"), max_length=255)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_pk = models.PositiveBigIntegerField(_("object id"), null=True)
    description = models.CharField(_("description"), max_length=255)
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("pupil"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    participant_name = models.CharField(_("pupil's name"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True)
    user_agent = models.CharField(_("browser"), max_length=255, blank=True)
    path = models.CharField(_("address of the page"), max_length=500, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "-at"], name="access_log_org_at")
        ]

    def __str__(self):
        return f"{self.at:%d.%m.%Y %H:%M} {self.user_name}: {self.description}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The access log is append-only.")
