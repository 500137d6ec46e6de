"""Exporters of this app (see mentoring/lib/export.py): the list of pairs and groups
and the request map, both filtered as on their pages."""

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.lib.export import Exporter, register
from pairs.forms import PairFilterForm
from pairs.models import Pair, PairMentee
from people.access import hides_social_risk, without_tier
from people.audit import log_pairs_read
from people.exports import CuratorExporter, place
from people.request_map import build_request_map


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
        pairs = without_tier(self.request, pairs)
        memberships = PairMentee.objects.select_related(
            "mentee__participant__study_group", "mentee__participant__organisation"
        ).order_by("mentee__participant__search_text", "pk")
        return (
            pairs.select_related(
                "mentor__participant__organisation",
                "mentor__participant__study_group",
                "co_mentor__participant",
                "form",
                "role_variant",
                "way",
            )
            .prefetch_related(Prefetch("memberships", queryset=memberships))
            .with_meeting_stats()
            .order_by("form__order", "mentor__participant__search_text", "pk")
        )

    def rows(self):
        pairs = self.queryset()
        log_pairs_read(self.request, pairs, self.verbose_name)
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
        for number, pair in enumerate(pairs.iterator(chunk_size=1000), start=1):
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
        return build_request_map(
            self.organisation,
            by=by,
            programme=programme,
            hide_social_risk=hides_social_risk(self.request),
        )

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


# --- The journal and the personalised plan of one pair ------------------------------


class PairDocumentExporter(Exporter):
    """A document of one pair (`?pair=<pk>`): anyone who may open the pair."""

    formats = ("pdf", "xlsx")

    def pair(self):
        if not hasattr(self, "_pair"):
            from pairs.access import visible_pairs

            pk = str(self.params.get("pair", ""))
            self._pair = (
                visible_pairs(self.request)
                .filter(pk=pk)
                .select_related(
                    "programme__organisation",
                    "form",
                    "role_variant",
                    "mentor__participant",
                    "co_mentor__participant",
                )
                .prefetch_related(
                    Prefetch(
                        "memberships",
                        queryset=PairMentee.objects.select_related(
                            "mentee__participant"
                        ).order_by("mentee__participant__search_text", "pk"),
                    )
                )
                .first()
                if pk.isdigit()
                else None
            )
        return self._pair

    def allowed(self) -> bool:
        # A pair the user may not open does not exist for them (as on its pages).
        if self.pair() is None:
            raise Http404
        log_pairs_read(self.request, [self.pair()], self.verbose_name)
        return True

    def mentees(self):
        return [link.mentee.participant for link in self.pair().memberships.all()]

    def context(self) -> dict:
        pair = self.pair()
        return {
            "pair": pair,
            "organisation": pair.programme.organisation,
            "mentees": self.mentees(),
        }

    def filename(self) -> str:
        return f"{self.verbose_name} {self.pair().mentor.participant.full_name}"


@register
class PairJournalExporter(PairDocumentExporter):
    identifier = "pair-journal"
    verbose_name = _("Journal of meetings")
    template_name = "pairs/print_journal.html"
    landscape = True

    def meetings(self):
        from pairs.models import MeetingAttendance

        return (
            self.pair()
            .meetings.select_related("meeting_type")
            .prefetch_related(
                Prefetch(
                    "attendance",
                    queryset=MeetingAttendance.objects.select_related(
                        "mentee__participant"
                    ).order_by("mentee__participant__search_text"),
                )
            )
            .order_by("held_on", "pk")
        )

    @staticmethod
    def attendance(meeting) -> str:
        present = [
            a.mentee.participant.full_name
            for a in meeting.attendance.all()
            if a.present
        ]
        absent = [
            a.mentee.participant.full_name
            for a in meeting.attendance.all()
            if not a.present
        ]
        text = ", ".join(present)
        if absent:
            text += ("; " if text else "") + gettext("absent: %(names)s") % {
                "names": ", ".join(absent)
            }
        return text

    def context(self) -> dict:
        context = super().context()
        meetings = list(self.meetings())
        for meeting in meetings:
            meeting.attendance_text = self.attendance(meeting)
        context["meetings"] = meetings
        return context

    def rows(self):
        yield [
            gettext("No."),
            gettext("Date"),
            gettext("Meeting type"),
            gettext("Duration, minutes"),
            gettext("Format"),
            gettext("Topic"),
            gettext("What was done"),
            gettext("Result"),
            gettext("Next step"),
            gettext("Attendance"),
        ]
        for number, meeting in enumerate(self.meetings(), start=1):
            yield [
                number,
                meeting.held_on,
                meeting.meeting_type.name,
                meeting.duration_minutes,
                meeting.get_format_display(),
                meeting.topic,
                meeting.summary,
                meeting.result,
                meeting.next_step,
                self.attendance(meeting),
            ]


@register
class PairPlanExporter(PairDocumentExporter):
    identifier = "pair-plan"
    verbose_name = _("Personalised mentoring programme")
    template_name = "pairs/print_plan.html"

    def plan(self):
        from pairs.models import Plan

        return (
            Plan.objects.filter(pair=self.pair())
            .prefetch_related("items__done_by")
            .first()
        )

    def allowed(self) -> bool:
        return super().allowed() and self.plan() is not None

    def context(self) -> dict:
        from pairs.plan_services import plan_progress

        context = super().context()
        plan = self.plan()
        context.update(plan=plan, items=plan.items.all(), progress=plan_progress(plan))
        return context

    def rows(self):
        yield [
            gettext("No."),
            gettext("Activity"),
            gettext("Deadline"),
            gettext("Form of reporting"),
            gettext("Status"),
            gettext("Done on"),
            gettext("Evidence"),
        ]
        for number, item in enumerate(self.plan().items.all(), start=1):
            yield [
                number,
                item.activity,
                item.deadline,
                item.reporting_form,
                item.get_status_display(),
                item.done_on,
                item.evidence_note,
            ]
