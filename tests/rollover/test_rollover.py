"""«Новый учебный год» on the demo data: every class moves, the leavers leave the
active base with their history kept, undo restores every affected row exactly and
is refused once the new year has changed; the preview changes nothing; only the
organisation's managers reach it."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from mentoring.models import MeetingType, Organisation, Programme, SchoolYear
from monitoring.models import IndicatorValue, Measurement
from pairs.management.commands import _demo_texts as texts
from pairs.models import Meeting, Pair, PairMentee
from people.models import MenteeProfile, Participant, StudyGroup, User
from rollover import snapshot
from rollover.models import Rollover
from rollover.services import (
    CARRY,
    COMPLETE,
    default_ending_year,
    default_last_grade,
    moved_name,
    next_year,
    rollover_plan,
    rollover_run,
    rollover_undo,
    undo_refusal,
)
from tests import factories as f

ACTIVE_MENTEE = [MenteeProfile.Status.WAITING, MenteeProfile.Status.IN_PAIR]


def all_rows() -> dict:
    """Every row of the tables a rollover may touch (all organisations), and the
    meetings and measurements that must survive it."""
    labels = [label for label, _path in snapshot.TRACKED]
    labels += ["pairs.meeting", "monitoring.measurement", "mentoring.organisation"]
    rows = {}
    for label in labels:
        model = apps.get_model(label)
        rows[label] = list(model._base_manager.order_by("pk").values())
    for label, name in snapshot.TRACKED_LINKS:
        through = apps.get_model(label)._meta.get_field(name).remote_field.through
        rows[through._meta.label_lower] = list(through.objects.order_by("pk").values())
    return rows


@pytest.fixture
def demo(demo_data, db):
    return {
        key: Organisation.objects.get(short_name=data["short_name"])
        for key, data in texts.ORGANISATIONS.items()
    }


def user(username: str) -> User:
    return User.objects.get(username=username)


def run(organisation, **kwargs) -> Rollover:
    return rollover_run(
        organisation=organisation,
        ending_year=SchoolYear.for_date(
            default_ending_year(timezone.localdate()).starts_on
        ),
        by=None,
        **kwargs,
    )


def test_every_class_moves_and_the_last_one_graduates(demo):
    before = {
        key: {g.pk: (g.name, g.grade) for g in org.study_groups.all()}
        for key, org in demo.items()
    }
    for org in demo.values():
        run(org)
    year = default_ending_year(timezone.localdate()).ends_on.year
    for key, org in demo.items():
        last = 4 if org.kind == "college" else 11
        after = {g.pk: (g.name, g.grade) for g in org.study_groups.all()}
        assert after.keys() == before[key].keys()
        for pk, (name, grade) in before[key].items():
            if grade >= last:
                assert after[pk] == (f"{name} (выпуск {year})", grade)
            elif org.kind == "college":
                assert after[pk] == (name, grade + 1)  # «ТМ-21» keeps its name
            else:
                assert after[pk] == (f"{grade + 1}{name[len(str(grade)) :]}", grade + 1)
    sosh1 = {g.name for g in demo["sosh1"].study_groups.all()}
    assert {"6А", "11А", "11Б", f"11А (выпуск {year})"} <= sosh1
    assert "5А" not in sosh1


def test_leavers_leave_the_active_base_with_their_history(demo):
    school = demo["sosh1"]
    graduates = Participant.objects.filter(
        organisation=school, study_group__grade=11, left_on__isnull=True
    )
    leaver_ids = set(graduates.values_list("pk", flat=True))
    assert leaver_ids
    pairs_of = set(
        PairMentee.objects.filter(mentee__participant__in=leaver_ids).values_list(
            "pair", flat=True
        )
    )
    meetings = Meeting.objects.filter(pair__in=pairs_of).count()
    measurements = Measurement.objects.filter(participant__in=leaver_ids).count()
    assert pairs_of and meetings

    rollover = run(school)

    leavers = Participant.objects.filter(pk__in=leaver_ids)
    assert all(person.left_on for person in leavers)
    assert not MenteeProfile.objects.filter(
        participant__in=leaver_ids, status__in=ACTIVE_MENTEE
    ).exists()
    assert not PairMentee.objects.filter(
        mentee__participant__in=leaver_ids,
        left_on__isnull=True,
        pair__status__in=["formed", "active"],
    ).exists()
    # History kept: the same pairs, meetings and measurements, the class named.
    assert Pair.objects.filter(pk__in=pairs_of).count() == len(pairs_of)
    assert Meeting.objects.filter(pair__in=pairs_of).count() == meetings
    assert Measurement.objects.filter(participant__in=leaver_ids).count() == (
        measurements
    )
    assert all("выпуск" in person.study_group.name for person in leavers)
    assert rollover.summary["leavers"] == len(leaver_ids)
    # The mentor base stays.
    assert school.participants.filter(
        mentor_profile__isnull=False, left_on__isnull=True
    ).exists()


def test_undo_restores_the_state_exactly(demo):
    before = all_rows()
    rollovers = [run(org) for org in demo.values()]
    assert all_rows() != before
    for rollover in reversed(rollovers):
        assert undo_refusal(rollover) is None
        rollover_undo(rollover=rollover, by=None)
    assert all_rows() == before
    assert {r.status for r in Rollover.objects.all()} == {Rollover.Status.UNDONE}


def test_undo_is_refused_after_the_new_year_changes(demo):
    school = demo["sosh1"]
    rollover = run(school)
    pair = Pair.objects.for_organisation(school).open().first()
    Meeting.objects.create(
        programme=pair.programme,
        pair=pair,
        meeting_type=MeetingType.objects.get(code="regular"),
        held_on=timezone.localdate(),
        topic="Первая встреча нового года",
        author=user("curator1"),
    )
    state = all_rows()
    refusal = undo_refusal(rollover)
    assert refusal and gettext("a meeting was recorded") in refusal
    with pytest.raises(ValidationError):
        rollover_undo(rollover=rollover, by=None)
    assert all_rows() == state
    rollover.refresh_from_db()
    assert rollover.is_live
    # A year closes once.
    with pytest.raises(ValidationError):
        run(school)


def test_an_edited_class_blocks_the_undo(demo):
    """A class has no timestamp: caught as a row the rollover changed and that was
    edited since."""
    school = demo["oktyabr"]
    rollover = run(school)
    assert undo_refusal(rollover) is None
    group = StudyGroup.objects.filter(organisation=school, grade=7).first()
    group.name = "7Я"
    group.save()
    assert gettext("rows the rollover changed were edited") in undo_refusal(rollover)


def test_pairs_are_completed_or_carried_over_by_choice(demo):
    """Each pair takes the curator's choice, else its default; a pair whose every
    mentee leaves is completed whatever is sent."""
    school = demo["sosh1"]
    plan = rollover_plan(
        organisation=school, ending_year=default_ending_year(timezone.localdate())
    )
    to_carry = next(s for s in plan.pairs if s.default == COMPLETE and not s.forced)
    to_complete = next(s for s in plan.pairs if s.default == CARRY)
    by_default = [
        s
        for s in plan.pairs
        if s.pair.pk not in (to_carry.pair.pk, to_complete.pair.pk)
    ]
    forced = [s.pair.pk for s in plan.pairs if s.forced]
    choices = {to_carry.pair.pk: CARRY, to_complete.pair.pk: COMPLETE}
    choices.update(dict.fromkeys(forced, CARRY))
    rollover = run(school, choices=choices)

    status = dict(Pair.objects.values_list("pk", "status"))
    assert status[to_carry.pair.pk] in ("formed", "active")
    assert status[to_complete.pair.pk] == Pair.Status.COMPLETED
    assert all(status[pk] == Pair.Status.COMPLETED for pk in forced)
    for step in by_default:
        closed = status[step.pair.pk] == Pair.Status.COMPLETED
        assert closed == (step.default == COMPLETE)
    assert rollover.summary["pairs_completed"] + rollover.summary["pairs_carried"] == (
        len(plan.pairs)
    )


def test_a_programme_that_ends_gets_its_successor(demo):
    school = demo["sosh1"]
    ending = SchoolYear.for_date(default_ending_year(timezone.localdate()).starts_on)
    programme = Programme.objects.for_organisation(school).first()
    Programme.objects.filter(pk=programme.pk).update(
        starts_on=min(programme.starts_on, ending.starts_on), ends_on=ending.ends_on
    )
    Programme.objects.for_organisation(school).exclude(pk=programme.pk).update(
        ends_on=ending.ends_on
    )
    indicator = programme.indicators.first()
    assert indicator is not None
    IndicatorValue.objects.update_or_create(
        indicator=indicator,
        school_year=ending,
        defaults={"baseline": 10, "target": 40, "actual": 30},
    )
    before = all_rows()
    rollover = run(school)
    new = Programme.objects.for_organisation(school).get(
        title=f"{programme.title} ({rollover.new_year.title})"
    )
    assert new.starts_on == ending.ends_on + timedelta(days=1)
    assert set(new.forms.all()) == set(programme.forms.all())
    assert new.roadmap_items.exists()
    assert all(
        item.due_from is None or item.due_from >= new.starts_on
        for item in new.roadmap_items.all()
    )
    copied = IndicatorValue.objects.get(
        indicator__programme=new,
        indicator__number=indicator.number,
        indicator__order=indicator.order,
        school_year=rollover.new_year,
    )
    assert (copied.baseline, copied.target, copied.actual) == (30, 40, None)
    assert not Pair.objects.filter(programme=programme).open().exists()
    rollover_undo(rollover=rollover, by=None)
    assert all_rows() == before


# --- Pages -----------------------------------------------------------------------


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def test_the_preview_changes_nothing(demo, django_assert_max_num_queries):
    before = all_rows()
    client = client_for("curator1")
    with django_assert_max_num_queries(30):  # 25 on the demo school
        response = client.get(reverse("rollover:preview"))
    assert response.status_code == 200
    assert "11А" in response.content.decode()
    assert all_rows() == before
    assert not Rollover.objects.exists()


def test_run_and_undo_through_the_pages_with_confirmations(demo):
    client = client_for("curator1")
    preview = client.get(reverse("rollover:preview"))
    form = preview.context["form"]
    data = {"year": form["year"].value(), "last_grade": form["last_grade"].value()}
    confirm = client.post(reverse("rollover:run"), data)
    assert confirm.status_code == 200 and not Rollover.objects.exists()
    done = client.post(reverse("rollover:run"), {**data, "confirmed": "1"})
    rollover = Rollover.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("rollover:detail", args=[rollover.pk])
    assert client.get(reverse("rollover:undo", args=[rollover.pk])).status_code == 200
    assert rollover.is_live
    undone = client.post(reverse("rollover:undo", args=[rollover.pk]))
    assert undone.status_code == 302
    rollover.refresh_from_db()
    assert not rollover.is_live


def test_only_the_managers_of_the_organisation(demo):
    client_for("curator1").post(
        reverse("rollover:run"),
        {
            "year": default_ending_year(timezone.localdate()).pk,
            "last_grade": 11,
            "confirmed": "1",
        },
    )
    rollover = Rollover.objects.get()
    outsider = client_for("curator2")  # the college's curator
    assert (
        outsider.get(reverse("rollover:detail", args=[rollover.pk])).status_code == 404
    )
    assert (
        outsider.post(reverse("rollover:undo", args=[rollover.pk])).status_code == 404
    )
    mentor = (
        Participant.objects.filter(
            organisation=demo["sosh1"], mentor_profile__isnull=False, user__isnull=False
        )
        .first()
        .user
    )
    client = Client()
    client.force_login(mentor)
    assert client.get(reverse("rollover:preview")).status_code == 403
    rollover.refresh_from_db()
    assert rollover.is_live


def test_the_deputy_does_not_see_the_social_risk_pairs(demo):
    social = set(
        Pair.objects.for_organisation(demo["sosh1"])
        .filter(form__is_social_risk=True)
        .values_list("pk", flat=True)
    )
    curator = client_for("curator1").get(reverse("rollover:preview"))
    deputy = client_for("deputy1").get(reverse("rollover:preview"))
    in_plan = social & {step.pair.pk for step in curator.context["plan"].pairs}
    assert in_plan
    assert in_plan <= {step.pair.pk for step in curator.context["visible_pairs"]}
    assert not in_plan & {step.pair.pk for step in deputy.context["visible_pairs"]}
    body = deputy.content.decode()
    for pk in in_plan:
        assert f'name="pair-{pk}"' not in body


# --- Without the demo --------------------------------------------------------------


@pytest.mark.parametrize(
    "name, grade, expected",
    [("5В", 5, "6В"), ("10А", 10, "11А"), ("ТМ-21", 2, "ТМ-21"), ("7", 6, "7")],
)
def test_a_class_name_follows_its_grade(name, grade, expected):
    assert moved_name(name, grade) == expected


def test_the_last_grade_by_the_type_of_organisation(db):
    assert default_last_grade(f.OrganisationFactory(kind="school")) == 11
    basic = f.OrganisationFactory(kind="school", short_name="МБОУ «Луговская ООШ»")
    assert default_last_grade(basic) == 9
    assert default_last_grade(f.OrganisationFactory(kind="college")) == 4


def test_a_graduated_class_does_not_move_again(db):
    school = f.OrganisationFactory(kind="school")
    ending = SchoolYear.for_date(default_ending_year(timezone.localdate()).starts_on)
    StudyGroup.objects.create(organisation=school, name="11А", grade=11)
    StudyGroup.objects.create(organisation=school, name="10А", grade=10)
    first = rollover_plan(organisation=school, ending_year=ending)
    assert [(m.new_name, m.graduates) for m in first.groups] == [
        (f"11А (выпуск {ending.ends_on.year})", True),
        ("11А", False),
    ]
    StudyGroup.objects.filter(organisation=school, name="11А").update(
        name=f"11А (выпуск {ending.ends_on.year})"
    )
    StudyGroup.objects.filter(organisation=school, name="10А").update(
        name="11А", grade=11
    )
    later = rollover_plan(organisation=school, ending_year=next_year(ending))
    assert [move.group.name for move in later.groups] == ["11А"]


def test_two_classes_that_would_share_a_name_stop_the_rollover(db):
    school = f.OrganisationFactory(kind="school")
    ending = SchoolYear.for_date(default_ending_year(timezone.localdate()).starts_on)
    StudyGroup.objects.create(organisation=school, name="6А", grade=5)  # misnamed
    StudyGroup.objects.create(organisation=school, name="5А", grade=5)
    plan = rollover_plan(organisation=school, ending_year=ending)
    assert plan.problems
    with pytest.raises(ValidationError):
        rollover_run(organisation=school, ending_year=ending, by=None)
    assert not Rollover.objects.exists()
