"""Dynamics: direction-aware statuses, missing values reported, grouping."""

from decimal import Decimal

import pytest

from mentoring.models import MentoringForm, RoleVariant
from monitoring.dynamics import Change, Group, programme_dynamics
from monitoring.models import Measurement, Parameter
from tests import factories as f

ENTRY, EXIT = Measurement.Moment.ENTRY, Measurement.Moment.EXIT


def parameter(code):
    return Parameter.objects.get(code=code)


def mentee_of(pair):
    return f.PairMenteeFactory(pair=pair).mentee.participant


def measure(pair, participant, code, entry=None, exit=None):
    if entry is not None:
        f.MeasurementFactory(
            pair=pair,
            participant=participant,
            parameter=parameter(code),
            moment=ENTRY,
            value=entry,
        )
    if exit is not None:
        f.MeasurementFactory(
            pair=pair,
            participant=participant,
            parameter=parameter(code),
            moment=EXIT,
            value=exit,
        )


@pytest.mark.parametrize(
    ("code", "entry", "exit", "status"),
    [
        ("anxiety", 8, 5, "improved"),
        ("anxiety", 5, 8, "worse"),
        ("engagement", 8, 5, "worse"),
        ("engagement", 5, 8, "improved"),
        ("engagement", 5, 5, "same"),
        ("engagement", None, 5, "no_entry"),
        ("engagement", 5, None, "no_exit"),
    ],
)
def test_status_is_direction_aware(code, entry, exit, status):
    entry = Decimal(entry) if entry is not None else None
    exit = Decimal(exit) if exit is not None else None
    change = Change(None, None, parameter(code), entry, exit)
    assert change.status == status
    if entry is not None and exit is not None:
        assert change.delta == exit - entry
    else:
        assert change.delta is None


def test_share_improved_is_whole_percent_or_none():
    assert Group("x", None).share_improved is None
    assert Group("x", None, count=3, improved=2).share_improved == 67


def test_exit_without_entry_is_listed_never_dropped(pair):
    person = pair.memberships.get().mentee.participant
    measure(pair, person, "engagement", exit=7)
    measure(pair, person, "anxiety", entry=6)
    dynamics = programme_dynamics(pair.programme)
    assert [c.status for c in dynamics.missing_entry] == ["no_entry"]
    assert dynamics.missing_entry[0].parameter.code == "engagement"
    statuses = {c.parameter.code: c.status for c in dynamics.changes}
    assert statuses == {"engagement": "no_entry", "anxiety": "no_exit"}
    overall = {g.parameter.code: g for g in dynamics.by_parameter}
    assert overall["engagement"].count == 0
    assert overall["engagement"].share_improved is None


@pytest.fixture
def two_variants(programme):
    """Variant A (2 of 2 improved), variant B of another form (1 of 2)."""
    form_pp = MentoringForm.objects.get(code="pupil-pupil")
    variant_a = RoleVariant.objects.get(code="tp-professional")
    variant_b = RoleVariant.objects.get(code="pp-leader")
    pair_a = f.PairFactory(programme=programme)
    pair_b = f.PairFactory(programme=programme, form=form_pp, role_variant=variant_b)
    for entry, exit in ((4, 6), (5, 9)):
        measure(pair_a, mentee_of(pair_a), "engagement", entry, exit)
    for entry, exit in ((6, 8), (6, 4)):
        measure(pair_b, mentee_of(pair_b), "engagement", entry, exit)
    # Anxiety: lower is better; one mentee of B calms down.
    measure(pair_b, mentee_of(pair_b), "anxiety", 8, 3)
    return pair_a, pair_b, variant_a, variant_b


def test_groups_by_pair_role_variant_and_form(two_variants, programme):
    pair_a, pair_b, variant_a, variant_b = two_variants
    dynamics = programme_dynamics(programme)
    engagement = parameter("engagement")

    by_variant = {
        g.subject: g for g in dynamics.by_role_variant if g.parameter == engagement
    }
    assert by_variant[variant_a].count == 2
    assert by_variant[variant_a].improved == 2
    assert by_variant[variant_a].share_improved == 100
    assert by_variant[variant_a].mean_entry == Decimal("4.50")
    assert by_variant[variant_a].mean_exit == Decimal("7.50")
    assert by_variant[variant_b].share_improved == 50
    assert by_variant[variant_b].worse == 1

    by_form = {g.subject.code: g for g in dynamics.by_form if g.parameter == engagement}
    assert by_form["teacher-pupil"].share_improved == 100
    assert by_form["pupil-pupil"].share_improved == 50

    by_pair = {g.subject: g for g in dynamics.by_pair if g.parameter == engagement}
    assert by_pair[pair_a].count == 2
    assert by_pair[pair_b].improved == 1

    overall = {g.parameter.code: g for g in dynamics.by_parameter}
    assert overall["engagement"].count == 4
    assert overall["engagement"].share_improved == 75
    assert overall["anxiety"].improved == 1
    assert overall["anxiety"].trend == "improved"
    assert overall["anxiety"].went_up is False


