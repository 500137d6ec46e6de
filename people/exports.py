"""Exporters of the two bases in the layout of the federal templates
(«Форма базы наставляемых», «Форма базы наставников»): one row per relationship —
a person with two pairs has two rows, a person without a pair has one row with the
partner's columns empty. See mentoring/lib/export.py for the pattern.

A base is read as `values()` rows, a chunk of people at a time, and their requests,
pairs and partners joined in dicts: a district's 10 000 mentees through prefetches
cost ten seconds of queryset clones and model instances, and memory that grew with
the rows; this way the queries per chunk are fixed and memory holds one chunk."""

from itertools import islice

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

# People per chunk: each chunk's requests and pairs are read with its ids as
# parameters, under the 999 that Django assumes SQLite allows.
CHUNK_SIZE = 900


def contacts(participant) -> str:
    """Phone and e-mail; for a minor, the legal representative's."""
    if participant.is_minor and (
        participant.representative_name or participant.representative_phone
    ):
        parts = [participant.representative_name, participant.representative_phone]
        return gettext("representative: %(who)s") % {
            "who": ", ".join(part for part in parts if part)
        }
    return ", ".join(part for part in (participant.phone, participant.email) if part)


def work_place(position: str, workplace: str) -> str:
    return ", ".join(part for part in (position, workplace) if part)


def place(participant: Participant) -> str:
    """Class or group for pupils and students, else position and place of work."""
    if participant.study_group_id:
        return str(participant.study_group)
    return work_place(
        participant.position,
        participant.workplace or participant.organisation.short_name,
    )


def period(pair) -> str:
    end = pair.ended_on or pair.planned_end_on
    return f"{pair.start_on:%d.%m.%Y} – {end:%d.%m.%Y}"


class Person:
    """A participant's exported fields from a `values()` row, with the model's own
    `full_name`, `age` and `is_minor` (so `contacts` reads it as a participant)."""

    FIELDS = (
        "kind",
        "last_name",
        "first_name",
        "middle_name",
        "birth_date",
        "phone",
        "email",
        "representative_name",
        "representative_phone",
        "study_group_id",
        "position",
        "workplace",
    )
    __slots__ = (*FIELDS, "study_group_name", "organisation_name")
    Kind = Participant.Kind
    full_name = Participant.full_name
    age_on = Participant.age_on
    age = Participant.age
    is_minor = Participant.is_minor

    @classmethod
    def lookups(cls, prefix: str) -> list[str]:
        """The `values()` names of a participant reached by `prefix`."""
        return [
            *(f"{prefix}{name}" for name in cls.FIELDS),
            f"{prefix}study_group__name",
            f"{prefix}organisation__short_name",
        ]

    def __init__(self, row: dict, prefix: str):
        for name in self.FIELDS:
            setattr(self, name, row[f"{prefix}{name}"])
        self.study_group_name = row[f"{prefix}study_group__name"]
        self.organisation_name = row[f"{prefix}organisation__short_name"]

    @property
    def place(self) -> str:
        """As `place(participant)`."""
        if self.study_group_id:
            return self.study_group_name
        return work_place(self.position, self.workplace or self.organisation_name)


class PairValues:
    """The fields of a pair that `period` and the mark read, from a `values()` row."""

    __slots__ = ("start_on", "ended_on", "planned_end_on", "status")

    def __init__(self, row: dict, prefix: str):
        for name in self.__slots__:
            setattr(self, name, row[f"{prefix}{name}"])


class AgeRange:
    """A mentor's desired ages, shown by the model's own `desired_age`."""

    __slots__ = ("desired_age_min", "desired_age_max")
    desired_age = MentorProfile.desired_age

    def __init__(self, low, high):
        self.desired_age_min, self.desired_age_max = low, high


def pair_lookups(prefix: str) -> list[str]:
    return [
        *(f"{prefix}{name}" for name in PairValues.__slots__),
        f"{prefix}result",
        f"{prefix}form__name",
        f"{prefix}programme__organisation__short_name",
    ]


def chunks(rows, size: int):
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


def grouped(rows, key: str) -> dict[int, list[dict]]:
    """`values()` rows by `key`, each group in the rows' order."""
    groups: dict[int, list[dict]] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    return groups


