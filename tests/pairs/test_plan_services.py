from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from mentoring.models import MentoringForm, RoleVariant
from pairs.models import Plan, PlanItem, PlanTemplate, PlanTemplateItem
from pairs.plan_services import (
    period_warning,
    plan_create,
    plan_item_add,
    plan_item_set_status,
    plan_progress,
    plan_update,
)
from tests import factories as f

TODAY = date.today()


@pytest.fixture
def templates(db):
    call_command("loaddata", "plan_templates", verbosity=0)


@pytest.fixture
def teacher_pair(programme):
    return f.PairFactory(
        programme=programme,
        form=MentoringForm.objects.get(code="teacher-teacher"),
        role_variant=RoleVariant.objects.get(code="tt-young"),
    )


def test_fixture_loads_twice_without_duplicates(templates):
    before = (
        PlanTemplate.objects.count(),
        PlanTemplateItem.objects.count(),
    )
    call_command("loaddata", "plan_templates", verbosity=0)
    after = (PlanTemplate.objects.count(), PlanTemplateItem.objects.count())
    assert before == after
    assert PlanTemplate.objects.filter(form__code="teacher-teacher").exists()
    assert PlanTemplate.objects.filter(role_variant__code="pp-achiever").exists()


def test_create_from_template_copies_items(templates, teacher_pair, curator):
    template = PlanTemplate.objects.get(code="young-teacher-first-year")
    start = TODAY - timedelta(days=10)
    plan = plan_create(
        pair=teacher_pair, by=curator, starts_on=start, template=template
    )
    assert plan.goal == template.goal
    assert plan.ends_on > start
    items = list(plan.items.order_by("order"))
    assert len(items) == template.items.count()
    first = template.items.order_by("order").first()
    assert items[0].deadline == start + timedelta(weeks=first.due_week)
    assert all(start <= item.deadline <= plan.ends_on for item in items)


def test_template_items_beyond_the_end_are_clamped(templates, pair, curator):
    template = PlanTemplate.objects.get(code="pupil-project")
    pair.form = template.form
    pair.role_variant = template.role_variant
    pair.save()
    end = TODAY + timedelta(weeks=4)
    plan = plan_create(
        pair=pair, by=curator, starts_on=TODAY, ends_on=end, template=template
    )
    assert max(plan.items.values_list("deadline", flat=True)) == end


@pytest.mark.parametrize("months", [2, 13])
def test_teacher_period_outside_3_months_to_a_year_is_warned(
    teacher_pair, curator, months
):
    plan = plan_create(
        pair=teacher_pair,
        by=curator,
        goal="Цель",
        starts_on=date(2026, 1, 10),
        ends_on=date(2026, 1, 10) + timedelta(days=31 * months),
    )
    assert period_warning(plan)


def test_teacher_period_within_a_year_is_not_warned(teacher_pair, curator):
    plan = plan_create(
        pair=teacher_pair,
        by=curator,
        goal="Цель",
        starts_on=date(2026, 1, 10),
        ends_on=date(2026, 9, 10),
    )
    assert period_warning(plan) == ""


def test_pupil_plan_may_be_short(pair, curator):
    plan = plan_create(
        pair=pair,
        by=curator,
        goal="Цель",
        starts_on=TODAY,
        ends_on=TODAY + timedelta(30),
    )
    assert plan.pk


def test_second_plan_refused(pair, curator):
    plan_create(
        pair=pair,
        by=curator,
        goal="Цель",
        starts_on=TODAY,
        ends_on=TODAY + timedelta(30),
    )
    with pytest.raises(ValidationError):
        plan_create(
            pair=pair,
            by=curator,
            goal="Б",
            starts_on=TODAY,
            ends_on=TODAY + timedelta(30),
        )
    assert Plan.objects.count() == 1


@pytest.fixture
def plan(pair, curator):
    return plan_create(
        pair=pair,
        by=curator,
        goal="Повысить успеваемость",
        starts_on=TODAY - timedelta(days=30),
        ends_on=TODAY + timedelta(days=60),
    )


def test_item_deadline_within_period(plan, curator):
    with pytest.raises(ValidationError) as error:
        plan_item_add(
            plan=plan, by=curator, activity="А", deadline=plan.ends_on + timedelta(1)
        )
    assert "deadline" in error.value.error_dict
    assert not plan.items.exists()
    item = plan_item_add(plan=plan, by=curator, activity="А", deadline=plan.ends_on)
    assert item.order == 1


def test_update_refuses_period_leaving_items_out(plan, curator):
    plan_item_add(plan=plan, by=curator, activity="А", deadline=plan.ends_on)
    with pytest.raises(ValidationError):
        plan_update(
            plan=plan,
            by=curator,
            goal="Ц",
            starts_on=plan.starts_on,
            ends_on=plan.ends_on - timedelta(days=5),
        )
    plan.refresh_from_db()
    assert plan.goal == "Повысить успеваемость"


@pytest.mark.parametrize(
    ("name", "size"), [("virus.exe", 10), ("big.pdf", 5 * 1024 * 1024 + 1)]
)
def test_evidence_file_checked(plan, curator, name, size):
    upload = SimpleUploadedFile(name, b"x" * size)
    with pytest.raises(ValidationError) as error:
        plan_item_add(
            plan=plan, by=curator, activity="А", deadline=TODAY, evidence_file=upload
        )
    assert "evidence_file" in error.value.error_dict
    assert not plan.items.exists()


def test_tick_and_untick(plan, mentor):
    item = plan_item_add(plan=plan, by=mentor, activity="А", deadline=TODAY)
    plan_item_set_status(item=item, status="done", by=mentor)
    item.refresh_from_db()
    assert (item.status, item.done_on, item.done_by) == ("done", TODAY, mentor)
    plan_item_set_status(item=item, status="planned", by=mentor)
    item.refresh_from_db()
    assert (item.status, item.done_on, item.done_by) == ("planned", None, None)


def test_done_in_the_future_refused(plan, mentor):
    item = plan_item_add(plan=plan, by=mentor, activity="А", deadline=TODAY)
    with pytest.raises(ValidationError):
        plan_item_set_status(
            item=item, status="done", by=mentor, done_on=TODAY + timedelta(1)
        )
    item.refresh_from_db()
    assert item.status == PlanItem.Status.PLANNED


def test_progress(plan, curator):
    yesterday = TODAY - timedelta(days=1)
    done = plan_item_add(plan=plan, by=curator, activity="1", deadline=yesterday)
    plan_item_add(plan=plan, by=curator, activity="2", deadline=yesterday)
    plan_item_add(plan=plan, by=curator, activity="3", deadline=plan.ends_on)
    cancelled = plan_item_add(plan=plan, by=curator, activity="4", deadline=yesterday)
    plan_item_set_status(item=done, status="done", by=curator)
    plan_item_set_status(item=cancelled, status="cancelled", by=curator)
    assert plan_progress(plan) == {"done": 1, "total": 3, "overdue": 1, "percent": 33}
