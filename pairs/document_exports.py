"""Exporters of official documents: the order fixing pairs, the list of pairs and
the programme's summary page (see mentoring/lib/export.py for the pattern).

Pairs are chosen by `?pair=<pk>&pair=<pk>…` or, without them, by the pair list's
filters; either way only pairs of the current organisation are ever printed. From
an admin action the selected rows are used, narrowed to one organisation: an
order is the document of one school. An approved order is reprinted by
`?order_number=<№>&order_date=<YYYY-MM-DD>`: the pairs it fixed, with its number
and date, whatever became of them since (the copy matches the signed original)."""

from datetime import date
from itertools import groupby

from django.db.models import Count, Prefetch
from django.utils.translation import gettext, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from mentoring.exports import NBSP, document_date, names, nbsp
from mentoring.lib.export import DOCX, PDF, register
from mentoring.models import Programme
from pairs.forms import PairFilterForm
from pairs.models import Pair, PairMentee
from people.access import hides_social_risk, without_tier
from people.audit import log_pairs_read
from people.exports import CuratorExporter


def curator_names(programme: Programme) -> list[str]:
    return [
        user.get_full_name() or user.username
        for user in programme.curators.order_by("last_name", "first_name")
    ]


class SelectedPairsExporter(CuratorExporter):
    """A document about several pairs of one organisation."""

    formats = (PDF,)

    @property
    def organisation(self):
        if self._queryset is None:
            return self.request.access.organisation
        # An admin action: the user's organisation if the selection has its pairs,
        # else the organisation of the first selected pair.
        current = self.request.access.organisation
        selected = self._queryset.order_by("pk")
        if current is not None and selected.filter(programme__organisation=current):
            return current
        first = selected.select_related("programme__organisation").first()
        return first.programme.organisation if first else current

    def filename(self) -> str:
        return super().filename().replace("/", "-")  # «пар/групп» in the title

    def selected(self):
        pairs = without_tier(
            self.request, Pair.objects.for_organisation(self.organisation)
        )
        if self._queryset is not None:
            return pairs.filter(pk__in=self._queryset.values("pk"))
        # `pairs` is the name of the pair list's checkboxes
        pks = [
            pk
            for pk in self.params.getlist("pair") + self.params.getlist("pairs")
            if str(pk).isdigit()
        ]
        if pks:
            return pairs.filter(pk__in=pks)
        return PairFilterForm(self.params, organisation=self.organisation).filter(pairs)

    def pairs(self) -> list[Pair]:
        if not hasattr(self, "_pairs"):
            memberships = PairMentee.objects.select_related(
                "mentee__participant__study_group"
            ).order_by("mentee__participant__search_text", "pk")
            self._pairs = list(
                self.selected()
                .select_related(
                    "programme",
                    "form",
                    "role_variant",
                    "mentor__participant__organisation",
                    "mentor__participant__study_group",
                    "co_mentor__participant",
                )
                .prefetch_related(Prefetch("memberships", queryset=memberships))
                .order_by("form__order", "mentor__participant__search_text", "pk")
            )
            log_pairs_read(self.request, self._pairs, self.verbose_name)
            for number, pair in enumerate(self._pairs, start=1):
                pair.number = number
                pair.mentee_list = [
                    m.mentee.participant for m in pair.memberships.all()
                ]
        return self._pairs

    def mentors(self) -> list:
        """Everyone who mentors in the selected pairs, once, in alphabetical order."""
        people = {}
        for pair in self.pairs():
            for profile in (pair.mentor, pair.co_mentor):
                if profile is not None:
                    people[profile.participant.pk] = profile.participant
        return sorted(people.values(), key=lambda person: person.search_text)

    def programmes(self) -> list[Programme]:
        seen = {pair.programme.pk: pair.programme for pair in self.pairs()}
        return list(seen.values())

    def context(self) -> dict:
        programmes = self.programmes()
        programme = programmes[0] if len(programmes) == 1 else None
        return {
            "organisation": self.organisation,
            "pairs": self.pairs(),
            "mentors": self.mentors(),
            "programme": programme,
            "curators": curator_names(programme) if programme else [],
            **names(self.organisation, programme),
        }