def test_best_variant_sentence_needs_two_variants(two_variants, programme):
    dynamics = programme_dynamics(programme)
    section = dynamics.for_parameter(parameter("engagement"))
    assert "«Активный профессионал – равнодушный потребитель»" in section["best"]
    assert "100" in section["best"]
    # Anxiety has data for one variant only: no comparison.
    assert dynamics.for_parameter(parameter("anxiety"))["best"] == ""


def test_school_year_filter(pair):
    person = pair.memberships.get().mentee.participant
    measure(pair, person, "engagement", entry=5, exit=6)
    other_year = f.MeasurementFactory(
        pair=pair,
        participant=person,
        parameter=parameter("anxiety"),
        measured_on=pair.start_on.replace(year=pair.start_on.year - 3),
    )
    all_years = programme_dynamics(pair.programme)
    assert len(all_years.changes) == 2
    filtered = programme_dynamics(
        pair.programme, Measurement.objects.get(pk=other_year.pk).school_year
    )
    assert [c.parameter.code for c in filtered.changes] == ["anxiety"]


@pytest.mark.parametrize("pairs", [2, 8])
def test_query_budget_does_not_grow(programme, pairs, django_assert_max_num_queries):
    for _ in range(pairs):
        pair = f.PairFactory(programme=programme)
        measure(pair, mentee_of(pair), "engagement", 4, 6)
        measure(pair, pair.mentor.participant, "anxiety", 7, 5)
    with django_assert_max_num_queries(2):  # the values, the pairs' mentees
        dynamics = programme_dynamics(programme)
        assert len(dynamics.changes) == pairs * 2
        [str(g.label) for g in dynamics.by_pair + dynamics.by_role_variant]


