"""Exporters of this app (see mentoring/lib/export.py): the roadmap."""

from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.lib.export import PDF, XLSX, Exporter, register
from mentoring.models import Programme, RoadmapItem


@register
class RoadmapExporter(Exporter):
    """«Дорожная карта» of a programme (`?programme=<pk>`, by default the
    organisation's first programme): for the head, deputy and curator of the
    programme's organisation; another organisation's programme is 404."""

    identifier = "roadmap"
    verbose_name = _("Roadmap")
    formats = (PDF, XLSX)
    template_name = "mentoring/print_roadmap.html"
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
            if not groups or groups[-1]["stage"].pk != item.stage_id:
                groups.append({"stage": item.stage, "items": []})
            groups[-1]["items"].append(item)
        return {
            "exporter": self,
            "programme": programme,
            "organisation": programme.organisation,
            "groups": groups,
            "items": items,
        }

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