@register
class PairsOrderExporter(SelectedPairsExporter):
    """The order every member of staff reads and every mentor signs: it never
    states the social-risk tier, so the pairs of the social-risk form are never in
    it, whoever prints it; they are fixed by the confidential order below."""

    identifier = "pairs-order"
    verbose_name = _("Order on fixing mentoring pairs and groups")
    formats = (PDF, DOCX)
    template_name = "pairs/print_order.html"
    docx_template = "pairs_order.docx"
    confidential = False

    def reprinted(self) -> tuple[str, date] | None:
        """`?order_number=…&order_date=YYYY-MM-DD`: the approved order to reprint."""
        number = str(self.params.get("order_number", "")).strip()
        try:
            day = date.fromisoformat(str(self.params.get("order_date", "")))
        except ValueError:
            return None
        return (number, day) if number else None

    def selected(self):
        pairs = super().selected()
        reprint = self.reprinted() if self._queryset is None else None
        if reprint is not None:
            pairs = without_tier(
                self.request, Pair.objects.for_organisation(self.organisation)
            ).filter(order_number=reprint[0], order_date=reprint[1])
        else:
            # A completed or terminated pair is never fixed by a new order.
            pairs = pairs.exclude(
                status__in=[Pair.Status.COMPLETED, Pair.Status.TERMINATED]
            )
        return pairs.filter(form__is_social_risk=self.confidential)

    def order(self) -> tuple[str, object]:
        """The number and date of the pairs' order when they all share one."""
        orders = {(pair.order_number, pair.order_date) for pair in self.pairs()}
        if len(orders) == 1:
            number, day = orders.pop()
            if number:
                return number, day
        return "", None

    def context(self) -> dict:
        context = super().context()
        number, day = self.order()
        context.update(
            order_number=number, order_date=day, confidential=self.confidential
        )
        context.update(self.text(context))
        return context

    @staticmethod
    def text(context) -> dict:
        """The order's preamble and points, the same in the PDF and in Word."""
        preamble = gettext(
            "In accordance with the methodological recommendations on introducing "
            "the target model of mentoring (order of the Ministry of Education of "
            "Russia of 25.12.2019 No. Р-145) and the Regulations on mentoring of "
            "%(organisation)s"
        ) % {"organisation": context["org_short"]}
        if context["programme"]:
            preamble += ", " + gettext(
                "to carry out the mentoring programme «%(title)s»"
            ) % {"title": context["programme_title"]}
        count = len(context["pairs"])
        support = gettext(
            "The curator of the mentoring programme shall provide organisational "
            "and methodological support to the pairs and groups, keep the journals "
            "of meetings and monitor the programme."
        )
        if context["curators"]:
            support += " " + ngettext(
                "Responsible person: %(names)s.",
                "Responsible persons: %(names)s.",
                len(context["curators"]),
            ) % {"names": ", ".join(context["curators"])}
        fix = ngettext(
            "To fix %(counter)s mentoring pair or group as listed in the appendix "
            "to this order.",
            "To fix %(counter)s mentoring pairs and groups as listed in the appendix "
            "to this order.",
            count,
        ) % {"counter": count}
        return {
            "preamble": nbsp(preamble),
            "points": [
                f"1. {fix}",
                f"2. {support}",
                "3. " + gettext("I reserve control over the execution of this order."),
            ],
        }

    def filename(self) -> str:
        number, day = self.order()
        name = str(self.verbose_name)
        if number:
            name += f" № {number} от {day:%d.%m.%Y}"
        return name.replace("/", "-")

    def docx_context(self) -> dict:
        """The order for Word: the PDF's text, dates written out."""
        context = self.context()
        organisation = context["organisation"]
        number, day = context["order_number"], context["order_date"]
        blank_date = f"«___»{NBSP}____________ 20__{NBSP}г."
        head_title = organisation.head_title or pgettext("document", "Head")
        return {
            "organisation_name": context["org_name"],
            "confidential": self.confidential,
            "title": pgettext("document", "ORDER"),
            "date": document_date(day) if day else blank_date,
            "number": f"№{NBSP}{number or '________'}",
            "subject": gettext("On fixing mentoring pairs and groups"),
            "preamble": context["preamble"],
            "points": context["points"],
            "head": f"{head_title} {context['org_short']}",
            "head_name": organisation.head_name or "____________________",
            "appendix": gettext("Appendix to the order of %(organisation)s")
            % {"organisation": context["org_short"]},
            "appendix_of": (
                gettext("of %(date)s No. %(number)s")
                % {"date": document_date(day), "number": number}
            ).replace("№ ", f"№{NBSP}")
            if number
            else f"от {blank_date} №{NBSP}________",
            "pairs": [
                {
                    "number": index,
                    "mentor": ", ".join(
                        person.full_name
                        for person in filter(
                            None,
                            [
                                pair.mentor.participant,
                                pair.co_mentor.participant if pair.co_mentor else None,
                            ],
                        )
                    ),
                    "mentees": ",\n".join(
                        f"{person.full_name} ({person.study_group})"
                        if person.study_group
                        else person.full_name
                        for person in pair.mentee_list
                    ),
                    "form": pair.form.name,
                    "variant": pair.role_variant.neutral_name,
                    "period": f"{document_date(pair.start_on)} –\n"
                    f"{document_date(pair.planned_end_on)}",
                }
                for index, pair in enumerate(context["pairs"], start=1)
            ],
            "mentors": [person.full_name for person in context["mentors"]],
        }


