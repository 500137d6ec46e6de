"""Writes of a programme's roadmap («дорожная карта»): copy it from a template, add
and edit its rows, set their status; and the per-stage progress it is read by.

Refusals are `ValidationError`s keyed by the argument at fault, so a form shows them
next to the field; a refusal changes nothing. Who may call them (head, deputy,
curator of the programme's organisation) is checked by the views.
"""

import calendar
from collections.abc import Iterable
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.lib.files import validate_evidence_file
from mentoring.models import (
    Programme,
    ProgrammeStage,
    RoadmapItem,
    RoadmapTemplate,
)

# Roles of the organisation's people who may be named responsible for a row.
RESPONSIBLE_ROLES = (
    "head",
    "deputy",
    "curator",
    "form_lead",
    "social_pedagogue",
    "psychologist",
    "class_teacher",
    "mentor",
)


def month_start(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def month_end(day: date, months: int) -> date:
    first = month_start(day, months)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def shifted_period(
    programme: Programme, start_month: int | None, end_month: int | None
) -> tuple[date | None, date | None]:
    """A template row's months as dates of this programme: from the first day of the
    start month to the last day of the end month, both kept within the programme."""
    if start_month is None and end_month is None:
        return None, None
    start_month = start_month if start_month is not None else end_month
    end_month = end_month if end_month is not None else start_month

    def clamp(day: date) -> date:
        return min(max(day, programme.starts_on), programme.ends_on)

    return (
        clamp(month_start(programme.starts_on, start_month)),
        clamp(month_end(programme.starts_on, end_month)),
    )


def responsible_candidates(organisation):
    """People of the organisation who may be named responsible for a row."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation=organisation,
            memberships__role__in=RESPONSIBLE_ROLES,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _check_period(due_from: date | None, due_to: date | None) -> None:
    if due_from and due_to and due_to < due_from:
        raise ValidationError(
            {"due_to": _("The end of the period cannot be before its start.")}
        )


def _check_responsible(programme: Programme, responsible: Iterable) -> list:
    people = list(responsible or [])
    if not people:
        return []
    allowed = set(
        responsible_candidates(programme.organisation)
        .filter(pk__in=[person.pk for person in people])
        .values_list("pk", flat=True)
    )
    if any(person.pk not in allowed for person in people):
        raise ValidationError(
            {
                "responsible": _(
                    "Only people of the programme's organisation can be responsible."
                )
            }
        )
    return people


@transaction.atomic
def roadmap_from_template(
    *,
    programme: Programme,
    template: RoadmapTemplate | None = None,
    by,
    replace: bool = False,
) -> list[RoadmapItem]:
    """The template's rows as the programme's roadmap, their months turned into
    dates from the programme's start and kept within its end. Without a template,
    the one meant for the organisation's type (`roadmap_template_for`). A roadmap
    that has rows is replaced only when asked to (the rows and their marks are
    lost)."""
    template = template or roadmap_template_for(programme.organisation)
    if template is None:
        raise ValidationError({"template": _("Choose a roadmap template.")})
    existing = programme.roadmap_items.all()
    if existing.exists():
        if not replace:
            raise ValidationError(
                _("The programme already has a roadmap. Replace it or add rows.")
            )
        existing.delete()
    items = []
    for row in template.items.select_related("stage").order_by("order", "pk"):
        due_from, due_to = shifted_period(programme, row.start_month, row.end_month)
        item = RoadmapItem(
            programme=programme,
            stage=row.stage,
            number=row.number,
            order=row.order,
            activity=row.activity,
            content=row.content,
            due_from=due_from,
            due_to=due_to,
            due_text=row.due_text,
            responsible_text=row.responsible_text,
            expected_result=row.expected_result,
        )
        item.full_clean(exclude=["programme", "stage"])
        items.append(item)
    if not items:
        raise ValidationError({"template": _("The template has no rows.")})
    return RoadmapItem.objects.bulk_create(items)


def _fill(
    item: RoadmapItem,
    *,
    stage: ProgrammeStage,
    number: str,
    activity: str,
    content: str,
    due_from: date | None,
    due_to: date | None,
    due_text: str,
    responsible_text: str,
    expected_result: str,
    evidence_note: str,
    evidence_link: str,
    evidence_file,
) -> None:
    if not activity.strip():
        raise ValidationError({"activity": _("Name the activity.")})
    _check_period(due_from, due_to)
    validate_evidence_file(evidence_file)
    item.stage = stage
    item.number = number.strip()
    item.activity = activity.strip()
    item.content = content.strip()
    item.due_from, item.due_to = due_from, due_to
    item.due_text = due_text.strip()
    item.responsible_text = responsible_text.strip()
    item.expected_result = expected_result.strip()
    item.evidence_note = evidence_note.strip()
    item.evidence_link = evidence_link.strip()
    if evidence_file:
        item.evidence_file = evidence_file


@transaction.atomic
def roadmap_item_create(
    *,
    programme: Programme,
    by,
    stage: ProgrammeStage,
    activity: str,
    number: str = "",
    content: str = "",
    due_from: date | None = None,
    due_to: date | None = None,
    due_text: str = "",
    responsible: Iterable = (),
    responsible_text: str = "",
    expected_result: str = "",
    evidence_note: str = "",
    evidence_link: str = "",
    evidence_file=None,
) -> RoadmapItem:
    """A new row, placed last in its stage."""
    people = _check_responsible(programme, responsible)
    item = RoadmapItem(programme=programme)
    _fill(
        item,
        stage=stage,
        number=number,
        activity=activity,
        content=content,
        due_from=due_from,
        due_to=due_to,
        due_text=due_text,
        responsible_text=responsible_text,
        expected_result=expected_result,
        evidence_note=evidence_note,
        evidence_link=evidence_link,
        evidence_file=evidence_file,
    )
    last = programme.roadmap_items.aggregate(last=Max("order"))["last"]
    item.order = (last or 0) + 1
    item.full_clean()
    item.save()
    item.responsible.set(people)
    return item


@transaction.atomic
def roadmap_item_update(
    *,
    item: RoadmapItem,
    by,
    stage: ProgrammeStage,
    activity: str,
    number: str = "",
    content: str = "",
    due_from: date | None = None,
    due_to: date | None = None,
    due_text: str = "",
    responsible: Iterable = (),
    responsible_text: str = "",
    expected_result: str = "",
    evidence_note: str = "",
    evidence_link: str = "",
    evidence_file=None,
) -> RoadmapItem:
    """Edit a row; a new evidence file replaces the old one, none keeps it."""
    people = _check_responsible(item.programme, responsible)
    _fill(
        item,
        stage=stage,
        number=number,
        activity=activity,
        content=content,
        due_from=due_from,
        due_to=due_to,
        due_text=due_text,
        responsible_text=responsible_text,
        expected_result=expected_result,
        evidence_note=evidence_note,
        evidence_link=evidence_link,
        evidence_file=evidence_file,
    )
    item.full_clean()
    item.save()
    item.responsible.set(people)
    return item


@transaction.atomic
def roadmap_item_set_status(
    *,
    item: RoadmapItem,
    by,
    status: str,
    done_on: date | None = None,
) -> RoadmapItem:
    """Done needs the date it was done (today by default, never in the future);
    the other statuses clear it."""
    if status not in RoadmapItem.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == RoadmapItem.Status.DONE:
        done_on = done_on or timezone.localdate()
        if done_on > timezone.localdate():
            raise ValidationError(
                {"done_on": _("The date it was done cannot be in the future.")}
            )
    else:
        done_on = None
    item.status, item.done_on = status, done_on
    item.full_clean()
    item.save(update_fields=["status", "done_on", "updated_at"])
    return item


def stage_progress(programme: Programme, today: date | None = None) -> list[dict]:
    """Per stage of the 7 (those in use or with rows): rows done, in all, overdue,
    and the percent done. Two queries whatever the size of the roadmap."""
    today = today or timezone.localdate()
    not_done = ~Q(status=RoadmapItem.Status.DONE)
    late = Q(due_to__lt=today) | Q(due_to__isnull=True, due_from__lt=today)
    counts = {
        row["stage"]: row
        for row in programme.roadmap_items.order_by()
        .values("stage")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=RoadmapItem.Status.DONE)),
            overdue=Count("pk", filter=not_done & late),
        )
    }
    result = []
    for stage in ProgrammeStage.objects.filter(
        Q(is_active=True) | Q(pk__in=list(counts))
    ).order_by("number"):
        row = counts.get(stage.pk, {"total": 0, "done": 0, "overdue": 0})
        result.append(
            {
                "stage": stage,
                "total": row["total"],
                "done": row["done"],
                "overdue": row["overdue"],
                "percent": round(row["done"] * 100 / row["total"])
                if row["total"]
                else 0,
            }
        )
    return result


# --- The stages' tasks, the template of an organisation, the order's row ----------

# «Задача» and «Результат» of each of the 7 stages, as the federal methodology
# states them (seed 002's roadmap table); printed under each stage of a roadmap.
STAGE_GOALS = {
    1: (
        "информирование о запуске программы наставничества; сбор предварительных "
        "запросов от потенциальных наставляемых и выбор соответствующих этим "
        "запросам аудитории для поиска наставников",
        "определены необходимые ресурсы (кадровые, методические, "
        "материально-техническая база и т.\u00a0д.) и возможные источники их "
        "привлечения (внутренние и внешние) для организации функционирования "
        "целевой модели наставничества",
    ),
    2: (
        "выявление конкретных проблем обучающихся и педагогов образовательной "
        "организации, которые можно решить с помощью наставничества",
        "сформирована база наставляемых с перечнем запросов, необходимая для "
        "подбора кандидатов в наставники на следующем этапе",
    ),
    3: (
        "поиск потенциальных наставников для формирования базы наставников",
        "сформированы базы наставников, которые потенциально могут участвовать как "
        "в текущей программе наставничества, так и в будущих программах этой и "
        "иных (по запросу и с разрешения наставников) образовательных организаций",
    ),
    4: (
        "выявление наставников, входящих в базу потенциальных наставников, "
        "подходящих для конкретной программы, и их подготовка к работе с "
        "наставляемыми",
        "сформирована база готовых к работе наставников, подходящая для конкретной "
        "программы и запросов наставляемых конкретной образовательной организации",
    ),
    5: (
        "формирование пар «наставник\u00a0– наставляемый» либо группы из "
        "наставника и нескольких наставляемых, подходящих друг другу по критериям",
        "сформированы наставнические пары или группы, готовые продолжить работу в "
        "рамках программы",
    ),
    6: (
        "закрепление гармоничных и продуктивных отношений в наставнической паре "
        "или группе",
        "сформированы стабильные наставнические отношения, доведённые до "
        "логического завершения, реализована цель программы наставничества для "
        "конкретной наставнической пары или группы",
    ),
    7: (
        "подведение итогов работы каждой пары или группы и всей программы в целом "
        "в формате личной и групповой рефлексии, а также проведение открытого "
        "публичного мероприятия для популяризации практик наставничества и "
        "награждения лучших наставников",
        "достигнуты цели программы наставничества, собраны лучшие наставнические "
        "практики, внимание общественности привлечено к деятельности "
        "образовательных организаций, запущен процесс пополнения базы наставников "
        "и наставляемых",
    ),
}

# The template an organisation's roadmap starts from, by its type: a school gets
# seed 002's roadmap, a college (СПО) seed 004's action plan, never the school's
# («Директор школы»). Other types choose on the page.
TEMPLATE_FOR_KIND = {
    "school": "sosnovka-2023-2025",
    "college": "college-action-plan",
}


def stage_goals(stage: ProgrammeStage) -> tuple[str, str]:
    """The stage's «Задача» and «Результат» (empty for a stage of a school's own)."""
    return STAGE_GOALS.get(stage.number, ("", ""))


def roadmap_template_for(organisation) -> RoadmapTemplate | None:
    """The roadmap template meant for this type of organisation, if loaded."""
    code = TEMPLATE_FOR_KIND.get(organisation.kind)
    if code is None:
        return None
    return RoadmapTemplate.objects.filter(code=code, is_active=True).first()


ORDER_STAGE = 5  # «Формирование наставнических пар/групп»


def order_item(programme: Programme) -> RoadmapItem | None:
    """The roadmap row an order fixing pairs completes: the stage-5 row about
    fixing pairs by an order (seed 002's 5.4 «… Закрепление пар/групп
    распоряжением руководителя …»), else the stage's only row (seed 004's 1.5
    «Формирование наставнических пар / групп»). None when neither is there: a
    roadmap the school wrote itself is not guessed at."""
    rows = list(
        programme.roadmap_items.filter(stage__number=ORDER_STAGE).order_by(
            "order", "pk"
        )
    )
    for row in rows:
        text = f"{row.activity} {row.content}".lower()
        if "закреп" in text and ("распоряж" in text or "приказ" in text):
            return row
    return rows[0] if len(rows) == 1 else None


@transaction.atomic
def roadmap_order_approved(
    *, programme: Programme, number: str, order_date: date, by
) -> RoadmapItem | None:
    """An order fixing the programme's pairs is signed: its roadmap row is done on
    the order's date, with the order as evidence. A row already done keeps its
    date and evidence (the first order fixed the pairs)."""
    item = order_item(programme)
    if item is None or item.status == RoadmapItem.Status.DONE:
        return item
    note = _("Order No. %(number)s of %(date)s") % {
        "number": number,
        "date": order_date.strftime("%d.%m.%Y"),
    }
    item.evidence_note = "\n".join(filter(None, [item.evidence_note, str(note)]))
    item.save(update_fields=["evidence_note", "updated_at"])
    return roadmap_item_set_status(
        item=item, by=by, status=RoadmapItem.Status.DONE, done_on=order_date
    )
