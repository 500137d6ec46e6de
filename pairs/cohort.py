"""Cohort matching («подбор для всех»): every waiting mentee of a form at once.

One-by-one matching gives the first mentee the best mentor, and the next one what
is left; a mentor who suits two mentees equally goes to whoever came first. Here
every mentee is scored against every candidate by `pairs.matching.score` (the
same points and reasons as on the one-mentee page), and the assignment that
matches the most mentees, and among those the highest total score, is found by
`scipy.optimize.linear_sum_assignment` on a matrix of mentees × free places
(a mentor with three free places is three columns).

Hard rules make a cell impossible, never just expensive: the mentee's consent
(a minor needs a valid consent of a legal representative), the mentor of the
organisation or of the municipal bank (`matching.candidates`), a block of the
form's rules (`Match.blocked`), the mentee already in an open pair of the form,
and free places (capacity − load, the places of the rows the curator fixed
taken first). A mentee who was in a pair with a mentor before gets a bonus with
that mentor, so re-matching prefers the previous mentor.

This only proposes; `pairs.services.pairs_create_lot` creates the pairs, with
the capacity counted again under a lock on each mentor's row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
from django.db.models import Q
from django.utils.translation import gettext as _
from scipy.optimize import linear_sum_assignment

from mentoring.models import MentoringForm, Organisation, Programme, RoleVariant
from pairs import matching
from pairs.matching import PLUS, Match, Reason
from pairs.models import Pair, PairMentee
from pairs.rules import social_risk_mentor_allowed
from people.models import Consent, MenteeProfile, MentorProfile
from people.screening import is_minor_on, without_certificate

PREVIOUS_MENTOR_PLUS = 10
# Mentors offered in a row's «change the mentor» list (the proposed one always).
OPTIONS_SHOWN = 15

# Why a mentee stays without a mentor.
NO_CONSENT = "no_consent"
BUSY = "busy"
NO_CANDIDATE = "no_candidate"
ALL_BLOCKED = "all_blocked"
ALL_FULL = "all_full"
TAKEN = "taken"
LEFT_OUT = "left_out"


@dataclass
class Option:
    """A mentor the curator may choose for a row: the match, the free places
    before this lot, and whether the mentor is full already."""

    match: Match
    free: int

    @property
    def mentor(self):
        return self.match.mentor

    @property
    def is_full(self) -> bool:
        return self.free <= 0


@dataclass
class Row:
    """A proposed pair (or a mentee left without a mentor: `match` is None)."""

    mentee: MenteeProfile
    match: Match | None = None
    fixed: bool = False  # locked or changed by the curator: kept on a re-run
    over_capacity: bool = False  # fixed rows took more places than the mentor has
    in_bank: bool = False
    options: list[Option] = field(default_factory=list)

    @property
    def mentor(self):
        return None if self.match is None else self.match.mentor


@dataclass
class Unmatched:
    mentee: MenteeProfile
    code: str
    reason: str


@dataclass
class Cohort:
    rows: list[Row]  # with a mentor
    unmatched: list[Unmatched]
    # A fixed mentor the rules no longer allow (the data changed, or the form was
    # tampered with): dropped, and said.
    dropped: list[tuple[MenteeProfile, str]] = field(default_factory=list)

    @property
    def total_score(self) -> int:
        return sum(row.match.score for row in self.rows)


# --- Who is in the cohort -----------------------------------------------------------


def in_form(mentee: MenteeProfile, form: MentoringForm) -> bool:
    """The mentee waits for a mentor in `form`: it is their default form
    (`matching.default_form`), or an open request of theirs names it."""
    default = matching.default_form(mentee)
    if default is not None and default.pk == form.pk:
        return True
    return any(r.form_id == form.pk for r in matching.open_requests(mentee))


def cohort_mentees(
    organisation: Organisation, *, form: MentoringForm, programme: Programme
) -> list[MenteeProfile]:
    """Waiting mentees of the organisation in `programme` (or in none yet) who
    wait in `form`, loaded with everything the rules read, by name."""
    mentees = (
        matching.mentee_queryset()
        .for_organisation(organisation)
        .waiting()
        .filter(participant__left_on__isnull=True)
        .filter(Q(programme=programme) | Q(programme__isnull=True))
        .order_by("participant__search_text", "pk")
    )
    return [mentee for mentee in mentees if in_form(mentee, form)]


# --- Hard rules about the mentee ---------------------------------------------------


def mentee_refusals(
    mentees: Sequence[MenteeProfile], *, form: MentoringForm, today: date
) -> dict[int, Unmatched]:
    """Mentees no mentor may take, by pk: a minor without a valid consent, or
    someone already in an open pair of the form (as `pair_create` refuses)."""
    minors = [m for m in mentees if m.participant.is_minor]
    consented = set(
        Consent.objects.valid(today)
        .filter(
            participant__in=[m.participant_id for m in minors],
            scope=Consent.Scope.PROCESSING,
        )
        .values_list("participant_id", flat=True)
    )
    busy = set(
        PairMentee.objects.filter(
            mentee__in=mentees,
            left_on__isnull=True,
            pair__status__in=[Pair.Status.FORMED, Pair.Status.ACTIVE],
            pair__form=form,
        ).values_list("mentee_id", flat=True)
    )
    refused = {}
    for mentee in mentees:
        if mentee.participant.is_minor and mentee.participant_id not in consented:
            refused[mentee.pk] = Unmatched(
                mentee,
                NO_CONSENT,
                _("no valid consent of a legal representative to data processing"),
            )
        elif mentee.pk in busy:
            refused[mentee.pk] = Unmatched(
                mentee, BUSY, _("already in an open pair of this form")
            )
    return refused


def previous_mentors(mentees: Sequence[MenteeProfile]) -> dict[int, set[int]]:
    """Mentors (main or second) of every earlier pair of each mentee."""
    found: dict[int, set[int]] = defaultdict(set)
    links = PairMentee.objects.filter(mentee__in=mentees).values_list(
        "mentee_id", "pair__mentor_id", "pair__co_mentor_id"
    )
    for mentee_id, mentor_id, co_mentor_id in links:
        found[mentee_id].add(mentor_id)
        if co_mentor_id:
            found[mentee_id].add(co_mentor_id)
    return found


def with_previous_bonus(match: Match) -> Match:
    text = _("was this mentee's mentor before")
    return replace(
        match,
        score=match.score + PREVIOUS_MENTOR_PLUS,
        reasons=[*match.reasons, Reason(text, PREVIOUS_MENTOR_PLUS, PLUS)],
    )


# --- The assignment -----------------------------------------------------------------


def best_assignment(
    weights: Sequence[Sequence[int | None]], places: Sequence[int]
) -> dict[int, int]:
    """Row → column maximising first the number of rows assigned, then the sum of
    their weights; `None` is an impossible cell, `places[c]` how many rows column
    `c` takes. Each column is expanded into that many slots, and every row gets a
    «nobody» slot worth 0, so a row with no possible cell stays unassigned."""
    n = len(weights)
    slots = [column for column, count in enumerate(places) for _ in range(count)]
    if n == 0 or not slots:
        return {}
    known = [w for row in weights for w in row if w is not None]
    if not known:
        return {}
    spread = max(abs(w) for w in known) + 1
    # Assigning one more row is worth more than any difference of weights.
    bonus = 2 * spread * (n + 1)
    impossible = -(bonus * (n + 1))
    matrix = np.full((n, len(slots) + n), impossible, dtype=np.int64)
    matrix[:, len(slots) :] = 0
    for i, row in enumerate(weights):
        for s, column in enumerate(slots):
            if row[column] is not None:
                matrix[i, s] = bonus + row[column]
    rows, columns = linear_sum_assignment(matrix, maximize=True)
    return {
        int(i): slots[s]
        for i, s in zip(rows, columns, strict=True)
        if s < len(slots) and matrix[i, s] > 0
    }


def cohort_match(
    mentees: Sequence[MenteeProfile],
    *,
    organisation: Organisation,
    form: MentoringForm,
    role_variant: RoleVariant | None = None,
    today: date,
    fixed: Mapping[int, int | None] | None = None,
    previous: Mapping[int, int] | None = None,
) -> Cohort:
    """Propose a mentor for every mentee (loaded with `matching.mentee_queryset()`).

    `fixed` maps a mentee's pk to the mentor's pk the curator locked or chose (or
    None: leave without a mentor); those rows are kept, their places taken first,
    and the rest is matched again. `previous` is the proposal shown before (mentee
    → mentor): among assignments of equal score, the one that changes fewer rows
    of it is chosen, so a re-run does not shuffle rows for nothing."""
    fixed = dict(fixed or {})
    previous = dict(previous or {})
    mentees = list(mentees)
    refused = mentee_refusals(mentees, form=form, today=today)
    earlier = previous_mentors(mentees)
    candidates = matching.candidate_rows(organisation)
    free = {row.pk: max(row.capacity - row.load, 0) for row in candidates}
    # Only mentors with a free place (or chosen by the curator) can take a row:
    # the others are not scored (a school has hundreds of full mentors), only
    # looked at to say why a mentee stays without one.
    chosen_by_curator = {pk for pk in fixed.values() if pk}
    scored_candidates = [
        row for row in candidates if free[row.pk] > 0 or row.pk in chosen_by_curator
    ]
    full_candidates = [
        row
        for row in candidates
        if free[row.pk] <= 0 and row.pk not in chosen_by_curator
    ]
    full_allowed = any(
        not form.is_social_risk or social_risk_mentor_allowed(row)
        for row in full_candidates
    )
    by_pk = {row.pk: row for row in scored_candidates}
    # A mentor from outside without a certificate in force may not take a minor
    # (people.screening; pair_create refuses it too).
    uncertified = without_certificate(by_pk, today)

    # Every allowed (mentee, mentor) cell, scored; blocked ones kept for reasons.
    scored: dict[int, dict[int, Match]] = {}
    blocked_any: dict[int, bool] = {}
    for mentee in mentees:
        if mentee.pk in refused:
            continue
        cells = {}
        for candidate in scored_candidates:
            if candidate.participant_id == mentee.participant_id:
                continue
            if candidate.pk in uncertified and is_minor_on(mentee.participant, today):
                blocked_any[mentee.pk] = True
                continue
            match = matching.score(
                candidate, [mentee], form=form, role_variant=role_variant, today=today
            )
            if match.blocked:
                blocked_any[mentee.pk] = True
                continue
            if candidate.pk in earlier.get(mentee.pk, ()):
                match = with_previous_bonus(match)
            cells[candidate.pk] = match
        scored[mentee.pk] = cells

    places = dict(free)
    rows: dict[int, Row] = {}
    unmatched: list[Unmatched] = []
    dropped: list[tuple[MenteeProfile, str]] = []

    # The curator's rows first: their places are taken before anyone else's.
    for mentee in mentees:
        if mentee.pk not in fixed:
            continue
        mentor_pk = fixed[mentee.pk]
        if mentee.pk in refused:
            continue  # said below, with the reason
        if mentor_pk is None:
            unmatched.append(
                Unmatched(mentee, LEFT_OUT, _("left without a mentor by the curator"))
            )
            continue
        match = scored[mentee.pk].get(mentor_pk)
        if match is None:
            dropped.append(
                (
                    mentee,
                    _("the chosen mentor is not allowed for this mentee any more"),
                )
            )
            continue
        places[mentor_pk] -= 1
        rows[mentee.pk] = Row(mentee=mentee, match=match, fixed=True)
    for row in rows.values():
        row.over_capacity = places[row.match.mentor.pk] < 0

    # The others: the best assignment into the places left.
    left = [
        m
        for m in mentees
        if m.pk not in refused and m.pk not in rows and fixed.get(m.pk, 0) is not None
    ]
    columns = [pk for pk in by_pk if places[pk] > 0]
    scale = len(left) + 1  # a score point outweighs every «unchanged row» tie-break
    weights = [
        [
            None
            if column not in scored[mentee.pk]
            else scored[mentee.pk][column].score * scale
            + (1 if previous.get(mentee.pk) == column else 0)
            for column in columns
        ]
        for mentee in left
    ]
    chosen = best_assignment(weights, [places[pk] for pk in columns])
    for i, mentee in enumerate(left):
        if i in chosen:
            match = scored[mentee.pk][columns[chosen[i]]]
            rows[mentee.pk] = Row(mentee=mentee, match=match)
            continue
        cells = scored[mentee.pk]
        if not cells and full_allowed:
            code, reason = ALL_FULL, _("every suitable mentor is fully loaded")
        elif not cells and (blocked_any.get(mentee.pk) or full_candidates):
            code, reason = ALL_BLOCKED, _("the form's rules allow none of the mentors")
        elif not cells:
            code, reason = NO_CANDIDATE, _("no mentor ready to work")
        elif all(free[pk] <= 0 for pk in cells):
            code, reason = ALL_FULL, _("every suitable mentor is fully loaded")
        else:
            code, reason = (
                TAKEN,
                _("the free places went to mentees with a better match"),
            )
        unmatched.append(Unmatched(mentee, code, reason))
    unmatched.extend(refused.values())

    # The rows' mentors (and the choices offered) as model instances.
    for mentee_pk, row in rows.items():
        cells = sorted(
            scored[mentee_pk].values(),
            key=lambda m: (-m.score, m.mentor.participant.search_text, m.mentor.pk),
        )
        shown = [m for m in cells if free[m.mentor.pk] > 0][:OPTIONS_SHOWN]
        if row.match.mentor.pk not in {m.mentor.pk for m in shown}:
            shown.append(row.match)
        row.options = [Option(match=m, free=free[m.mentor.pk]) for m in shown]
    load_instances([*rows.values()], organisation)
    order = {mentee.pk: n for n, mentee in enumerate(mentees)}
    return Cohort(
        rows=sorted(rows.values(), key=lambda row: order[row.mentee.pk]),
        unmatched=sorted(unmatched, key=lambda u: order[u.mentee.pk]),
        dropped=dropped,
    )


def load_instances(rows: Sequence[Row], organisation: Organisation) -> None:
    """Replace the plain-value mentors of the rows and their options by model
    instances (one query), keeping the load counted with the scores."""
    wanted = {o.mentor.pk for row in rows for o in row.options}
    instances = MentorProfile.objects.select_related(
        "category", "participant__organisation", "participant__study_group"
    ).in_bulk(wanted)
    for row in rows:
        kept = []
        for option in row.options:
            instance = instances.get(option.mentor.pk)
            if instance is None:  # deleted since the first query
                continue
            instance.load = option.mentor.load
            kept.append(replace(option, match=replace(option.match, mentor=instance)))
        row.options = kept
        for option in kept:
            if option.mentor.pk == row.match.mentor.pk:
                row.match = option.match
        row.in_bank = row.match.mentor.participant.organisation_id != organisation.pk


# --- The greedy one-by-one result (what the tests compare with) -----------------------


def greedy_match(
    mentees: Sequence[MenteeProfile],
    *,
    organisation: Organisation,
    form: MentoringForm,
    role_variant: RoleVariant | None = None,
    today: date,
) -> dict[int, tuple[int, int]]:
    """Mentee pk → (mentor pk, score): each mentee in turn takes the best allowed
    mentor with a free place left, as matching one mentee at a time does."""
    refused = mentee_refusals(mentees, form=form, today=today)
    earlier = previous_mentors(mentees)
    candidates = matching.candidate_rows(organisation)
    places = {row.pk: max(row.capacity - row.load, 0) for row in candidates}
    result = {}
    for mentee in mentees:
        if mentee.pk in refused:
            continue
        best = None
        for candidate in candidates:
            if candidate.participant_id == mentee.participant_id:
                continue
            if places[candidate.pk] <= 0:
                continue
            match = matching.score(
                candidate, [mentee], form=form, role_variant=role_variant, today=today
            )
            if match.blocked:
                continue
            points = match.score + (
                PREVIOUS_MENTOR_PLUS
                if candidate.pk in earlier.get(mentee.pk, ())
                else 0
            )
            if best is None or points > best[1]:
                best = (candidate.pk, points)
        if best is not None:
            places[best[0]] -= 1
            result[mentee.pk] = best
    return result
