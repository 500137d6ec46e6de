"""Issue 17, the municipal tier: the coordinator's pages and report with 5 and 50
organisations (and indicators), the mentor bank and the cases of a school with 5
and 50 mentors, requests and cases — the same number of queries, within a budget
(the count at 50)."""

from datetime import date, timedelta

from django.urls import reverse

from mentoring.models import MentoringForm, RoleVariant, SchoolYear
from monitoring.models import Indicator, IndicatorValue, Unit
from municipal.models import (
    BankRequest,
    ChecklistEntry,
    ChecklistItem,
    MunicipalIndicator,
    OrganisationIndicatorValue,
    RollupSnapshot,
)
from municipal.practices import practice_create, practice_publish
from people.models import Role
from tests import factories as f
from tests.conftest import member
from tests.test_query_scaling import assert_flat, export_url

TODAY = date.today()


class MunicipalityWorld:
    """The coordinator's municipality; `grow(size)` adds `size` organisations, each
    with a curator, a programme, a pair with a mentee and a meeting, a campaign, an
    indicator with its value, a checklist entry, a published case, a roll-up sent,
    and one more reported municipal indicator with every organisation's value of
    it."""

    def __init__(self, organisation):
        self.municipality = organisation.municipality
        self.year = SchoolYear.for_date(TODAY)
        self.organisations = [organisation]
        self.done = 0

    def grow(self, size: int) -> None:
        for index in range(self.done, self.done + size):
            self.unit(index)
        self.done += size
        for indicator in MunicipalIndicator.objects.filter(
            municipality=self.municipality
        ):
            OrganisationIndicatorValue.objects.bulk_create(
                [
                    OrganisationIndicatorValue(
                        indicator=indicator,
                        organisation=organisation,
                        school_year=self.year,
                        value=index,
                    )
                    for index, organisation in enumerate(self.organisations)
                ],
                ignore_conflicts=True,
            )

    def unit(self, index: int) -> None:
        organisation = f.OrganisationFactory(municipality=self.municipality)
        self.organisations.append(organisation)
        curator = member(organisation, Role.CURATOR, f"curator-m{index}")
        programme = f.ProgrammeFactory(organisation=organisation)
        programme.curators.add(curator)
        pair = f.PairFactory(programme=programme)
        f.PairMenteeFactory(pair=pair)
        f.MeetingFactory(pair=pair, held_on=TODAY - timedelta(days=index % 40))
        f.CampaignFactory(programme=programme)
        indicator = Indicator.objects.create(
            programme=programme, name="Показатель", unit=Unit.PERCENT
        )
        IndicatorValue.objects.create(
            indicator=indicator, school_year=self.year, target=50, actual=10
        )
        ChecklistEntry.objects.create(
            organisation=organisation,
            item=ChecklistItem.REGULATION_ADOPTED,
            done_on=date(2022, 7, 28),
            document=f"приказ № {index}",
            submitted_by=curator,
        )
        practice_publish(
            practice=practice_create(
                organisation=organisation,
                programme=programme,
                pair=None,
                title=f"Практика {index}",
                summary="Наставники из числа старшеклассников.",
                body="Что было сделано.",
                by=curator,
            ),
            by=curator,
        )
        RollupSnapshot.objects.create(
            municipality=self.municipality,
            school_year=self.year,
            title=f"Сведения № {index}",
            data={},
        )
        MunicipalIndicator.objects.create(
            municipality=self.municipality,
            number=f"9.{index}",
            order=100 + index,
            name=f"Показатель района {index}",
            unit=Unit.PIECES,
        )

    def urls(self) -> dict[str, str]:
        return {
            "municipal:dashboard": reverse("municipal:dashboard"),
            "checklist:matrix": reverse("checklist:matrix"),
            "municipal-indicators:list": reverse("municipal-indicators:list"),
            "municipal-indicators:targets": reverse("municipal-indicators:targets"),
            "municipal-indicators:rollup": reverse("municipal-indicators:rollup")
            + f"?year={self.year.pk}",
            "municipal-indicators:snapshot-list": reverse(
                "municipal-indicators:snapshot-list"
            ),
            "practices:list": reverse("practices:list"),
            "export:municipal-report": export_url(
                "municipal-report", year=self.year.pk
            ),
        }


