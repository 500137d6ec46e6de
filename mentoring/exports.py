"""Exporters of this app (see mentoring/lib/export.py): the roadmap; and how
documents write dates and deadlines."""

import calendar
import re
from datetime import date

from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.lib.export import DOCX, PDF, XLSX, Exporter, register
from mentoring.models import Programme, RoadmapItem
from mentoring.roadmap_services import stage_goals

NBSP = "\u00a0"
MONTHS = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)


def nbsp(text: str) -> str:
    """«№ 1», «2025 г.»: the sign and the abbreviation never alone on a line."""
    text = re.sub(r"№\s+", "№" + NBSP, text or "")
    return re.sub(r"(\d)\s+(г\.|гг\.)", r"\1" + NBSP + r"\2", text)


def names(organisation, programme=None) -> dict:
    """The organisation's and the programme's names as printed (`nbsp`)."""
    return {
        "org_name": nbsp(organisation.name or organisation.short_name),
        "org_short": nbsp(organisation.short_name),
        "programme_title": nbsp(programme.title) if programme else "",
    }


def document_date(day: date | None) -> str:
    """«4 декабря 2026 г.», with «г.» never alone on a line."""
    if not day:
        return ""
    return f"{date_format(day, 'j E Y')}{NBSP}г."


def _whole_months(start: date, end: date) -> bool:
    last = calendar.monthrange(end.year, end.month)[1]
    return start.day == 1 and end.day == last


def deadline_text(item) -> str:
    """A roadmap row's deadline as the programme states it: the words entered
    («сентябрь, ежегодно», «в течение года»), else whole months as months
    («Октябрь 2023 г.», «Февраль – май 2025 г.»), else the dates."""
    if item.due_text:
        return item.due_text
    start, end = item.due_from, item.due_to
    if start and end and start != end:
        if _whole_months(start, end):
            first, last = MONTHS[start.month - 1], MONTHS[end.month - 1]
            if (start.year, start.month) == (end.year, end.month):
                text = f"{first} {start.year}{NBSP}г."
            elif start.year == end.year:
                text = f"{first}{NBSP}– {last} {end.year}{NBSP}г."
            else:
                text = f"{first} {start.year}{NBSP}г.{NBSP}– {last} {end.year}{NBSP}г."
            return text[0].upper() + text[1:]
        return f"{document_date(start)}{NBSP}– {document_date(end)}"
    return document_date(end or start)


@register
class RoadmapExporter(Exporter):
    """«Дорожная карта» of a programme (`?programme=<pk>`, by default the
    organisation's first programme): for the head, deputy and curator of the
    programme's organisation; another organisation's programme is 404."""

    identifier = "roadmap"
    verbose_name = _("Roadmap")
    formats = (PDF, DOCX, XLSX)
    template_name = "mentoring/print_roadmap.html"
    docx_template = "roadmap.docx"
    landscape = True

    def allowed(self) -> bool:
        access = self.request.access
        if not access.is_manager or access.organisation is None:
            return False
        if self.programme() is None:
            raise Http404
        return True

    def programme(self) -> Programme | None:
        if not hasattr(self, "_programme") and self._queryset is not None:
            # An admin action: the first selected programme.
            self._programme = self._queryset.select_related("organisation").first()
        if not hasattr(self, "_programme"):
            programmes = Programme.objects.for_organisation(
                self.request.access.organisation
            ).select_related("organisation")
            pk = self.params.get("programme", "")
            if pk:
                self._programme = (
                    programmes.filter(pk=pk).first() if pk.isdigit() else None
                )
            else:
                self._programme = programmes.first()
        return self._programme

    def items(self) -> list[RoadmapItem]:
        return list(
            self.programme()
            .roadmap_items.select_related("stage")
            .prefetch_related("responsible")
            .order_by("stage__number", "order", "pk")
        )

    def filename(self) -> str:
        return f"{gettext('Roadmap')} {self.programme().title}"[:120]

    def context(self) -> dict:
        programme = self.programme()
        items = self.items()
        groups = []
        for item in items:
            item.deadline_text = deadline_text(item)
            if not groups or groups[-1]["stage"].pk != item.stage_id:
                task, result = stage_goals(item.stage)
                groups.append(
                    {"stage": item.stage, "task": task, "result": result, "items": []}
                )
            groups[-1]["items"].append(item)
        return {
            "exporter": self,
            "programme": programme,
            "organisation": programme.organisation,
            "groups": groups,
            "items": items,
            **names(programme.organisation, programme),
        }

    def docx_context(self) -> dict:
        """Plain strings for Word: the same rows, dates written out."""
        context = self.context()
        programme, organisation = context["programme"], context["organisation"]
        stages = []
        for group in context["groups"]:
            rows = []
            for item in group["items"]:
                people = [
                    person.get_full_name() or person.username
                    for person in item.responsible.all()
                ]
                rows.append(
                    {
                        "number": item.number,
                        "activity": item.activity,
                        "content": item.content,
                        "deadline": item.deadline_text,
                        "responsible": ", ".join(
                            filter(None, [*people, item.responsible_text])
                        ),
                        "result": item.expected_result,
                        "mark": self.mark(item),
                    }
                )
            stages.append(
                {
                    "title": str(group["stage"]),
                    "task": group["task"],
                    "result": group["result"],
                    "rows": rows,
                }
            )
        return {
            "organisation_name": context["org_name"],
            "head": " ".join(
                filter(None, [organisation.head_title, context["org_short"]])
            ),
            "head_name": organisation.head_name or "____________________",
            "programme_title": context["programme_title"],
            "period": f"{document_date(programme.starts_on)}{NBSP}— "
            f"{document_date(programme.ends_on)}",
            "stages": stages,
        }

    @staticmethod
    def mark(item) -> str:
        if item.status == RoadmapItem.Status.DONE:
            return f"{gettext('done')} {document_date(item.done_on)}"
        if item.is_overdue():
            return gettext("overdue")
        return item.get_status_display()

    def rows(self):
        yield [
            gettext("Stage"),
            gettext("No."),
            gettext("Activity"),
            gettext("Content"),
            gettext("From"),
            gettext("To"),
            gettext("Deadline in words"),
            gettext("Responsible"),
            gettext("Expected result"),
            gettext("Status"),
            gettext("Overdue"),
            gettext("Done on"),
            gettext("Evidence"),
            gettext("Evidence link"),
        ]
        for item in self.items():
            people = [
                person.get_full_name() or person.username
                for person in item.responsible.all()
            ]
            yield [
                str(item.stage),
                item.number,
                item.activity,
                item.content,
                item.due_from,
                item.due_to,
                item.due_text,
                "; ".join(filter(None, [*people, item.responsible_text])),
                item.expected_result,
                item.get_status_display(),
                gettext("yes") if item.is_overdue() else "",
                item.done_on,
                item.evidence_note,
                item.evidence_link,
            ]
