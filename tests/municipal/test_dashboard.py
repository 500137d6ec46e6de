"""The coordinator's dashboard and an organisation's summary (municipal/views.py)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from mentoring.models import Job, MentoringForm, Organisation, SchoolYear
from monitoring.models import Computed, Indicator, IndicatorValue, Unit
from municipal.models import ChecklistEntry, ChecklistItem
from municipal.rollup import organisation_rows, totals
from pairs.models import Pair
from people.models import Role
from tests import factories as f
from tests.conftest import member

pytestmark = pytest.mark.django_db
TODAY = date.today()
FEWER = "менее 5"


def year():
    return SchoolYear.for_date(TODAY)


def pairs_of(programme, count, *, form_code="teacher-pupil", **kwargs):
    form = MentoringForm.objects.get(code=form_code)
    made = []
    for _n in range(count):
        pair = f.PairFactory(
            programme=programme,
            form=form,
            role_variant=form.role_variants.first(),
            **kwargs,
        )
        f.PairMenteeFactory(pair=pair)
        made.append(pair)
    return made


def social_risk_code():
    return MentoringForm.objects.get(is_social_risk=True).code


@pytest.fixture
def coordinator(organisation):
    user = f.UserFactory(username="coordinator")
    f.MembershipFactory(
        user=user,
        organisation=None,
        municipality=organisation.municipality,
        role=Role.MUNICIPAL_COORDINATOR,
    )
    return user


@pytest.fixture
def neighbour(organisation):
    return f.OrganisationFactory(
        short_name="МБДОУ «Детский сад № 3»",
        municipality=organisation.municipality,
        kind=Organisation.Kind.KINDERGARTEN,
    )


@pytest.fixture
def far():
    municipality = f.MunicipalityFactory(name="Рубцовский район")
    organisation = f.OrganisationFactory(
        short_name="МБОУ «Дальняя СОШ»", municipality=municipality
    )
    programme = f.ProgrammeFactory(organisation=organisation)
    pairs_of(programme, 2)
    coordinator = f.UserFactory(username="farcoordinator")
    f.MembershipFactory(
        user=coordinator,
        organisation=None,
        municipality=municipality,
        role=Role.MUNICIPAL_COORDINATOR,
    )
    return organisation, coordinator


# --- the figures ----------------------------------------------------------------------


def test_totals_are_the_sums_over_organisations(organisation, programme, neighbour):
    pairs_of(programme, 3)
    pairs_of(programme, 2, form_code=social_risk_code())
    f.ParticipantFactory.create_batch(4, organisation=organisation)
    other = f.ProgrammeFactory(organisation=neighbour)
    pairs_of(other, 2, status=Pair.Status.FORMED)
    f.ParticipantFactory.create_batch(2, organisation=neighbour)
    f.MeetingFactory(pair=other.pairs.first(), held_on=TODAY - timedelta(days=3))

    rows = organisation_rows(organisation.municipality, year())
    total = totals(rows)
    for name in (
        "pupils",
        "pupils_involved",
        "teachers",
        "teachers_involved",
        "pairs",
        "social_risk_pairs",
        "meetings_recent",
        "stale_pairs",
        "open_pairs",
    ):
        assert getattr(total, name) == sum(getattr(row, name) for row in rows), name
    assert total.pairs == 7
    assert total.pupils == 13  # 4 + 2 without a pair, and one mentee per pair
    assert total.pupils_involved == 7
    # the share is recomputed from the sums, not averaged
    assert str(total.pupils_share) == "53.8"
    assert total.pairs_by_status == {"active": 5, "formed": 2}
    assert sum(total.pairs_by_form.values()) == total.pairs


def test_a_pair_with_a_mentor_of_another_organisation_counts_once(
    organisation, programme, neighbour
):
    bank_mentor = f.MentorFactory(participant__organisation=neighbour)
    pair = f.PairFactory(programme=programme, mentor=bank_mentor)
    f.PairMenteeFactory(pair=pair)

    rows = {
        row.organisation: row
        for row in organisation_rows(organisation.municipality, year())
    }
    assert rows[organisation].pairs == 1
    assert rows[neighbour].pairs == 0
    assert totals(list(rows.values())).pairs == 1
    # the mentor is involved in mentoring in their own organisation
    assert rows[neighbour].teachers_involved == 1
    assert rows[organisation].pupils_involved == 1


def test_stale_pairs_follow_the_reminders_rule(organisation, programme):
    programme.stale_after_days = 14
    programme.save()
    quiet, recent, paused = pairs_of(programme, 3)
    f.MeetingFactory(pair=recent, held_on=TODAY - timedelta(days=2))
    paused.paused_until = TODAY + timedelta(days=5)
    paused.save()
    (row,) = organisation_rows(organisation.municipality, year())
    assert row.stale_pairs == 1
    assert row.meetings_recent == 1


# --- the pages ------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "shown"), [(1, FEWER), (4, FEWER), (5, 5)])
def test_social_risk_pairs_under_five_read_fewer_than_five(
    client, coordinator, organisation, programme, count, shown
):
    pairs_of(programme, 2)
    pairs_of(programme, count, form_code=social_risk_code())
    client.force_login(coordinator)
    response = client.get(reverse("municipal:dashboard"))
    (row,) = response.context["rows"]
    assert row.social_risk_shown == shown
    assert response.context["totals"].social_risk_shown == shown
    summary = client.get(reverse("municipal:organisation", args=[organisation.pk]))
    risky = [
        line for line in summary.context["form_rows"] if line["form"].is_social_risk
    ]
    assert risky[0]["count"] == shown
    for page in (response.content.decode(), summary.content.decode()):
        if shown == FEWER:
            assert f"{FEWER}</td>" in page
            # the total cannot give the masked number back by subtraction
            assert row.pairs_shown == "2 + менее 5"
            assert "2 + менее 5" in page
        else:
            assert FEWER + "</td>" not in page
            assert "+ " + FEWER not in page
            assert row.pairs_shown == 7


def test_the_pages_name_no_pupil(client, coordinator, organisation, programme):
    (pair,) = pairs_of(programme, 1)
    pupil = pair.memberships.get().mentee.participant
    client.force_login(coordinator)
    for url in (
        reverse("municipal:dashboard"),
        reverse("municipal:organisation", args=[organisation.pk]),
    ):
        page = client.get(url).content.decode()
        assert pupil.last_name not in page
        assert pair.mentor.participant.last_name not in page
        assert reverse("pairs:detail", args=[pair.pk]) not in page


def test_another_municipality_coordinator_sees_none_of_ours(
    client, organisation, programme, coordinator, far
):
    far_organisation, far_coordinator = far
    pairs_of(programme, 3)
    client.force_login(far_coordinator)
    response = client.get(reverse("municipal:dashboard"))
    page = response.content.decode()
    assert response.status_code == 200
    assert far_organisation.short_name in page
    assert organisation.short_name not in page
    assert [row.organisation for row in response.context["rows"]] == [far_organisation]
    assert response.context["totals"].pairs == 2
    url = reverse("municipal:organisation", args=[organisation.pk])
    assert client.get(url).status_code == 404
    # and ours does not see theirs
    client.force_login(coordinator)
    page = client.get(reverse("municipal:dashboard")).content.decode()
    assert far_organisation.short_name not in page
    url = reverse("municipal:organisation", args=[far_organisation.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("persona", ["head", "curator", "mentor", "mentee"])
def test_school_people_are_refused(client, request, organisation, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse("municipal:dashboard")).status_code == 403
    url = reverse("municipal:organisation", args=[organisation.pk])
    assert client.get(url).status_code == 403


def test_anonymous_goes_to_the_login_page(client, organisation):
    response = client.get(reverse("municipal:dashboard"))
    assert response.status_code == 302
    assert reverse("login") in response.url


def _dashboard_queries(client, coordinator, django_assert_max_num_queries, budget):
    year()
    client.force_login(coordinator)
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(reverse("municipal:dashboard"))
    assert response.status_code == 200
    return len(captured), response


def _organisations(municipality, count):
    for n in range(count):
        organisation = f.OrganisationFactory(municipality=municipality)
        programme = f.ProgrammeFactory(organisation=organisation)
        pairs_of(programme, n % 3 + 1)
        f.MeetingFactory(
            pair=programme.pairs.first(), held_on=TODAY - timedelta(days=n)
        )
        f.CampaignFactory(programme=programme)
        member(organisation, Role.CURATOR, f"curator{organisation.pk}")
        for computed in (Computed.PUPILS_SHARE, Computed.MENTORS, ""):
            indicator = Indicator.objects.create(
                programme=programme,
                name="Показатель",
                unit=Unit.PERCENT,
                computed=computed,
            )
            IndicatorValue.objects.create(
                indicator=indicator, school_year=year(), target=50, actual=10
            )


def test_the_query_count_does_not_grow_with_organisations(
    client, coordinator, organisation, django_assert_max_num_queries
):
    _organisations(organisation.municipality, 1)  # 2 with `organisation`
    two, _response = _dashboard_queries(
        client, coordinator, django_assert_max_num_queries, 30
    )
    _organisations(organisation.municipality, 4)
    six, response = _dashboard_queries(
        client, coordinator, django_assert_max_num_queries, 30
    )
    assert len(response.context["rows"]) == 6
    assert all(len(row.indicators) == 3 for row in response.context["rows"][1:])
    assert response.context["totals"].indicators_with_target == 15
    assert six == two


def test_the_summary_query_count_does_not_grow_with_pairs(
    client, coordinator, organisation, programme, django_assert_max_num_queries
):
    year()  # the current school year exists (the first request would create it)
    client.force_login(coordinator)
    url = reverse("municipal:organisation", args=[organisation.pk])
    pairs_of(programme, 1)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    pairs_of(programme, 6)
    with django_assert_max_num_queries(40) as many:
        client.get(url)
    assert len(many) == len(few)


def test_sorting_by_a_column_and_filtering_by_type(
    client, coordinator, organisation, programme, neighbour
):
    pairs_of(programme, 1)
    pairs_of(f.ProgrammeFactory(organisation=neighbour), 3)
    client.force_login(coordinator)
    url = reverse("municipal:dashboard")

    def names(**query):
        response = client.get(url, query)
        return [row.name for row in response.context["rows"]]

    assert names(sort="-pairs") == [neighbour.short_name, organisation.short_name]
    assert names(sort="pairs") == [organisation.short_name, neighbour.short_name]
    assert names(sort="name") == sorted(
        [neighbour.short_name, organisation.short_name], key=str.casefold
    )
    assert names(sort="nonsense") == names(sort="name")
    assert names(kind=Organisation.Kind.KINDERGARTEN) == [neighbour.short_name]
    page = client.get(url, {"kind": Organisation.Kind.KINDERGARTEN}).content.decode()
    assert reverse("municipal:organisation", args=[neighbour.pk]) in page
    assert reverse("municipal:organisation", args=[organisation.pk]) not in page


def test_sorting_does_not_order_masked_counts(client, coordinator, organisation):
    """1 and 4 social-risk pairs both read «менее 5» and sort alike (by name)."""
    municipality = organisation.municipality
    first = f.OrganisationFactory(short_name="А-школа", municipality=municipality)
    second = f.OrganisationFactory(short_name="Б-школа", municipality=municipality)
    pairs_of(f.ProgrammeFactory(organisation=first), 1, form_code=social_risk_code())
    pairs_of(f.ProgrammeFactory(organisation=second), 4, form_code=social_risk_code())
    client.force_login(coordinator)
    for sort in ("social_risk", "-social_risk"):
        response = client.get(reverse("municipal:dashboard"), {"sort": sort})
        names = [row.name for row in response.context["rows"]]
        assert names.index("А-школа") < names.index("Б-школа")


def test_the_summary_shows_the_checklist_and_indicators(
    client, coordinator, organisation, programme
):

    pairs_of(programme, 2)
    indicator = Indicator.objects.create(
        programme=programme,
        name="Доля обучающихся в программах наставничества",
        unit=Unit.PERCENT,
        computed=Computed.PUPILS_SHARE,
    )
    IndicatorValue.objects.create(indicator=indicator, school_year=year(), target=70)
    ChecklistEntry.objects.create(
        organisation=organisation,
        item=ChecklistItem.REGULATION_ADOPTED,
        status=ChecklistEntry.Status.ACCEPTED,
        done_on=TODAY,
        document="приказ № 45",
    )
    client.force_login(coordinator)
    response = client.get(reverse("municipal:organisation", args=[organisation.pk]))
    page = response.content.decode()
    assert "Доля обучающихся в программах наставничества" in page
    assert "приказ № 45" in page
    (figure,) = response.context["figures"].indicators
    assert figure.actual == 100 and figure.reached is True


def test_the_year_selector_changes_the_year(
    client, coordinator, organisation, programme
):
    pairs_of(programme, 2)
    last = SchoolYear.for_date(TODAY - timedelta(days=800))
    client.force_login(coordinator)
    response = client.get(reverse("municipal:dashboard"), {"year": last.pk})
    assert response.context["year"] == last
    assert response.context["totals"].pairs == 0
    response = client.get(reverse("municipal:dashboard"))
    assert response.context["year"] == year()
    assert response.context["totals"].pairs == 2


def test_the_dashboard_offers_the_municipal_report_of_its_year(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("municipal:dashboard"))
    year = response.context["year"]
    page = response.content.decode()
    for fmt in ("pdf", "xlsx", "docx"):
        # The whole municipality: a background job with its progress page.
        start = reverse("jobs:start-export", args=["municipal-report", fmt])
        assert f'action="{start}"' in page
        assert f'name="query" value="year={year.pk}"' in page
        queued = client.post(start, {"query": f"year={year.pk}"})
        job = Job.objects.latest("pk")
        assert queued["Location"] == reverse("jobs:detail", args=[job.pk])
        assert job.status == Job.Status.DONE and job.filename.endswith(f".{fmt}")
        assert job.params["query"] == f"year={year.pk}"
        url = reverse("export", args=["municipal-report", fmt])
        assert client.get(url, {"year": year.pk}).status_code == 200
