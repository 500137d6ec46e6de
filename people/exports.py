"""Exporters of the two bases in the layout of the federal templates
(«Форма базы наставляемых», «Форма базы наставников»): one row per relationship —
a person with two pairs has two rows, a person without a pair has one row with the
partner's columns empty. See mentoring/lib/export.py for the pattern."""

from django.db.models import Prefetch
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.lib.export import Exporter, register
from people.access import (
    hides_social_risk,
    limit_mentee_filters,
    visible_requests,
    without_tier,
)
from people.audit import log_mentees_read, log_pairs_read
from people.models import MenteeProfile, MenteeRequest, MentorProfile, Participant


def contacts(participant: Participant) -> str:
    """Phone and e-mail; for a minor, the legal representative's."""
    if participant.is_minor and (
        participant.representative_name or participant.representative_phone
    ):
        parts = [participant.representative_name, participant.representative_phone]
        return gettext("representative: %(who)s") % {
            "who": ", ".join(part for part in parts if part)
        }
    return ", ".join(part for part in (participant.phone, participant.email) if part)


def place(participant: Participant) -> str:
    """Class or group for pupils and students, else position and place of work."""
    if participant.study_group_id:
        return str(participant.study_group)
    return ", ".join(
        part
        for part in (
            participant.position,
            participant.workplace or participant.organisation.short_name,
        )
        if part
    )


def period(pair) -> str:
    end = pair.ended_on or pair.planned_end_on
    return f"{pair.start_on:%d.%m.%Y} – {end:%d.%m.%Y}"


def pair_mark(pair) -> str:
    return pair.get_status_display()


class CuratorExporter(Exporter):
    """Reports of the organisation's mentoring: for its head, deputy and curator."""

    def allowed(self) -> bool:
        return self.request.access.is_manager

    def count(self) -> int | None:
        queryset = getattr(self, "queryset", None)
        return queryset().count() if queryset else None

    @property
    def organisation(self):
        return self.request.access.organisation


@register
class MenteeBaseExporter(CuratorExporter):
    identifier = "mentee-base"
    verbose_name = _("Mentee base")

    def queryset(self):
        if self._queryset is not None:
            queryset = self._queryset
        else:
            from people.filters import MenteeFilterForm

            filters = limit_mentee_filters(
                self.request,
                MenteeFilterForm(self.params, organisation=self.organisation),
            )
            queryset = filters.apply(
                MenteeProfile.objects.for_organisation(self.organisation)
            )
        return (
            queryset.select_related(
                "participant__study_group", "participant__organisation"
            )
            .prefetch_related(
                Prefetch(
                    "requests",
                    queryset=visible_requests(
                        self.request, MenteeRequest.objects.select_related("area")
                    ),
                ),
                Prefetch(
                    "pair_memberships",
                    queryset=self.memberships(),
                ),
            )
            .order_by("participant__search_text", "pk")
        )

    def memberships(self):
        model = MenteeProfile.pair_memberships.rel.related_model
        return (
            without_tier(self.request, model.objects.all())
            .select_related(
                "pair__form",
                "pair__programme__organisation",
                "pair__mentor__participant__organisation",
                "pair__mentor__participant__study_group",
            )
            .order_by("joined_on", "pk")
        )

    def rows(self):
        yield [
            gettext("Full name of the mentee"),
            gettext("Contact details"),
            gettext("Age of the mentee"),
            gettext("Class, group or position"),
            gettext("Key request of the mentee"),
            gettext("Date of entering the programme"),
            gettext("Full name of the mentor"),
            gettext("Place of work or study of the mentor"),
            gettext("Form of mentoring"),
            gettext("Place where the programme is carried out"),
            gettext("Period of the programme"),
            gettext("Results of the programme"),
            gettext("Mark of completing the programme"),
            gettext("Link to a case or review of the mentee"),
            gettext("Link to photos or video"),
        ]
        mentees = self.queryset()
        log_mentees_read(
            self.request,
            mentees,
            gettext("Mentee base (export)"),
            hidden=hides_social_risk(self.request),
        )
        for mentee in mentees.iterator(chunk_size=1000):
            person = mentee.participant
            requests = "; ".join(
                request.text
                for request in mentee.requests.all()
                if request.status != request.Status.CLOSED
            ) or "; ".join(request.text for request in mentee.requests.all())
            own = [
                person.full_name,
                contacts(person),
                person.age,
                place(person),
                requests,
                mentee.entered_on,
            ]
            tail = [mentee.case_link, mentee.media_link]
            memberships = list(mentee.pair_memberships.all())
            if not memberships:
                yield [
                    *own,
                    "",
                    "",
                    "",
                    "",
                    "",
                    mentee.results,
                    mentee.completion_mark,
                    *tail,
                ]
            for membership in memberships:
                pair = membership.pair
                mentor = pair.mentor.participant
                yield [
                    *own,
                    mentor.full_name,
                    place(mentor),
                    pair.form.name,
                    pair.programme.organisation.short_name,
                    period(pair),
                    pair.result or mentee.results,
                    mentee.completion_mark or pair_mark(pair),
                    *tail,
                ]


