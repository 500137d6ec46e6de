"""The consent register as Excel, filtered as on its page (see
mentoring/lib/export.py for the pattern)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.lib.export import XLSX, register
from people.consent_forms import ConsentFilterForm
from people.consent_services import Status, register_queryset
from people.exports import CuratorExporter
from people.models import Consent


def status_text(status: str, until, revoked) -> str:
    label = str(Status.labels[status])
    if status == Status.VALID and until:
        return gettext("valid until %(date)s") % {"date": f"{until:%d.%m.%Y}"}
    if status == Status.REVOKED and revoked:
        return gettext("revoked %(date)s") % {"date": f"{revoked:%d.%m.%Y}"}
    return label


@register
class ConsentRegisterExporter(CuratorExporter):
    identifier = "consent-register"
    verbose_name = _("Consent register")
    formats = (XLSX,)

    def queryset(self):
        queryset = register_queryset(self.organisation)
        if self._queryset is not None:
            queryset = queryset.filter(pk__in=self._queryset.values("pk"))
        else:
            queryset = ConsentFilterForm(
                self.params, organisation=self.organisation
            ).apply(queryset)
        return queryset.select_related(
            "study_group", "mentee_profile", "mentor_profile"
        ).order_by("search_text", "pk")

    def rows(self):
        yield [
            gettext("Full name"),
            gettext("Class, group or position"),
            gettext("Date of birth"),
            gettext("Minor"),
            gettext("Base"),
            gettext("In an open pair"),
            *(str(label).capitalize() for label in Consent.Scope.labels),
        ]
        yes, no = gettext("yes"), gettext("no")
        for person in self.queryset():
            bases = []
            if hasattr(person, "mentee_profile"):
                bases.append(gettext("mentee"))
            if hasattr(person, "mentor_profile"):
                bases.append(gettext("mentor"))
            yield [
                person.full_name,
                person.study_group.name if person.study_group_id else person.position,
                person.birth_date,
                gettext("yes, consent of a legal representative")
                if person.minor
                else no,
                ", ".join(bases),
                yes if person.in_pair else no,
                *(
                    status_text(
                        getattr(person, f"{scope}_status"),
                        getattr(person, f"{scope}_until"),
                        getattr(person, f"{scope}_revoked"),
                    )
                    for scope in Consent.Scope.values
                ),
            ]