def status_labels(model) -> dict:
    """A model's status labels by value, as `get_status_display` shows them."""
    return {
        value: str(label)
        for value, label in model._meta.get_field("status").flatchoices
    }


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
        return queryset.order_by("participant__search_text", "pk")

    def memberships(self):
        model = MenteeProfile.pair_memberships.rel.related_model
        return without_tier(self.request, model.objects.all()).order_by(
            "joined_on", "pk"
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
        memberships = self.memberships()
        labels = status_labels(memberships.model.pair.field.related_model)
        mentee_fields = [
            "pk",
            "entered_on",
            "results",
            "completion_mark",
            "case_link",
            "media_link",
            *Person.lookups("participant__"),
        ]
        membership_fields = [
            "mentee_id",
            *pair_lookups("pair__"),
            *Person.lookups("pair__mentor__participant__"),
        ]
        rows = mentees.values(*mentee_fields).iterator(chunk_size=CHUNK_SIZE)
        for chunk in chunks(rows, CHUNK_SIZE):
            ids = [mentee["pk"] for mentee in chunk]
            requests = grouped(
                visible_requests(
                    self.request, MenteeRequest.objects.filter(mentee_id__in=ids)
                ).values("mentee_id", "text", "status"),
                "mentee_id",
            )
            pairs = grouped(
                memberships.filter(mentee_id__in=ids).values(*membership_fields),
                "mentee_id",
            )
            for mentee in chunk:
                yield from self.mentee_rows(
                    mentee,
                    requests.get(mentee["pk"], ()),
                    pairs.get(mentee["pk"], ()),
                    labels,
                )

    def mentee_rows(self, mentee: dict, requests, memberships, labels):
        person = Person(mentee, "participant__")
        closed = MenteeRequest.Status.CLOSED
        texts = "; ".join(
            request["text"] for request in requests if request["status"] != closed
        ) or "; ".join(request["text"] for request in requests)
        own = [
            person.full_name,
            contacts(person),
            person.age,
            person.place,
            texts,
            mentee["entered_on"],
        ]
        tail = [mentee["case_link"], mentee["media_link"]]
        if not memberships:
            yield [
                *own,
                "",
                "",
                "",
                "",
                "",
                mentee["results"],
                mentee["completion_mark"],
                *tail,
            ]
        for membership in memberships:
            pair = PairValues(membership, "pair__")
            mentor = Person(membership, "pair__mentor__participant__")
            yield [
                *own,
                mentor.full_name,
                mentor.place,
                membership["pair__form__name"],
                membership["pair__programme__organisation__short_name"],
                period(pair),
                membership["pair__result"] or mentee["results"],
                mentee["completion_mark"] or labels.get(pair.status, pair.status),
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
        return queryset.order_by("participant__search_text", "pk")

    def pairs(self):
        return without_tier(
            self.request, MentorProfile.pairs.rel.related_model.objects.all()
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
            self.pairs().filter(mentor__in=mentors.values("pk")),
            gettext("Mentor base (export)"),
        )
        pair_model = MentorProfile.pairs.rel.related_model
        memberships = pair_model.memberships.rel.related_model.objects.all()
        mentor_fields = [
            "pk",
            "key_competencies",
            "achievements",
            "interests",
            "desired_age_min",
            "desired_age_max",
            "meeting_time",
            "entered_on",
            *Person.lookups("participant__"),
        ]
        pair_fields = ["pk", "mentor_id", *pair_lookups("")]
        membership_fields = [
            "pair_id",
            "mentee__case_link",
            "mentee__media_link",
            *Person.lookups("mentee__participant__"),
        ]
        rows = mentors.values(*mentor_fields).iterator(chunk_size=CHUNK_SIZE)
        for chunk in chunks(rows, CHUNK_SIZE):
            pairs = self.pairs().filter(mentor_id__in=[row["pk"] for row in chunk])
            mentees = grouped(
                memberships.filter(pair__in=pairs.values("pk"))
                .order_by("mentee__participant__search_text", "pk")
                .values(*membership_fields),
                "pair_id",
            )
            by_mentor = grouped(
                pairs.order_by("start_on", "pk").values(*pair_fields), "mentor_id"
            )
            for mentor in chunk:
                yield from self.mentor_rows(
                    mentor, by_mentor.get(mentor["pk"], ()), mentees
                )

    def mentor_rows(self, mentor: dict, pairs, mentees):
        person = Person(mentor, "participant__")
        own = [
            person.full_name,
            person.place,
            contacts(person),
            mentor["key_competencies"],
            mentor["achievements"],
            mentor["interests"],
            AgeRange(mentor["desired_age_min"], mentor["desired_age_max"]).desired_age,
            mentor["meeting_time"],
            mentor["entered_on"],
        ]
        relationships = [
            (pair, mentee) for pair in pairs for mentee in mentees.get(pair["pk"], ())
        ]
        if not relationships:
            yield [*own, "", "", "", "", "", "", "", ""]
        for pair, mentee in relationships:
            partner = Person(mentee, "mentee__participant__")
            yield [
                *own,
                partner.full_name,
                partner.place,
                pair["form__name"],
                pair["programme__organisation__short_name"],
                period(PairValues(pair, "")),
                pair["result"],
                mentee["mentee__case_link"],
                mentee["mentee__media_link"],
            ]