@register
class ConfidentialPairsOrderExporter(PairsOrderExporter):
    """The pairs of the social-risk form, in an order of their own marked «для
    служебного пользования»: printed only by those who may see the tier (the
    head, the curator), read by those entitled, signed by its own mentors."""

    identifier = "pairs-order-confidential"
    verbose_name = _("Order on fixing mentoring pairs (confidential)")
    confidential = True

    def allowed(self) -> bool:
        return super().allowed() and not hides_social_risk(self.request)


@register
class PairsListExporter(SelectedPairsExporter):
    identifier = "pairs-list"
    verbose_name = _("List of mentoring pairs and groups")
    template_name = "pairs/print_pairs.html"
    landscape = True

    def context(self) -> dict:
        context = super().context()
        context["groups"] = [
            (form, list(pairs))
            for form, pairs in groupby(self.pairs(), key=lambda pair: pair.form)
        ]
        return context


# Column headers «из них: сформированы / активны / …»: the statuses of many
# pairs and groups (Pair.Status labels speak of one pair).
STATUS_COLUMNS = {
    Pair.Status.FORMED: pgettext_lazy("pairs and groups", "formed"),
    Pair.Status.ACTIVE: pgettext_lazy("pairs and groups", "active"),
    Pair.Status.COMPLETED: pgettext_lazy("pairs and groups", "completed"),
    Pair.Status.TERMINATED: pgettext_lazy("pairs and groups", "terminated"),
}


@register
class ProgrammeSummaryExporter(CuratorExporter):
    """`?programme=<pk>`, or the organisation's current (else latest) programme."""

    identifier = "programme-summary"
    verbose_name = _("Mentoring programme: summary")
    formats = (PDF,)
    template_name = "pairs/print_programme.html"

    def programme(self) -> Programme | None:
        if not hasattr(self, "_programme"):
            programmes = Programme.objects.for_organisation(self.organisation)
            pk = str(self.params.get("programme", ""))
            if pk.isdigit():
                self._programme = programmes.filter(pk=pk).first()
            else:
                self._programme = programmes.default()
        return self._programme

    def allowed(self) -> bool:
        return super().allowed() and self.programme() is not None

    def context(self) -> dict:
        programme = self.programme()
        pairs = without_tier(self.request, programme.pairs.all())
        used = {}
        for form_id, variant in (
            pairs.values_list("form_id", "role_variant__name")
            .distinct()
            .order_by("role_variant__order", "role_variant__name")
        ):
            used.setdefault(form_id, []).append(variant)
        forms = [
            (form, used.get(form.pk, []))
            for form in without_tier(self.request, programme.forms.all()).order_by(
                "order", "name"
            )
        ]
        by_status = dict(pairs.values_list("status").annotate(n=Count("pk")).order_by())
        statuses = [
            (label, by_status.get(value, 0)) for value, label in STATUS_COLUMNS.items()
        ]
        mentors = set(pairs.values_list("mentor_id", flat=True)) | set(
            pairs.exclude(co_mentor=None).values_list("co_mentor_id", flat=True)
        )
        mentees = (
            without_tier(self.request, PairMentee.objects.all())
            .filter(pair__programme=programme)
            .values("mentee_id")
            .distinct()
            .count()
        )
        return {
            "organisation": self.organisation,
            "programme": programme,
            "forms": forms,
            "curators": curator_names(programme),
            "statuses": statuses,
            "pairs_total": sum(count for _label, count in statuses),
            "mentors_total": len(mentors),
            "mentees_total": mentees,
            "approval_number": programme.approval_order_number,
            "approval_date": programme.approval_order_date,
        }

    def filename(self) -> str:
        return f"{self.verbose_name} {self.programme().starts_on:%Y}"