class BankWorld:
    """The curator's school and its neighbour; `grow(size)` adds `size` of each:
    a neighbour's mentor in the bank that our curator asked for, our mentor in the
    bank asked for by the neighbour and leading a pair there, a case of ours, and a
    reported municipal indicator with our value."""

    def __init__(self, programme, curator, other_organisation):
        self.programme, self.curator = programme, curator
        self.organisation, self.other = programme.organisation, other_organisation
        self.other_programme = f.ProgrammeFactory(organisation=other_organisation)
        self.other_curator = member(other_organisation, Role.CURATOR, "othercurator")
        self.form = MentoringForm.objects.get(code="teacher-pupil")
        self.variant = RoleVariant.objects.get(code="tp-professional")
        self.year = SchoolYear.for_date(TODAY)
        self.done = 0

    def grow(self, size: int) -> None:
        for index in range(self.done, self.done + size):
            self.unit(index)
        self.done += size

    def request(self, mentor, programme, by):
        mentee = f.MenteeFactory(participant__organisation=programme.organisation)
        BankRequest.objects.create(
            mentor=mentor,
            mentee=mentee,
            organisation=programme.organisation,
            programme=programme,
            form=self.form,
            role_variant=self.variant,
            requested_by=by,
        )

    def unit(self, index: int) -> None:
        theirs = f.MentorFactory(
            participant__organisation=self.other, shared_in_bank=True, capacity=3
        )
        self.request(theirs, self.programme, self.curator)
        ours = f.MentorFactory(
            participant__organisation=self.organisation,
            shared_in_bank=True,
            capacity=3,
        )
        self.request(ours, self.other_programme, self.other_curator)
        pair = f.PairFactory(programme=self.other_programme, mentor=ours)
        f.PairMenteeFactory(pair=pair)
        practice_create(
            organisation=self.organisation,
            programme=self.programme,
            pair=None,
            title=f"Практика {index}",
            summary="Наставники из числа старшеклассников.",
            body="Что было сделано.",
            by=self.curator,
        )
        indicator = MunicipalIndicator.objects.create(
            municipality=self.organisation.municipality,
            number=f"9.{index}",
            order=100 + index,
            name=f"Показатель района {index}",
            unit=Unit.PIECES,
        )
        OrganisationIndicatorValue.objects.create(
            indicator=indicator,
            organisation=self.organisation,
            school_year=self.year,
            value=index,
        )

    def urls(self) -> dict[str, str]:
        return {
            "bank:list": reverse("bank:list"),
            "bank:outgoing": reverse("bank:outgoing"),
            "bank:incoming": reverse("bank:incoming"),
            "bank:our-mentors": reverse("bank:our-mentors"),
            "practices:mine": reverse("practices:mine"),
            "municipal-indicators:values": reverse("municipal-indicators:values")
            + f"?year={self.year.pk}",
        }


# Queries of each page at 50 rows (and at 5): a query more fails the test.
COORDINATOR_BUDGETS = {
    "municipal:dashboard": 18,
    "checklist:matrix": 9,
    "municipal-indicators:list": 10,
    "municipal-indicators:targets": 10,
    "municipal-indicators:rollup": 13,
    "municipal-indicators:snapshot-list": 8,
    "practices:list": 8,
    "export:municipal-report": 23,
}
SCHOOL_BUDGETS = {
    "bank:list": 5,
    "bank:outgoing": 6,
    "bank:incoming": 6,
    "bank:our-mentors": 5,
    "practices:mine": 6,
    "municipal-indicators:values": 8,
}


def test_coordinator_pages_do_not_query_per_organisation(
    client, municipal_coordinator, organisation, django_assert_max_num_queries
):
    world = MunicipalityWorld(organisation)
    client.force_login(municipal_coordinator)
    assert_flat(
        client,
        world.urls(),
        world.grow,
        COORDINATOR_BUDGETS,
        django_assert_max_num_queries,
    )


def test_bank_and_school_pages_do_not_query_per_row(
    client, curator, programme, other_organisation, django_assert_max_num_queries
):
    world = BankWorld(programme, curator, other_organisation)
    client.force_login(curator)
    assert_flat(
        client, world.urls(), world.grow, SCHOOL_BUDGETS, django_assert_max_num_queries
    )
