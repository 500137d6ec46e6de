"""The roadmap: templates, copying a template with shifted dates, overdue rows, the
services' refusals and the per-stage progress."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentoring.models import (
    ProgrammeStage,
    RoadmapItem,
    RoadmapTemplate,
    RoadmapTemplateItem,
)
from mentoring.roadmap_services import (
    roadmap_from_template,
    roadmap_item_create,
    roadmap_item_set_status,
    roadmap_item_update,
    shifted_period,
    stage_progress,
)
from tests import factories as f

SEED_002 = "sosnovka-2023-2025"
SEED_004 = "college-action-plan"
SEED_002_ROWS = 35
SEED_004_ROWS = 15  # the source's §6 has 8 + 4 + 3 rows


@pytest.fixture
def templates(db):
    call_command("loaddata", "roadmap_templates", verbosity=0)
    return {t.code: t for t in RoadmapTemplate.objects.all()}


def stage(number):
    return ProgrammeStage.objects.get(number=number)


def test_templates_load_twice_without_duplicates(templates):
    call_command("loaddata", "roadmap_templates", verbosity=0)
    assert RoadmapTemplate.objects.count() == 2
    assert templates[SEED_002].items.count() == SEED_002_ROWS
    assert templates[SEED_004].items.count() == SEED_004_ROWS
    assert RoadmapTemplateItem.objects.count() == SEED_002_ROWS + SEED_004_ROWS


def test_seed_002_covers_the_seven_stages_in_order(templates):
    items = list(templates[SEED_002].items.select_related("stage"))
    per_stage = [
        sum(1 for item in items if item.stage.number == n) for n in range(1, 8)
    ]
    assert per_stage == [4, 3, 4, 4, 4, 8, 8]
    first, last = items[0], items[-1]
    assert (first.number, first.start_month, first.end_month) == ("1.1", 0, 0)
    # December 2025 is 26 months after October 2023
    assert (last.number, last.start_month, last.end_month) == ("7.8", 26, 26)
    regular = next(item for item in items if item.number == "6.4")
    assert (regular.start_month, regular.end_month) == (16, 19)  # Feb–May 2025


def test_from_template_shifts_dates_to_the_programme(templates, curator):
    programme = f.ProgrammeFactory(
        organisation=curator.memberships.get().organisation,
        starts_on=date(2025, 9, 15),
        ends_on=date(2027, 8, 31),
    )
    items = roadmap_from_template(
        programme=programme, template=templates[SEED_002], by=curator
    )
    assert len(items) == SEED_002_ROWS
    rows = {item.number: item for item in programme.roadmap_items.all()}
    # month 0 starts with the programme itself, not before it
    assert rows["1.1"].due_from == date(2025, 9, 15)
    assert rows["1.1"].due_to == date(2025, 9, 30)
    assert (rows["2.3"].due_from, rows["2.3"].due_to) == (
        date(2025, 11, 1),
        date(2025, 11, 30),
    )
    assert (rows["6.4"].due_from, rows["6.4"].due_to) == (
        date(2027, 1, 1),
        date(2027, 4, 30),
    )
    assert rows["7.8"].due_to == date(2027, 8, 31)  # Nov 2027 clamped to the end
    assert rows["7.8"].stage.number == 7
    assert rows["2.2"].responsible_text == "Педагог-психолог, социальный педагог"


def test_shifted_period_clamps_to_the_programme(programme):
    programme.starts_on, programme.ends_on = date(2025, 9, 1), date(2026, 5, 31)
    assert shifted_period(programme, None, None) == (None, None)
    assert shifted_period(programme, 3, 4) == (date(2025, 12, 1), date(2026, 1, 31))
    assert shifted_period(programme, 10, 12) == (date(2026, 5, 31), date(2026, 5, 31))


def test_from_template_refuses_a_second_time_and_changes_nothing(templates, curator):
    programme = curator.curated_programmes.get()
    roadmap_from_template(programme=programme, template=templates[SEED_004], by=curator)
    before = list(programme.roadmap_items.values_list("pk", flat=True))
    with pytest.raises(ValidationError):
        roadmap_from_template(
            programme=programme, template=templates[SEED_002], by=curator
        )
    assert list(programme.roadmap_items.values_list("pk", flat=True)) == before
    roadmap_from_template(
        programme=programme, template=templates[SEED_002], by=curator, replace=True
    )
    assert programme.roadmap_items.count() == SEED_002_ROWS
    assert not programme.roadmap_items.filter(pk__in=before).exists()


def test_seed_004_keeps_its_yearly_deadlines_in_words(templates, curator):
    programme = curator.curated_programmes.get()
    roadmap_from_template(programme=programme, template=templates[SEED_004], by=curator)
    item = programme.roadmap_items.get(number="1.4")
    assert item.stage.number == 4
    assert "ежегодно" in item.due_text.lower()
    assert item.due_from == date(2025, 10, 1)
    assert item.due_to == date(2025, 11, 30)


def make_item(programme, **kwargs):
    defaults = {"stage": stage(1), "activity": "Информирование педагогов"}
    return RoadmapItem.objects.create(programme=programme, **(defaults | kwargs))


def test_overdue_is_computed(programme):
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    late = make_item(
        programme, due_from=yesterday - timedelta(days=5), due_to=yesterday
    )
    late_start_only = make_item(programme, due_from=yesterday)
    running = make_item(programme, due_from=yesterday, due_to=today)
    undated = make_item(programme, due_text="в течение года")
    done = make_item(programme, due_to=yesterday, status="done", done_on=yesterday)
    assert [late.is_overdue(), late_start_only.is_overdue()] == [True, True]
    assert not running.is_overdue()
    assert not undated.is_overdue()
    assert not done.is_overdue()
    assert set(RoadmapItem.objects.overdue(today)) == {late, late_start_only}


def test_database_refuses_bad_rows(programme):
    with transaction.atomic(), pytest.raises(IntegrityError):
        make_item(programme, due_from=date(2026, 2, 1), due_to=date(2026, 1, 1))
    with transaction.atomic(), pytest.raises(IntegrityError):
        make_item(programme, status="done")


def test_item_create_and_update(curator, programme):
    item = roadmap_item_create(
        programme=programme,
        by=curator,
        stage=stage(2),
        number="2.1",
        activity="  Анкетирование обучающихся  ",
        due_from=date(2025, 11, 1),
        due_to=date(2025, 11, 30),
        responsible=[curator],
        responsible_text="Заместитель директора (МР)",
    )
    assert item.activity == "Анкетирование обучающихся"
    assert list(item.responsible.all()) == [curator]
    roadmap_item_update(
        item=item,
        by=curator,
        stage=stage(3),
        activity="Анкетирование наставников",
        due_from=date(2025, 12, 1),
        responsible=[],
        evidence_link="https://school.example/report",
    )
    item.refresh_from_db()
    assert (item.stage.number, item.due_to, item.responsible.count()) == (3, None, 0)
    assert item.evidence_link == "https://school.example/report"


@pytest.mark.parametrize(
    "changes",
    [
        {"due_from": date(2026, 2, 1), "due_to": date(2026, 1, 1)},
        {"activity": "   "},
    ],
)
def test_item_create_refusals_leave_the_db_unchanged(curator, programme, changes):
    arguments = {"stage": stage(1), "activity": "Встреча"} | changes
    with pytest.raises(ValidationError):
        roadmap_item_create(programme=programme, by=curator, **arguments)
    assert not RoadmapItem.objects.exists()


def test_responsible_must_belong_to_the_organisation(curator, outsider, programme):
    with pytest.raises(ValidationError) as error:
        roadmap_item_create(
            programme=programme,
            by=curator,
            stage=stage(1),
            activity="Встреча",
            responsible=[outsider],
        )
    assert "responsible" in error.value.error_dict
    assert not RoadmapItem.objects.exists()


def test_update_refusal_leaves_the_row_unchanged(curator, programme):
    item = make_item(programme, due_from=date(2025, 10, 1), due_to=date(2025, 10, 31))
    with pytest.raises(ValidationError):
        roadmap_item_update(
            item=item,
            by=curator,
            stage=stage(1),
            activity="Другое",
            due_from=date(2025, 10, 31),
            due_to=date(2025, 10, 1),
        )
    item.refresh_from_db()
    assert (item.activity, item.due_to) == (
        "Информирование педагогов",
        date(2025, 10, 31),
    )


def test_status_done_needs_a_date_not_in_the_future(curator, programme):
    item = make_item(programme)
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        roadmap_item_set_status(
            item=item, by=curator, status="done", done_on=today + timedelta(days=1)
        )
    item.refresh_from_db()
    assert (item.status, item.done_on) == ("planned", None)
    with pytest.raises(ValidationError):
        roadmap_item_set_status(item=item, by=curator, status="finished")
    roadmap_item_set_status(item=item, by=curator, status="done")
    item.refresh_from_db()
    assert (item.status, item.done_on) == ("done", today)
    roadmap_item_set_status(item=item, by=curator, status="in_progress")
    item.refresh_from_db()
    assert (item.status, item.done_on) == ("in_progress", None)


def test_stage_progress(programme):
    yesterday = timezone.localdate() - timedelta(days=1)
    make_item(programme, stage=stage(1), status="done", done_on=yesterday)
    make_item(programme, stage=stage(1), due_to=yesterday)
    make_item(programme, stage=stage(3))
    rows = {row["stage"].number: row for row in stage_progress(programme)}
    assert len(rows) == 7
    assert (rows[1]["done"], rows[1]["total"], rows[1]["overdue"]) == (1, 2, 1)
    assert rows[1]["percent"] == 50
    assert (rows[3]["done"], rows[3]["total"], rows[3]["overdue"]) == (0, 1, 0)
    assert rows[2]["total"] == 0
