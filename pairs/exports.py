"""Exporters of this app (see mentoring/lib/export.py): the list of pairs and groups
and the request map, both filtered as on their pages."""

from django.db.models import Count, Max, Prefetch
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.lib.export import Exporter, register
from pairs.forms import PairFilterForm
from pairs.models import Pair, PairMentee
from people.exports import place
from people.request_map import build_request_map


class CuratorExporter(Exporter):
    def allowed(self) -> bool:
        return self.request.access.is_manager

    @property
    def organisation(self):
        return self.request.access.organisation


@register
class PairsExporter(CuratorExporter):
    identifier = "pairs"
    verbose_name = _("List of mentoring pairs and groups")

    def queryset(self):
        if self._queryset is not None:
            pairs = self._queryset
        else:
            pairs = PairFilterForm(self.params, organisation=self.organisation).filter(
                Pair.objects.for_organisation(self.organisation)
            )
        memberships = PairMentee.objects.select_related(
            "mentee__participant__study_group", "mentee__participant__organisation"
        ).order_by("mentee__participant__search_text", "pk")
        return (
            pairs.select_related(
                "mentor__participant__organisation",
                "co_mentor__participant",
                "form",
                "role_variant",
                "way",
            )
            .prefetch_related(Prefetch("memberships", queryset=memberships))
            .annotate(
                meetings_count=Count("meetings", distinct=True),
                last_meeting=Max("meetings__held_on"),
            )
            .order_by("form__order", "mentor__participant__search_text", "pk")
        )

    def rows(self):
        yield [
            gettext("No."),
            gettext("Form of mentoring"),
            gettext("Role variant"),
            gettext("Full name of the mentor"),
            gettext("Place of work or study of the mentor"),
            gettext("Second mentor"),
            gettext("Mentees"),
            gettext("Class, group or position"),
            gettext("Start"),
            gettext("Planned end"),
            gettext("Status"),
            gettext("Ended on"),
            gettext("Order No."),
            gettext("Order date"),
            gettext("Meetings held"),
            gettext("Last meeting"),
            gettext("Result"),
        ]
        for number, pair in enumerate(self.queryset(), start=1):
            mentees = [
                membership.mentee.participant for membership in pair.memberships.all()
            ]
            yield [
                number,
                pair.form.name,
                pair.role_variant.name,
                pair.mentor.participant.full_name,
                place(pair.mentor.participant),
                pair.co_mentor.participant.full_name if pair.co_mentor_id else "",
                "\n".join(person.full_name for person in mentees),
                "\n".join(place(person) for person in mentees),
                pair.start_on,
                pair.planned_end_on,
                pair.get_status_display(),
                pair.ended_on,
                pair.order_number,
                pair.order_date,
                pair.meetings_count,
                pair.last_meeting,
                pair.result or pair.termination_reason,
            ]


@register
class RequestMapExporter(CuratorExporter):
    identifier = "request-map"
    verbose_name = _("Request map")

    def request_map(self):
        from mentoring.models import Programme
        from people.request_map import BY_AREA, BY_CATEGORY

        by = self.params.get("by")
        by = by if by in (BY_AREA, BY_CATEGORY) else BY_AREA
        programme = None
        if str(self.params.get("programme", "")).isdigit():
            programme = (
                Programme.objects.for_organisation(self.organisation)
                .filter(pk=self.params["programme"])
                .first()
            )
        return build_request_map(self.organisation, by=by, programme=programme)

    def rows(self):
        """Two columns per form: requests not yet covered by a pair, and covered."""
        request_map = self.request_map()
        uncovered, covered = gettext("not covered"), gettext("covered")
        header = [request_map.row_heading]
        for column in [*request_map.columns, None]:
            label = column.label if column else request_map.total_label
            header += [f"{label}: {uncovered}", f"{label}: {covered}"]
        yield header

        def numbers(cells):
            return [n for cell in cells for n in (cell.uncovered, cell.covered)]

        for row in request_map.rows:
            yield [row.label, *numbers([*row.cells, row.total])]
        yield [
            request_map.total_label,
            *numbers([*request_map.column_totals, request_map.total]),
        ]
