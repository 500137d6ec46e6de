"""«Новый учебный год»: close the ending school year of an organisation and open the
next one, after a preview; undo it until the new year's first change.

What a rollover does, in one transaction:
- classes move up: a school class whose name starts with its grade takes the next
  one («5В» → «6В»); any other name (a college group «ТМ-21») keeps its name and
  goes up a grade or course;
- the classes of the last grade (11, or 9 for a basic school; the last course of a
  college) graduate: the class is kept under «11А (выпуск 2026)», so the leavers'
  history still names it, and its pupils leave the organisation (`left_on`) and
  the mentee base (status «left», unless they completed the programme; their open
  requests are closed). Their pairs, meetings and measurements stay;
- the open pairs of the ending year are completed (`pair_close`) or carried over,
  pair by pair: completed by default when the planned end is within the ending
  year, when the mentor leaves, and always when every mentee leaves; a leaver
  leaves a carried-over group;
- a programme that ends with the year gets a successor for the new year (same
  forms and curators, its roadmap copied from the template and dated); a
  programme that goes on keeps its roadmap (copied from the template if it has
  none). Every indicator gets the new year's row: the target carried, the
  baseline from the year's actual;
- the mentor base is not touched beyond what completing a pair does (a mentor
  with no other open pair is «ready to work» again).

Questionnaire campaigns are not created: a campaign has no draft state and invites
people when it is created, so the new year's entry questionnaires are launched from
the monitoring pages once the new pairs are formed.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.lib.cleaning import class_key
from mentoring.models import Organisation, Programme, SchoolYear
from mentoring.roadmap_services import roadmap_from_template, roadmap_template_for
from monitoring.indicator_services import ValueInput, indicator_values_save
from monitoring.models import Indicator, IndicatorValue
from pairs.models import Pair, PairMentee
from pairs.services import pair_close
from people.models import MenteeProfile, MenteeRequest, Participant, StudyGroup
from rollover import snapshot
from rollover.models import Rollover

COMPLETE, CARRY = "complete", "carry"

# A graduated class keeps its name with the year it left (stored data, in the
# school's language): «11А (выпуск 2026)». Such a class never moves again.
GRADUATED_SUFFIX = " (выпуск {year})"
GRADUATED = re.compile(r" \(выпуск \d{4}\)$")
LEADING_GRADE = re.compile(r"(\d{1,2})(.*)", re.DOTALL)
NAME_LENGTH = StudyGroup._meta.get_field("name").max_length

LAST_GRADE = {"school": 11, "college": 4}
BASIC_SCHOOL = re.compile(r"\bООШ\b|основн", re.IGNORECASE)


# --- Years and defaults ---------------------------------------------------------


def year_of(day: date) -> SchoolYear:
    """The school year of `day`: the stored row, else an unsaved one (a preview
    creates nothing)."""
    starts_on, ends_on = SchoolYear.bounds_for(day)
    return SchoolYear.objects.filter(starts_on=starts_on).first() or SchoolYear(
        title=f"{starts_on.year}/{ends_on.year}", starts_on=starts_on, ends_on=ends_on
    )


def default_ending_year(today: date) -> SchoolYear:
    """In summer, the year that is ending; from September on, the one that ended."""
    if today.month in (6, 7, 8):
        return year_of(today)
    return year_of(SchoolYear.bounds_for(today)[0] - timedelta(days=1))


def next_year(year: SchoolYear) -> SchoolYear:
    return year_of(year.ends_on + timedelta(days=1))


def default_last_grade(organisation: Organisation) -> int:
    """11 for a school (9 for a basic one, «ООШ», as its name says), 4 for the last
    course of a college."""
    if organisation.kind == Organisation.Kind.SCHOOL and BASIC_SCHOOL.search(
        f"{organisation.name} {organisation.short_name}"
    ):
        return 9
    return LAST_GRADE.get(organisation.kind, 11)


def ending_year_choices(organisation: Organisation, today: date) -> list[SchoolYear]:
    """Stored school years that can be closed: begun by today, not closed yet."""
    closed = Rollover.objects.for_organisation(organisation).live()
    return list(
        SchoolYear.objects.filter(starts_on__lte=today)
        .exclude(pk__in=closed.values("ending_year"))
        .order_by("-starts_on")
    )


# --- The plan (what the preview shows and the run does) --------------------------


@dataclass
class GroupMove:
    group: StudyGroup
    new_name: str
    new_grade: int
    graduates: bool
    pupils: int


@dataclass
class PairStep:
    pair: Pair
    default: str
    forced: bool
    planned_end_in_year: bool
    leaving_mentees: list = field(default_factory=list)
    mentor_leaves: bool = False
    hidden: bool = False


@dataclass
class ProgrammeStep:
    programme: Programme
    opens_successor: bool
    new_title: str = ""
    roadmap_copied: bool = False
    roadmap_rows_in_new_year: int = 0
    indicators: int = 0


@dataclass
class RolloverPlan:
    organisation: Organisation
    ending_year: SchoolYear
    new_year: SchoolYear
    last_grade: int
    close_on: date
    groups: list[GroupMove]
    leavers: list[Participant]
    pairs: list[PairStep]
    programmes: list[ProgrammeStep]
    problems: list[str]

    @property
    def moving(self) -> list[GroupMove]:
        return [move for move in self.groups if not move.graduates]

    @property
    def graduating(self) -> list[GroupMove]:
        return [move for move in self.groups if move.graduates]


def moved_name(name: str, grade: int) -> str:
    """«5В» of grade 5 → «6В»; a name that does not start with its grade is kept."""
    match = LEADING_GRADE.fullmatch(name)
    if match and int(match[1]) == grade:
        return f"{grade + 1}{match[2]}"
    return name


def graduated_name(name: str, year: SchoolYear) -> str:
    suffix = GRADUATED_SUFFIX.format(year=year.ends_on.year)
    return name[: NAME_LENGTH - len(suffix)] + suffix


def _group_moves(organisation, ending_year, last_grade) -> list[GroupMove]:
    groups = (
        StudyGroup.objects.filter(organisation=organisation)
        .annotate(
            everyone=Count("participants"),
            present=Count("participants", filter=Q(participants__left_on__isnull=True)),
        )
        .order_by("-grade", "name")
    )
    moves = []
    for group in groups:
        if GRADUATED.search(group.name) or (group.everyone and not group.present):
            continue  # a class of former pupils: history, not a class of the year
        graduates = group.grade >= last_grade
        moves.append(
            GroupMove(
                group=group,
                new_name=graduated_name(group.name, ending_year)
                if graduates
                else moved_name(group.name, group.grade),
                new_grade=group.grade if graduates else group.grade + 1,
                graduates=graduates,
                pupils=group.present,
            )
        )
    return moves


def _name_clashes(organisation, moves: list[GroupMove]) -> list[str]:
    moved = {move.group.pk for move in moves}
    staying = StudyGroup.objects.filter(organisation=organisation).exclude(pk__in=moved)
    final = [*staying.values_list("name", flat=True)]
    final += [move.new_name for move in moves]
    seen, clashes = set(), []
    for name in final:
        key = class_key(name)
        if key in seen:
            clashes.append(
                gettext(
                    "After the move the organisation would have two classes named "
                    "«%(name)s»: rename one of them first."
                )
                % {"name": name}
            )
        seen.add(key)
    return clashes


def _programme_steps(organisation, ending_year, new_year) -> list[ProgrammeStep]:
    steps = []
    programmes = Programme.objects.for_organisation(organisation).filter(
        starts_on__lte=ending_year.ends_on, ends_on__gte=ending_year.starts_on
    )
    covering = Programme.objects.for_organisation(organisation).filter(
        starts_on__lte=new_year.starts_on, ends_on__gte=new_year.starts_on
    )
    template = roadmap_template_for(organisation)
    for programme in programmes.order_by("starts_on", "pk"):
        indicators = programme.indicators.count()
        if programme.ends_on > ending_year.ends_on:
            rows = programme.roadmap_items.filter(
                Q(due_to__gte=new_year.starts_on) | Q(due_to__isnull=True),
                Q(due_from__lte=new_year.ends_on) | Q(due_from__isnull=True),
            ).count()
            copy = template is not None and not programme.roadmap_items.exists()
            steps.append(
                ProgrammeStep(
                    programme=programme,
                    opens_successor=False,
                    roadmap_copied=copy,
                    roadmap_rows_in_new_year=template.items.count() if copy else rows,
                    indicators=indicators,
                )
            )
        elif not covering.exclude(pk=programme.pk).exists():
            steps.append(
                ProgrammeStep(
                    programme=programme,
                    opens_successor=True,
                    new_title=f"{programme.title} ({new_year.title})"[:500],
                    roadmap_copied=template is not None,
                    roadmap_rows_in_new_year=template.items.count() if template else 0,
                    indicators=indicators,
                )
            )
    return steps


def rollover_plan(
    *,
    organisation: Organisation,
    ending_year: SchoolYear,
    last_grade: int | None = None,
    today: date | None = None,
    hidden_pair_ids: set[int] = frozenset(),
) -> RolloverPlan:
    """What a rollover would do now; reads only. `hidden_pair_ids`: pairs the
    viewer may not see (the social-risk tier), marked so the page leaves them out."""
    today = today or timezone.localdate()
    last_grade = last_grade or default_last_grade(organisation)
    new_year = next_year(ending_year)
    close_on = min(ending_year.ends_on, today)
    problems = []
    if not 1 <= last_grade <= 11:
        problems.append(gettext("The last grade or course must be from 1 to 11."))
    if ending_year.starts_on > today:
        problems.append(gettext("This school year has not begun yet."))
    live = Rollover.objects.for_organisation(organisation).live()
    if ending_year.pk and live.filter(ending_year=ending_year).exists():
        problems.append(
            gettext("This school year has already been closed for the organisation.")
        )
    if live.filter(ending_year__starts_on__gt=ending_year.starts_on).exists():
        problems.append(gettext("A later school year has already been closed."))

    groups = _group_moves(organisation, ending_year, last_grade)
    problems += _name_clashes(organisation, groups)
    graduating = [move.group.pk for move in groups if move.graduates]
    leavers = list(
        Participant.objects.filter(
            organisation=organisation,
            study_group__in=graduating,
            left_on__isnull=True,
        ).select_related("study_group")
    )
    leaver_ids = {person.pk for person in leavers}

    pairs = []
    open_pairs = (
        Pair.objects.for_organisation(organisation)
        .open()
        .filter(start_on__lte=close_on)
        .select_related("mentor__participant", "role_variant", "form")
        .prefetch_related("memberships__mentee__participant")
        .order_by("planned_end_on", "pk")
    )
    for pair in open_pairs:
        links = [link for link in pair.memberships.all() if link.left_on is None]
        leaving = [
            link.mentee for link in links if link.mentee.participant_id in leaver_ids
        ]
        all_leave = bool(links) and len(leaving) == len(links)
        mentor_leaves = pair.mentor.participant_id in leaver_ids
        in_year = pair.planned_end_on <= ending_year.ends_on
        pairs.append(
            PairStep(
                pair=pair,
                default=COMPLETE if in_year or all_leave or mentor_leaves else CARRY,
                forced=all_leave,
                planned_end_in_year=in_year,
                leaving_mentees=leaving,
                mentor_leaves=mentor_leaves,
                hidden=pair.pk in hidden_pair_ids,
            )
        )
    return RolloverPlan(
        organisation=organisation,
        ending_year=ending_year,
        new_year=new_year,
        last_grade=last_grade,
        close_on=close_on,
        groups=groups,
        leavers=leavers,
        pairs=pairs,
        programmes=_programme_steps(organisation, ending_year, new_year),
        problems=problems,
    )


# --- The run ---------------------------------------------------------------------


def _open_successor(step: ProgrammeStep, new_year: SchoolYear, by) -> Programme:
    old = step.programme
    new = Programme(
        organisation=old.organisation,
        title=step.new_title,
        goal=old.goal,
        starts_on=new_year.starts_on,
        ends_on=new_year.ends_on,
        stale_after_days=old.stale_after_days,
    )
    new.full_clean()
    new.save()
    new.forms.set(old.forms.all())
    new.curators.set(old.curators.all())
    if step.roadmap_copied:
        roadmap_from_template(programme=new, by=by)
    for indicator in old.indicators.order_by("order", "pk"):
        Indicator.objects.create(
            programme=new,
            group=indicator.group,
            number=indicator.number,
            order=indicator.order,
            name=indicator.name,
            unit=indicator.unit,
            computed=indicator.computed,
        )
    return new


def _carry_indicators(old: Programme, new: Programme, ending_year, new_year) -> None:
    """Each indicator of `new` gets the new year's row (unless it has one): the
    ending year's target of the same indicator of `old` (matched by number and
    order), its actual as the baseline, else its baseline."""
    before = {
        (value.indicator.number, value.indicator.order): value
        for value in IndicatorValue.objects.filter(
            indicator__programme=old, school_year=ending_year
        ).select_related("indicator")
    }
    has_row = set(
        IndicatorValue.objects.filter(
            indicator__programme=new, school_year=new_year
        ).values_list("indicator_id", flat=True)
    )
    rows = []
    for indicator in new.indicators.exclude(pk__in=has_row):
        value = before.get((indicator.number, indicator.order))
        if value is None:
            continue
        baseline = value.actual if value.actual is not None else value.baseline
        row = ValueInput(indicator=indicator, baseline=baseline, target=value.target)
        if not row.is_empty:
            rows.append(row)
    if rows:
        indicator_values_save(programme=new, school_year=new_year, rows=rows)


WATCHED = [
    # (model label, path to the organisation, what a new row means)
    ("pairs.pair", "programme__organisation", _("a pair or group was formed")),
    ("pairs.meeting", "programme__organisation", _("a meeting was recorded")),
    (
        "monitoring.measurement",
        "participant__organisation",
        _("a measurement was entered"),
    ),
    ("pairs.feedback", "pair__programme__organisation", _("feedback was given")),
    (
        "monitoring.response",
        "campaign__programme__organisation",
        _("a questionnaire was answered"),
    ),
    (
        "monitoring.campaign",
        "programme__organisation",
        _("a questionnaire was launched"),
    ),
    ("pairs.reward", "organisation", _("a reward was granted")),
    ("pairs.planitem", "plan__pair__programme__organisation", _("a plan was changed")),
    ("pairs.pairorder", "organisation", _("an order was approved")),
    ("people.studygroup", "organisation", _("a class was added")),
    ("people.participant", "organisation", _("a person was added")),
    ("people.menteeprofile", "participant__organisation", _("a mentee was added")),
    ("people.mentorprofile", "participant__organisation", _("a mentor was added")),
    ("mentoring.roadmapitem", "programme__organisation", _("a roadmap row was added")),
    (
        "monitoring.indicatorvalue",
        "indicator__programme__organisation",
        _("indicator values were entered"),
    ),
]
TOUCHED = [
    # (model label, path to the organisation, what a later change means)
    ("pairs.pair", "programme__organisation", _("a pair or group was changed")),
    ("pairs.meeting", "programme__organisation", _("a meeting was changed")),
    ("pairs.planitem", "plan__pair__programme__organisation", _("a plan was changed")),
    ("people.participant", "organisation", _("a person's card was changed")),
    (
        "people.menteeprofile",
        "participant__organisation",
        _("the mentee base was changed"),
    ),
    (
        "people.mentorprofile",
        "participant__organisation",
        _("the mentor base was changed"),
    ),
    ("mentoring.roadmapitem", "programme__organisation", _("the roadmap was changed")),
    ("mentoring.programme", "organisation", _("a programme was changed")),
]


@transaction.atomic
def rollover_run(
    *,
    organisation: Organisation,
    ending_year: SchoolYear,
    by,
    last_grade: int | None = None,
    choices: dict[int, str] | None = None,
    today: date | None = None,
) -> Rollover:
    """Close `ending_year` and open the next one. `choices`: pair id → «complete» or
    «carry»; a pair not named takes its default (a pair whose every mentee leaves
    is always completed). Refused, changing nothing, when the preview shows a
    problem."""
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    today = today or timezone.localdate()
    choices = choices or {}
    if ending_year.pk is None:
        ending_year = SchoolYear.for_date(ending_year.starts_on)
    plan = rollover_plan(
        organisation=organisation,
        ending_year=ending_year,
        last_grade=last_grade,
        today=today,
    )
    if plan.problems:
        raise ValidationError(plan.problems)
    if any(value not in (COMPLETE, CARRY) for value in choices.values()):
        raise ValidationError(_("Choose to complete or to carry over each pair."))
    before = snapshot.dump(organisation)
    new_year = SchoolYear.for_date(plan.new_year.starts_on)

    # Programmes first: a carried-over pair of an ending programme moves on.
    successor: dict[int, Programme] = {}
    for step in plan.programmes:
        if step.opens_successor:
            new = _open_successor(step, new_year, by)
            successor[step.programme.pk] = new
            _carry_indicators(step.programme, new, ending_year, new_year)
        else:
            if step.roadmap_copied:
                roadmap_from_template(programme=step.programme, by=by)
            _carry_indicators(step.programme, step.programme, ending_year, new_year)

    # Graduating classes free their names before the others take them; then from
    # the top grade down, so «10А» becomes «11А» after «11А» has moved on.
    for move in plan.graduating + plan.moving:
        move.group.name, move.group.grade = move.new_name, move.new_grade
        move.group.full_clean()
        move.group.save(update_fields=["name", "grade"])

    leaver_ids = {person.pk for person in plan.leavers}
    result = gettext("Completed at the end of the school year %(year)s.") % {
        "year": ending_year.title
    }
    completed = carried = 0
    for step in plan.pairs:
        pair = step.pair
        action = COMPLETE if step.forced else choices.get(pair.pk, step.default)
        if action == COMPLETE:
            pair_close(
                pair=pair,
                ended_on=max(plan.close_on, pair.start_on),
                result=result,
                by=by,
            )
            completed += 1
            continue
        carried += 1
        for link in PairMentee.objects.filter(
            pair=pair, left_on__isnull=True, mentee__participant__in=leaver_ids
        ):
            link.left_on = max(plan.close_on, link.joined_on)
            link.full_clean()
            link.save(update_fields=["left_on"])

    now = timezone.now()
    for person in plan.leavers:
        person.left_on = plan.close_on
        person.save(update_fields=["left_on", "updated_at"])
    MenteeProfile.objects.filter(participant__in=leaver_ids).exclude(
        status__in=[MenteeProfile.Status.COMPLETED, MenteeProfile.Status.LEFT]
    ).update(status=MenteeProfile.Status.LEFT, updated_at=now)
    MenteeRequest.objects.filter(
        mentee__participant__in=leaver_ids,
        status__in=[MenteeRequest.Status.OPEN, MenteeRequest.Status.COVERED],
    ).update(status=MenteeRequest.Status.CLOSED)
    for old_pk, new in successor.items():
        # Whatever of the ending programme goes on belongs to its successor.
        for pair in Pair.objects.filter(programme_id=old_pk).open():
            pair.programme = new
            pair.save(update_fields=["programme", "updated_at"])
        MenteeProfile.objects.filter(
            programme_id=old_pk,
            status__in=[MenteeProfile.Status.WAITING, MenteeProfile.Status.IN_PAIR],
        ).update(programme=new, updated_at=now)

    changes = snapshot.difference(before, snapshot.dump(organisation))
    if changes["deleted"]:  # nothing the rollover calls deletes; never undo blind
        raise RuntimeError(f"A rollover deleted rows: {changes['deleted']}")
    return Rollover.objects.create(
        organisation=organisation,
        ending_year=ending_year,
        new_year=new_year,
        last_grade=plan.last_grade,
        performed_by=by,
        performed_at=timezone.now(),
        summary={
            "classes_moved": len(plan.moving),
            "classes_graduated": len(plan.graduating),
            "leavers": len(plan.leavers),
            "pairs_completed": completed,
            "pairs_carried": carried,
            "programmes_opened": len(successor),
        },
        changes=changes,
        watermarks=snapshot.watermarks([label for label, _p, _m in WATCHED]),
    )


# --- Undo ------------------------------------------------------------------------


def undo_refusal(rollover: Rollover) -> str | None:
    """Why the rollover can no longer be undone, in one sentence; None when it can.
    Anything new or changed in the organisation since the run (a pair, a meeting,
    a measurement, an edited card, …) counts as the new year's first change."""
    if not rollover.is_live:
        return gettext("This rollover has already been undone.")
    organisation = rollover.organisation
    later = Rollover.objects.for_organisation(organisation).live()
    if later.filter(ending_year__starts_on__gt=rollover.ending_year.starts_on).exists():
        return gettext("A later school year has been closed since: undo that first.")
    found = []
    for label, path, message in WATCHED:
        rows = snapshot.get_model(label)._base_manager.filter(
            **{path: organisation, "pk__gt": rollover.watermarks.get(label, 0)}
        )
        if rows.exists():
            found.append(str(message))
    for label, path, message in TOUCHED:
        rows = snapshot.get_model(label)._base_manager.filter(
            **{path: organisation, "updated_at__gt": rollover.performed_at}
        )
        if rows.exists():
            found.append(str(message))
    if snapshot.drifted(rollover.changes, organisation):
        found.append(gettext("rows the rollover changed were edited"))
    if not found:
        return None
    return gettext(
        "The new school year has begun to change, so the rollover can no longer "
        "be undone: since it, %(what)s."
    ) % {"what": "; ".join(dict.fromkeys(found))}


@transaction.atomic
def rollover_undo(*, rollover: Rollover, by) -> Rollover:
    """Put every row the rollover changed back as it was and delete what it
    created, in one transaction — refused, changing nothing, once the new year has
    begun to change (`undo_refusal`)."""
    rollover = (
        Rollover.objects.select_for_update()
        .select_related("organisation", "ending_year")
        .get(pk=rollover.pk)
    )
    refusal = undo_refusal(rollover)
    if refusal:
        raise ValidationError(refusal)
    snapshot.restore(rollover.changes)
    rollover.status = Rollover.Status.UNDONE
    rollover.undone_by, rollover.undone_at = by, timezone.now()
    rollover.save(update_fields=["status", "undone_by", "undone_at"])
    return rollover
