"""Pairs and groups, their mentees, and the meeting journal."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from mentoring.models import (
    MeetingType,
    MentoringForm,
    MentoringWay,
    Programme,
    RoleVariant,
    Subprogramme,
)
from people.models import MenteeProfile, MentorProfile


class PairQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(programme__organisation=organisation)

    def for_mentor(self, user):
        return self.filter(
            Q(mentor__participant__user=user) | Q(co_mentor__participant__user=user)
        )

    def for_mentee(self, user):
        return self.filter(memberships__mentee__participant__user=user).distinct()

    def active(self):
        return self.filter(status=Pair.Status.ACTIVE)

    def substituted_by(self, user, day: date):
        """Pairs whose substitute mentor (`PairSubstitute`) is `user` on `day`."""
        return self.filter(
            pk__in=PairSubstitute.objects.active_on(day)
            .filter(mentor__participant__user=user)
            .values("pair")
        )

    def open(self):
        return self.filter(status__in=[Pair.Status.FORMED, Pair.Status.ACTIVE])

    def with_meeting_stats(self):
        """`meetings_count` and `last_meeting` of each pair by correlated subqueries:
        a page of pairs computes them for its own rows, with no GROUP BY over
        every pair's every meeting."""
        meetings = Meeting.objects.filter(pair=OuterRef("pk")).order_by()
        return self.annotate(
            meetings_count=Coalesce(
                Subquery(
                    meetings.values("pair").annotate(n=Count("pk")).values("n")[:1],
                    output_field=models.IntegerField(),
                ),
                0,
            ),
            last_meeting=Subquery(
                meetings.order_by("-held_on").values("held_on")[:1],
                output_field=models.DateField(),
            ),
        )

    def named(self):
        """What `Pair.name_for` reads, fetched for the whole list: the mentor, the
        role variant and the mentees (one extra query, flat in rows)."""
        return self.select_related(
            "mentor__participant", "role_variant"
        ).prefetch_related(mentees_prefetch())


def mentees_prefetch(path: str = "memberships") -> Prefetch:
    """The mentees `Pair.name_for` reads, for a list of pairs (`path` from
    another model: "pair__memberships")."""
    return Prefetch(
        path, queryset=PairMentee.objects.select_related("mentee__participant")
    )