def test_dynamics_page_shows_tables_best_sentence_and_missing_entry(
    client, curator, two_variants, programme, django_assert_max_num_queries
):
    pair_a = two_variants[0]
    lonely = mentee_of(pair_a)
    measure(pair_a, lonely, "engagement", exit=6)
    client.force_login(curator)
    from django.urls import reverse

    with django_assert_max_num_queries(12):
        response = client.get(
            f"{reverse('measurements:dynamics')}?programme={programme.pk}"
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="best"' in html
    assert 'data-testid="missing-entry"' in html
    assert lonely.full_name in html
    # the pair's card to fix it
    assert reverse("measurements:pair", args=[pair_a.pk]) in html
    assert 'data-testid="dynamics-chart"' in html and "<svg" in html
    assert "bi-arrow-down" in html  # anxiety went down …
    assert "text-success" in html  # … which is an improvement


def test_role_variant_matrix_puts_the_best_variant_first(programme):
    achiever = RoleVariant.objects.get(code="pp-achiever")
    peer = RoleVariant.objects.get(code="pp-peer")
    pupil_form = MentoringForm.objects.get(code="pupil-pupil")
    weak = f.PairFactory(programme=programme, form=pupil_form, role_variant=peer)
    strong = f.PairFactory(programme=programme, form=pupil_form, role_variant=achiever)
    for pair, (engagement, anxiety) in ((weak, (4, 6)), (strong, (8, 3))):
        participant = mentee_of(pair)
        measure(pair, participant, "engagement", entry=5, exit=engagement)
        measure(pair, participant, "anxiety", entry=5, exit=anxiety)
    # exit without entry: reported elsewhere, never counted in the matrix
    measure(weak, mentee_of(weak), "engagement", exit=9)

    parameters, rows = programme_dynamics(programme).role_variant_matrix()

    assert [p.code for p in parameters] == ["engagement", "anxiety"]
    assert [row["variant"] for row in rows] == [achiever, peer]
    best, worst = rows
    assert (best["improved"], best["count"], best["share"]) == (2, 2, 100)
    # engagement fell (worse), anxiety rose (worse): nobody improved
    assert (worst["improved"], worst["count"], worst["share"]) == (0, 2, 0)
    assert [g.share_improved for g in best["groups"]] == [100, 100]


def test_role_variant_matrix_leaves_out_what_has_no_exit_yet(programme):
    pair = f.PairFactory(programme=programme)
    participant = mentee_of(pair)
    measure(pair, participant, "engagement", entry=5, exit=7)
    measure(pair, participant, "anxiety", entry=5)  # still in progress

    parameters, rows = programme_dynamics(programme).role_variant_matrix()

    assert [p.code for p in parameters] == ["engagement"]
    assert len(rows) == 1 and rows[0]["share"] == 100
    other = f.PairFactory(
        programme=programme, role_variant=RoleVariant.objects.get(code="tp-colleague")
    )
    measure(other, mentee_of(other), "engagement", entry=5)
    assert len(programme_dynamics(programme).role_variant_matrix()[1]) == 1


def test_a_change_belongs_to_the_year_of_its_exit(pair):
    """Entry in the spring of one school year, exit in the autumn of the next: the
    change is the next year's, whole, not an orphan exit."""
    from datetime import date

    person = pair.memberships.get().mentee.participant
    f.MeasurementFactory(
        pair=pair,
        participant=person,
        parameter=parameter("engagement"),
        moment=ENTRY,
        value=4,
        measured_on=date(2025, 4, 10),
    )
    exit_value = f.MeasurementFactory(
        pair=pair,
        participant=person,
        parameter=parameter("engagement"),
        moment=EXIT,
        value=7,
        measured_on=date(2025, 11, 10),
    )
    year = Measurement.objects.get(pk=exit_value.pk).school_year
    (change,) = programme_dynamics(pair.programme, year).changes
    assert (change.entry, change.exit, change.status) == (4, 7, "improved")
    assert programme_dynamics(pair.programme, year).missing_entry == []
    earlier = Measurement.objects.get(moment=ENTRY).school_year
    assert programme_dynamics(pair.programme, earlier).changes == []


def test_the_dynamics_of_one_pair(client, curator, two_variants, programme):
    """`?pair=` (issue 19: it was ignored) shows that pair's participants only;
    a pair of another programme is refused with the field's error."""
    from django.urls import reverse

    pair_a, pair_b = two_variants[0], two_variants[1]
    first, second = mentee_of(pair_a), mentee_of(pair_b)
    measure(pair_a, first, "engagement", entry=4, exit=7)
    measure(pair_b, second, "engagement", entry=5, exit=6)
    measure(pair_a, first, "anxiety", entry=6)  # an entry value only, so far
    client.force_login(curator)
    url = reverse("measurements:dynamics")

    both = client.get(f"{url}?programme={programme.pk}").content.decode()
    assert first.full_name in both and second.full_name in both
    one = client.get(f"{url}?programme={programme.pk}&pair={pair_a.pk}")
    html = one.content.decode()
    assert first.full_name in html and second.full_name not in html
    assert f'<option value="{pair_a.pk}" selected>' in html
    assert 'data-testid="dynamics-chart"' in html
    # nothing to compare yet: the participant's entry, no empty group tables
    anxiety = html.split('data-parameter="anxiety"', 1)[1].split("</section>")[0]
    assert "По участникам" in anxiety and "По парам" not in anxiety
    engagement = html.split('data-parameter="engagement"', 1)[1].split("</section>")[0]
    assert "По парам" in engagement

    elsewhere = f.PairFactory(
        programme=f.ProgrammeFactory(organisation=programme.organisation)
    )
    refused = client.get(f"{url}?programme={programme.pk}&pair={elsewhere.pk}")
    assert refused.status_code == 200
    assert first.full_name not in refused.content.decode()
    assert "Выберите корректный вариант" in refused.content.decode()


def test_the_pair_page_links_to_its_dynamics_for_who_may_measure(
    client, curator, pair, organisation
):
    from django.urls import reverse

    from people.models import Role
    from tests.conftest import member

    link = (
        f"{reverse('measurements:dynamics')}?programme={pair.programme_id}"
        f"&amp;pair={pair.pk}"
    )
    client.force_login(curator)
    assert link in client.get(reverse("pairs:detail", args=[pair.pk])).content.decode()
    # the person in charge of the form sees the pair, but records no measurements
    lead = member(organisation, Role.FORM_LEAD, "formlead")
    lead.memberships.get().forms.set(MentoringForm.objects.filter(pk=pair.form_id))
    client.force_login(lead)
    page = client.get(reverse("pairs:detail", args=[pair.pk]))
    assert page.status_code == 200
    assert link not in page.content.decode()