@register
class MentorBaseExporter(CuratorExporter):
    identifier = "mentor-base"
    verbose_name = _("Mentor base")

    def queryset(self):
        if self._queryset is not None:
            queryset = self._queryset
        else:
            from people.filters import filter_mentors

            queryset = filter_mentors(
                MentorProfile.objects.for_organisation(self.organisation), self.params
            )
        pairs = (
            without_tier(
                self.request, MentorProfile.pairs.rel.related_model.objects.all()
            )
            .select_related("form", "programme__organisation")
            .prefetch_related("memberships__mentee__participant__study_group")
        )
        return (
            queryset.select_related(
                "participant__organisation", "participant__study_group", "category"
            )
            .prefetch_related(Prefetch("pairs", queryset=pairs.order_by("start_on")))
            .order_by("participant__search_text", "pk")
        )

    def rows(self):
        yield [
            gettext("Full name of the mentor"),
            gettext("Place of work or study of the mentor"),
            gettext("Contact details"),
            gettext("Key competencies"),
            gettext("Achievements important for the programme"),
            gettext("Interests"),
            gettext("Desired age of mentees"),
            gettext("Convenient time for meetings"),
            gettext("Date of entering the programme"),
            gettext("Full name of the mentee"),
            gettext("Place of work or study of the mentee"),
            gettext("Form of mentoring"),
            gettext("Place where the programme is carried out"),
            gettext("Period of the programme"),
            gettext("Results of the programme"),
            gettext("Link to a case or review"),
            gettext("Link to photos or video"),
        ]
        mentors = self.queryset()
        log_pairs_read(
            self.request,
            without_tier(
                self.request,
                MentorProfile.pairs.rel.related_model.objects.filter(
                    mentor__in=mentors.values("pk")
                ),
            ),
            gettext("Mentor base (export)"),
        )
        for mentor in mentors.iterator(chunk_size=1000):
            person = mentor.participant
            own = [
                person.full_name,
                place(person),
                contacts(person),
                mentor.key_competencies,
                mentor.achievements,
                mentor.interests,
                mentor.desired_age,
                mentor.meeting_time,
                mentor.entered_on,
            ]
            relationships = [
                (pair, membership.mentee)
                for pair in mentor.pairs.all()
                for membership in pair.memberships.all()
            ]
            if not relationships:
                yield [*own, "", "", "", "", "", "", "", ""]
            for pair, mentee in relationships:
                yield [
                    *own,
                    mentee.participant.full_name,
                    place(mentee.participant),
                    pair.form.name,
                    pair.programme.organisation.short_name,
                    period(pair),
                    pair.result,
                    mentee.case_link,
                    mentee.media_link,
                ]