class Pair(models.Model):
    """A mentoring pair or group: one form and role variant, a mentor, mentees."""

    class Status(models.TextChoices):
        FORMED = "formed", _("formed")
        ACTIVE = "active", _("active")
        COMPLETED = "completed", _("completed")
        TERMINATED = "terminated", _("terminated")

    class Evidence(models.TextChoices):
        NONE = "", _("not specified")
        PROJECT = "project", _("project defence")
        OPEN_LESSON = "open_lesson", _("open lesson")
        MASTER_CLASS = "master_class", _("master class")
        GRADES = "grades", _("analysis of academic results")
        BUSINESS_PLAN = "business_plan", _("business plan")
        TRAJECTORY = "trajectory", _("educational trajectory")
        OTHER = "other", _("other")

    class EndReason(models.TextChoices):
        """Why a pair was declined or ended early: the short list a curator picks
        from (with a text), so terminations can be counted by cause."""

        MENTEE_DECLINED = "mentee_declined", _("the mentee declined")
        MENTOR_DECLINED = "mentor_declined", _("the mentor declined")
        MENTEE_LEFT = "mentee_left", _("the mentee left the organisation")
        MENTOR_LEFT = "mentor_left", _("the mentor left or cannot continue")
        NO_CONTACT = "no_contact", _("the pair did not get along")
        NOT_MEETING = "not_meeting", _("the pair does not meet")
        OTHER = "other", _("another reason")

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="pairs",
    )
    form = models.ForeignKey(
        MentoringForm,
        verbose_name=_("form of mentoring"),
        on_delete=models.PROTECT,
        related_name="pairs",
    )
    role_variant = models.ForeignKey(
        RoleVariant,
        verbose_name=_("role variant"),
        on_delete=models.PROTECT,
        related_name="pairs",
    )
    way = models.ForeignKey(
        MentoringWay,
        verbose_name=_("way of mentoring"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairs",
    )
    subprogramme = models.ForeignKey(
        Subprogramme,
        verbose_name=_("subprogramme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairs",
    )
    mentor = models.ForeignKey(
        MentorProfile,
        verbose_name=_("mentor"),
        on_delete=models.PROTECT,
        related_name="pairs",
    )
    co_mentor = models.ForeignKey(
        MentorProfile,
        verbose_name=_("second mentor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="co_pairs",
    )
    title = models.CharField(
        _("title"),
        max_length=255,
        blank=True,
        help_text=_("For a group, e.g. its project."),
    )
    start_on = models.DateField(_("start"))
    planned_end_on = models.DateField(_("planned end"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.FORMED
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    end_reason = models.CharField(
        _("cause of termination"),
        max_length=20,
        choices=EndReason.choices,
        blank=True,
    )
    order_number = models.CharField(_("order No."), max_length=50, blank=True)
    order_date = models.DateField(_("order date"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    evidence = models.CharField(
        _("form of presenting the result"),
        max_length=20,
        choices=Evidence.choices,
        blank=True,
    )
    paused_until = models.DateField(
        _("paused until"),
        null=True,
        blank=True,
        help_text=_("Holidays or illness: no reminders until this date."),
    )
    pause_reason = models.CharField(
        _("reason for the pause"), max_length=255, blank=True
    )
    next_meeting_on = models.DateField(
        _("next meeting"),
        null=True,
        blank=True,
        help_text=_("Set by the mentor when logging a meeting."),
    )
    next_meeting_time = models.TimeField(
        _("time of the next meeting"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PairQuerySet.as_manager()

    history = HistoricalRecords(
        verbose_name=_("history of changes"), cascade_delete_history=True
    )

    class Meta:
        verbose_name = _("pair or group")
        verbose_name_plural = _("pairs and groups")
        ordering = ["-start_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_on__gt=models.F("start_on")),
                name="pair_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("start_on")),
                name="pair_ended_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="terminated") | ~Q(termination_reason=""),
                name="pair_terminated_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["completed", "terminated"])
                | Q(ended_on__isnull=False),
                name="pair_closed_has_end_date",
            ),
            models.CheckConstraint(
                condition=Q(order_number="", order_date__isnull=True)
                | (~Q(order_number="") & Q(order_date__isnull=False)),
                name="pair_order_number_and_date_together",
            ),
            models.CheckConstraint(
                condition=Q(co_mentor__isnull=True) | ~Q(co_mentor=models.F("mentor")),
                name="pair_co_mentor_differs",
            ),
            models.CheckConstraint(
                condition=Q(next_meeting_time__isnull=True)
                | Q(next_meeting_on__isnull=False),
                name="pair_next_meeting_time_needs_date",
            ),
        ]

    def __str__(self):
        return self.name_for(official=True)

    def name_for(self, *, official: bool, mentees: bool = True) -> str:
        """The title, else the mentor, the mentees and the role variant (its
        official name for the organisation's staff, the neutral one for
        participants): «Смирнова А.В. — Петров И.С. · Успевающий – неуспевающий».
        Two pairs of one mentor differ by their mentees. The mentees are read from
        `memberships.all()`, so a list prefetches them (`PairQuerySet.named`).
        `mentees=False`: without them, for text kept where the mentees' names
        must not go (a mentor's status history, read by the mentor's own
        organisation when the pair is another's)."""
        if self.title:
            return self.title
        variant = self.role_variant.name_for(official=official)
        mentees = self.mentees_label() if mentees else ""
        mentor = self.mentor.participant.short_name
        if not mentees:
            return f"{mentor} · {variant}"
        return f"{mentor} — {mentees} · {variant}"

    def mentees_label(self) -> str:
        """The current mentees' short names; a group of more than two: the first
        and how many more."""
        links = getattr(self, "current_memberships", None)  # prefetched, current
        if links is None:
            links = list(self.memberships.all())
        current = [link for link in links if link.left_on is None] or links
        names = [link.mentee.participant.short_name for link in current]
        if len(names) <= 2:
            return ", ".join(names)
        more = len(names) - 1
        return ngettext(
            "%(first)s and %(count)s more", "%(first)s and %(count)s more", more
        ) % {"first": names[0], "count": more}

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.FORMED, self.Status.ACTIVE)

    OPENING_SEQUENCE = ("introduction", "trial", "planning")

    def next_meeting_code(self, today: date | None = None) -> str | None:
        """The meeting type due next: знакомство → пробная → планирование → регулярные →
        итоговая (when the planned end is two weeks away or past). Uses
        `self.meetings.all()`, so prefetch meetings with their types for lists."""
        if not self.is_open:
            return None
        today = today or date.today()
        held = {meeting.meeting_type.code for meeting in self.meetings.all()}
        if "final" in held:
            return None
        for code in self.OPENING_SEQUENCE:
            if code not in held:
                return code
        if (self.planned_end_on - today).days <= 14:
            return "final"
        return "regular"

    def is_paused(self, today: date | None = None) -> bool:
        return bool(self.paused_until and self.paused_until >= (today or date.today()))

    def last_meeting_on(self) -> date | None:
        dates = [meeting.held_on for meeting in self.meetings.all()]
        return max(dates) if dates else None

    def clean(self):
        errors = {}
        if (
            self.role_variant_id
            and self.form_id
            and self.role_variant.form_id != self.form_id
        ):
            errors["role_variant"] = _("This role variant belongs to another form.")
        if (
            self.subprogramme_id
            and self.form_id
            and self.subprogramme.form_id != self.form_id
        ):
            errors["subprogramme"] = _("This subprogramme belongs to another form.")
        if errors:
            raise ValidationError(errors)


class PairMentee(models.Model):
    """A mentee in a pair or group, with their own entry and exit dates."""

    pair = models.ForeignKey(
        Pair,
        verbose_name=_("pair or group"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    mentee = models.ForeignKey(
        MenteeProfile,
        verbose_name=_("mentee"),
        on_delete=models.PROTECT,
        related_name="pair_memberships",
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    history = HistoricalRecords(
        verbose_name=_("history of changes"), cascade_delete_history=True
    )

    class Meta:
        verbose_name = _("mentee of a pair")
        verbose_name_plural = _("mentees of the pair")
        ordering = ["mentee__participant__search_text"]
        constraints = [
            models.UniqueConstraint(
                fields=["pair", "mentee"], name="pair_mentee_unique"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(left_on__gte=models.F("joined_on")),
                name="pair_mentee_left_after_joined",
            ),
        ]

    def __str__(self):
        return str(self.mentee)


class MeetingQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(programme__organisation=organisation)


class Meeting(models.Model):
    """An entry of the meeting journal of a pair (or a programme's general meeting)."""

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        REMOTE = "remote", _("remote")
        GROUP = "group", _("in a group")

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    pair = models.ForeignKey(
        Pair,
        verbose_name=_("pair or group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text=_("Empty for the general meeting of all mentors and mentees."),
    )
    meeting_type = models.ForeignKey(
        MeetingType,
        verbose_name=_("meeting type"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    held_on = models.DateField(_("date"), default=date.today)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration, minutes"), default=45
    )
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.IN_PERSON
    )
    topic = models.CharField(_("topic"), max_length=500)
    summary = models.TextField(_("what was done"), blank=True)
    result = models.TextField(_("result"), blank=True)
    next_step = models.CharField(_("next step"), max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="meetings_logged",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    history = HistoricalRecords(
        verbose_name=_("history of changes"), cascade_delete_history=True
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meeting journal")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=480),
                name="meeting_duration_range",
            ),
            models.CheckConstraint(condition=~Q(topic=""), name="meeting_has_topic"),
        ]

    def __str__(self):
        return f"{self.held_on:%d.%m.%Y} {self.topic}"

    def clean(self):
        errors = {}
        if (
            self.pair_id
            and self.programme_id
            and self.pair.programme_id != self.programme_id
        ):
            errors["pair"] = _("This pair belongs to another programme.")
        if self.pair_id and self.held_on and self.held_on < self.pair.start_on:
            errors["held_on"] = _(
                "The meeting cannot be earlier than the pair's start."
            )
        if self.held_on and self.held_on > date.today():
            errors["held_on"] = _("The meeting cannot be dated in the future.")
        if (
            not self.pair_id
            and self.meeting_type_id
            and not self.meeting_type.is_general
        ):
            errors["pair"] = _("Choose the pair: only a general meeting has no pair.")
        if errors:
            raise ValidationError(errors)


class MeetingAttendance(models.Model):
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    mentee = models.ForeignKey(
        MenteeProfile,
        verbose_name=_("mentee"),
        on_delete=models.PROTECT,
        related_name="attendance",
    )
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "mentee"], name="attendance_unique_mentee"
            ),
        ]

    def __str__(self):
        return str(self.mentee)


class PairEvent(models.Model):
    """A line of a pair's history: created, approved, completed, terminated, a new
    mentor. Written by the services only and never deleted, so the story of a pair
    survives its completion or termination."""

    class Kind(models.TextChoices):
        CREATED = "created", _("formed")
        APPROVED = "approved", _("approved by an order")
        COMPLETED = "completed", _("completed")
        TERMINATED = "terminated", _("terminated")
        MENTOR_REPLACED = "mentor_replaced", _("mentor replaced")
        SUBSTITUTE = "substitute", _("substitute mentor named")

    pair = models.ForeignKey(
        Pair,
        verbose_name=_("pair or group"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("recorded at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    on = models.DateField(_("takes effect on"))
    note = models.TextField(_("note"), blank=True)
    old_mentor = models.ForeignKey(
        MentorProfile,
        verbose_name=_("previous mentor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    new_mentor = models.ForeignKey(
        MentorProfile,
        verbose_name=_("new mentor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("event of a pair")
        verbose_name_plural = _("history of the pair")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="mentor_replaced")
                | Q(old_mentor__isnull=False, new_mentor__isnull=False),
                name="pair_event_replacement_names_mentors",
            ),
        ]

    def __str__(self):
        return f"{self.pair}: {self.get_kind_display()}"


class PairSubstituteQuerySet(models.QuerySet):
    def active_on(self, day: date):
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class PairSubstitute(models.Model):
    """Another mentor who leads the pair for a period (the mentor's illness,
    holidays): sees its journal and logs its meetings only while the period is
    active. Kept after it ends, and written into the pair's history."""

    pair = models.ForeignKey(
        Pair,
        verbose_name=_("pair or group"),
        on_delete=models.PROTECT,
        related_name="substitutes",
    )
    mentor = models.ForeignKey(
        MentorProfile,
        verbose_name=_("substitute mentor"),
        on_delete=models.PROTECT,
        related_name="substitutions",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("named by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PairSubstituteQuerySet.as_manager()

    class Meta:
        verbose_name = _("substitute mentor")
        verbose_name_plural = _("substitute mentors")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="pair_substitute_period",
                violation_error_message=_("The period must end after it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""), name="pair_substitute_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.mentor} ({self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y})"

    def is_active(self, day: date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.starts_on <= day <= self.ends_on


class MeetingComment(models.Model):
    """The curator's (or the mentor's) remark on a journal entry."""

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment on a meeting")
        verbose_name_plural = _("comments on meetings")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="meeting_comment_text"),
        ]

    def __str__(self):
        return self.text[:60]


class Feedback(models.Model):
    """A short rating and comment: after a meeting (`meeting` set) or at the end of a
    pair (`meeting` empty, kind final), from the mentor, a mentee or the curator."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("after a meeting")
        FINAL = "final", _("final")

    class Role(models.TextChoices):
        MENTOR = "mentor", _("mentor")
        MENTEE = "mentee", _("mentee")
        CURATOR = "curator", _("curator")

    pair = models.ForeignKey(
        Pair,
        verbose_name=_("pair or group"),
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="feedback",
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.MEETING
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="feedback_given",
    )
    role = models.CharField(_("as"), max_length=10, choices=Role.choices)
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("From 1 (bad) to 5 (excellent)."),
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    LOW_RATING = 2  # this or lower is flagged to the curator

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_range",
                violation_error_message=_("The rating is from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="meeting") & Q(meeting__isnull=False))
                | (Q(kind="final") & Q(meeting__isnull=True)),
                name="feedback_kind_matches_meeting",
            ),
            models.UniqueConstraint(
                fields=["meeting", "author"],
                condition=Q(meeting__isnull=False),
                name="feedback_once_per_meeting",
                violation_error_message=_("You have already rated this meeting."),
            ),
            models.UniqueConstraint(
                fields=["pair", "author"],
                condition=Q(kind="final"),
                name="feedback_final_once",
                violation_error_message=_(
                    "You have already left the final feedback on this pair."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.rating}"

    @property
    def is_low(self) -> bool:
        return self.rating <= self.LOW_RATING


class PlanTemplate(models.Model):
    """A ready personalised programme for a form (e.g. a young teacher's first year)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=255)
    form = models.ForeignKey(
        MentoringForm,
        verbose_name=_("form of mentoring"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_templates",
    )
    role_variant = models.ForeignKey(
        RoleVariant,
        verbose_name=_("role variant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_templates",
    )
    goal = models.TextField(_("goal"), blank=True)
    difficulties = models.TextField(_("difficulties or request"), blank=True)
    directions = models.TextField(_("directions of work"), blank=True)
    duration_months = models.PositiveSmallIntegerField(_("duration, months"), default=9)
    source = models.CharField(_("source"), max_length=255, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("plan template")
        verbose_name_plural = _("plan templates")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class PlanTemplateItem(models.Model):
    template = models.ForeignKey(
        PlanTemplate,
        verbose_name=_("plan template"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    activity = models.TextField(_("activity"))
    reporting_form = models.CharField(
        _("form of reporting"), max_length=255, blank=True
    )
    due_week = models.PositiveSmallIntegerField(
        _("due in week"), help_text=_("Weeks after the start of the plan.")
    )
    meeting_type = models.ForeignKey(
        MeetingType,
        verbose_name=_("meeting type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A logged meeting of this type marks the item done."),
    )

    class Meta:
        verbose_name = _("item of a plan template")
        verbose_name_plural = _("items of the plan template")
        ordering = ["template", "order", "pk"]

    def __str__(self):
        return self.activity[:60]


class Plan(models.Model):
    """«Персонализированная программа наставничества» of a pair."""

    pair = models.OneToOneField(
        Pair,
        verbose_name=_("pair or group"),
        on_delete=models.CASCADE,
        related_name="plan",
    )
    template = models.ForeignKey(
        PlanTemplate,
        verbose_name=_("made from the template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    goal = models.TextField(_("goal"))
    difficulties = models.TextField(_("difficulties or request"), blank=True)
    directions = models.TextField(_("directions of work"), blank=True)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("personalised mentoring programme")
        verbose_name_plural = _("personalised mentoring programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="plan_ends_after_start",
                violation_error_message=_("The plan must end after it starts."),
            ),
            models.CheckConstraint(condition=~Q(goal=""), name="plan_has_goal"),
        ]

    def __str__(self):
        return str(self.pair)


class PlanItem(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    plan = models.ForeignKey(
        Plan,
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    activity = models.TextField(_("activity"))
    deadline = models.DateField(_("deadline"))
    reporting_form = models.CharField(
        _("form of reporting"), max_length=255, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ticked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    evidence_note = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to="plans/%Y/", blank=True
    )
    meeting_type = models.ForeignKey(
        MeetingType,
        verbose_name=_("meeting type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A logged meeting of this type marks the item done."),
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("done at the meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_items",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["plan", "deadline", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(activity=""), name="plan_item_activity"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False),
                name="plan_item_done_has_date",
                violation_error_message=_("A done item needs the date it was done."),
            ),
        ]

    def __str__(self):
        return self.activity[:60]

    def is_overdue(self, today: date | None = None) -> bool:
        return self.status in (
            self.Status.PLANNED,
            self.Status.IN_PROGRESS,
        ) and self.deadline < (today or date.today())


class ReminderSent(models.Model):
    """One digest per person per day: running the reminder command twice sends once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to whom"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    sent_on = models.DateField(_("sent on"))
    items = models.PositiveSmallIntegerField(_("items"), default=0)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "sent_on"], name="reminder_once_a_day"
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.sent_on}"


# --- Rewards («поощрения») -----------------------------------------------------


class RewardQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)


class Reward(models.Model):
    """A row of the rewards register: who was rewarded, how, when and why; a letter
    of thanks or a certificate is printed from it."""

    class Kind(models.TextChoices):
        MENTOR_OF_YEAR = "mentor_of_year", _("Mentor of the year")
        BEST_PAIR = "best_pair", _("Best pair")
        MENTOR_PLUS = "mentor_plus", _("Mentor+")
        CERTIFICATE = "certificate", _("Certificate «Best mentor»")
        GRATITUDE = "gratitude", _("Gratitude")
        LETTER_PARENTS = "letter_parents", _("Letter of thanks to the parents")
        LETTER_EMPLOYER = "letter_employer", _("Letter of thanks to the employer")
        NOMINATION = "nomination", _("Nomination for an award")
        BONUS = "bonus", _("Bonus")

    # Which document each kind prints: a letter, a certificate, or none (a bonus).
    LETTER_KINDS = (
        Kind.GRATITUDE,
        Kind.LETTER_PARENTS,
        Kind.LETTER_EMPLOYER,
        Kind.NOMINATION,
    )
    CERTIFICATE_KINDS = (
        Kind.MENTOR_OF_YEAR,
        Kind.BEST_PAIR,
        Kind.MENTOR_PLUS,
        Kind.CERTIFICATE,
    )

    organisation = models.ForeignKey(
        "mentoring.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="rewards",
    )
    person = models.ForeignKey(
        "people.Participant",
        verbose_name=_("who is rewarded"),
        on_delete=models.PROTECT,
        related_name="rewards",
    )
    kind = models.CharField(_("reward"), max_length=20, choices=Kind.choices)
    awarded_on = models.DateField(_("date"), default=date.today)
    basis = models.TextField(
        _("for what"),
        help_text=_("e.g. for successfully completing the mentoring programme"),
    )
    pair = models.ForeignKey(
        Pair,
        verbose_name=_("pair or group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rewards",
        help_text=_("The completed pair or group the reward is for."),
    )
    number = models.CharField(_("document No."), max_length=50, blank=True)
    signed_by = models.CharField(
        _("signed by"),
        max_length=255,
        blank=True,
        help_text=_("Position and full name; the head of the organisation if empty."),
    )
    addressee = models.CharField(
        _("addressee"),
        max_length=500,
        blank=True,
        help_text=_("For a letter: the parents' names or the employer's organisation."),
    )
    text = models.TextField(
        _("text of the letter"),
        blank=True,
        help_text=_("Leave empty to get the standard text."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RewardQuerySet.as_manager()

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["-awarded_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(basis=""), name="reward_has_basis"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.person}"

    @property
    def document(self) -> str | None:
        """ "letter", "certificate" or None: what this reward prints."""
        if self.kind in self.LETTER_KINDS:
            return "letter"
        if self.kind in self.CERTIFICATE_KINDS:
            return "certificate"
        return None

    def clean(self):
        errors = {}
        if self.awarded_on and self.awarded_on > timezone.localdate():
            errors["awarded_on"] = _("A reward cannot be dated in the future.")
        if (
            self.pair_id
            and self.organisation_id
            and self.pair.programme.organisation_id != self.organisation_id
        ):
            errors["pair"] = _("This pair belongs to another organisation.")
        if errors:
            raise ValidationError(errors)


# --- Orders fixing pairs («приказ о закреплении») ---------------------------------

ORDER_SCAN_TYPES = {".pdf": b"%PDF", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff"}
ORDER_SCAN_TYPES[".png"] = b"\x89PNG\r\n\x1a\n"
ORDER_SCAN_MAX_BYTES = 10 * 1024 * 1024


def validate_order_scan(file) -> None:
    """A PDF, JPEG or PNG of at most 10 MB, by its name and by its first bytes (a
    renamed document is refused too). The scan is only stored and handed back
    through a permission-checked view, never opened or served from MEDIA_URL."""
    if not file:
        return
    name = (file.name or "").lower()
    signature = next(
        (magic for ext, magic in ORDER_SCAN_TYPES.items() if name.endswith(ext)), None
    )
    head = b""
    if signature is not None:
        position = file.tell() if hasattr(file, "tell") else 0
        file.seek(0)
        head = file.read(len(signature))
        file.seek(position)
    if signature is None or head != signature:
        raise ValidationError(
            _("Attach the scan as a PDF, JPEG or PNG file."), code="file_type"
        )
    if file.size > ORDER_SCAN_MAX_BYTES:
        raise ValidationError(
            _("The scan is larger than 10 MB: scan it at a lower resolution."),
            code="file_size",
        )


class PairOrder(models.Model):
    """An order that fixed pairs («приказ о закреплении»), as the pairs carry it
    (`Pair.order_number`, `Pair.order_date`), with the signed scan. The general and
    the confidential order (the social-risk form's pairs) are separate documents,
    so each has its own row and scan, and each scan is read by whoever may print
    that order."""

    organisation = models.ForeignKey(
        "mentoring.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="pair_orders",
    )
    number = models.CharField(_("order No."), max_length=50)
    date = models.DateField(_("order date"))
    confidential = models.BooleanField(_("for official use only"), default=False)
    scan = models.FileField(
        _("signed scan"),
        upload_to="orders/%Y/",
        blank=True,
        validators=[validate_order_scan],
    )
    scan_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scan attached by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    scan_uploaded_at = models.DateTimeField(_("scan attached"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("order fixing pairs")
        verbose_name_plural = _("orders fixing pairs")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number", "date", "confidential"],
                name="pair_order_unique",
            ),
            models.CheckConstraint(
                condition=~Q(number=""), name="pair_order_has_number"
            ),
        ]

    def __str__(self):
        return f"№ {self.number} от {self.date:%d.%m.%Y}"

    def pairs(self):
        return Pair.objects.filter(
            programme__organisation_id=self.organisation_id,
            order_number=self.number,
            order_date=self.date,
            form__is_social_risk=self.confidential,
        )
