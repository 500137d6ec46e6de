from datetime import date, timedelta

import pytest
from django.urls import reverse

from pairs.plan_services import plan_create, plan_item_add
from tests import factories as f


@pytest.fixture
def bases(organisation, programme, pair):
    """Two waiting mentees and one ready mentor besides the pair's people."""
    f.MenteeFactory.create_batch(2, participant__organisation=organisation)
    f.MentorFactory(participant__organisation=organisation)
    return pair


def test_curator_home_shows_real_counts(client, curator, bases):
    client.force_login(curator)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert (
        response.context["mentees"]["waiting"] == 3
    )  # the pair's mentee has status waiting
    assert response.context["mentors"]["ready"] == 2
    assert response.context["pairs_total"] == 1
    # the pair started 60 days ago and never met: it is stale
    assert len(response.context["stale_pairs"]) == 1
    body = response.content.decode()
    assert "Учитель – ученик" in body
    assert organisation_name(curator) in body


def organisation_name(user):
    return user.memberships.get().organisation.short_name


def test_a_recent_meeting_makes_the_pair_not_stale(client, curator, pair):
    f.MeetingFactory(pair=pair, held_on=date.today() - timedelta(days=3))
    client.force_login(curator)
    response = client.get(reverse("home"))
    assert response.context["stale_pairs"] == []


def test_curator_counts_only_their_organisation(
    client, curator, bases, other_organisation
):
    f.MenteeFactory.create_batch(5, participant__organisation=other_organisation)
    client.force_login(curator)
    response = client.get(reverse("home"))
    assert response.context["mentees"]["total"] == 3


def test_head_home(client, head, bases):
    client.force_login(head)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["role"] == "head"
    assert response.context["mentors"]["total"] == 2


def test_mentor_home_lists_own_pairs_with_next_meeting(client, mentor, pair):
    other = f.PairFactory(programme=pair.programme)
    client.force_login(mentor)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    pairs = [item["pair"] for item in response.context["pairs"]]
    assert pairs == [pair]
    assert other not in pairs
    assert response.context["pairs"][0]["next_meeting"] == "Встреча-знакомство"


def test_next_meeting_follows_the_sequence(pair):
    assert pair.next_meeting_code() == "introduction"
    f.MeetingFactory(pair=pair)
    f.MeetingFactory(pair=pair, meeting_type=f.catalogue(f.m.MeetingType, "trial"))
    pair.refresh_from_db()
    assert pair.next_meeting_code() == "planning"
    f.MeetingFactory(pair=pair, meeting_type=f.catalogue(f.m.MeetingType, "planning"))
    assert pair.next_meeting_code() == "regular"
    assert pair.next_meeting_code(today=pair.planned_end_on) == "final"


def test_mentee_home_shows_the_mentor(client, mentee, pair):
    client.force_login(mentee)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert pair.mentor.participant.full_name in response.content.decode()


def test_coordinator_home_is_the_municipal_dashboard(client, municipal_coordinator):
    client.force_login(municipal_coordinator)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("municipal:dashboard")


def test_superuser_home_is_the_admin(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_user_without_roles_sees_a_friendly_page(client, db):
    client.force_login(f.UserFactory())
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.templates[0].name == "mentoring/home_empty.html"


def test_switch_organisation_only_to_own(
    client, curator, organisation, other_organisation
):
    f.MembershipFactory(user=curator, organisation=other_organisation, role="head")
    client.force_login(curator)
    response = client.post(
        reverse("switch-organisation"), {"organisation": other_organisation.pk}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).context["organisation"] == other_organisation
    stranger = f.OrganisationFactory()
    client.post(reverse("switch-organisation"), {"organisation": stranger.pk})
    assert client.get(reverse("home")).context["organisation"] == other_organisation


def test_home_query_count_does_not_grow_with_pairs(
    client, curator, programme, django_assert_max_num_queries
):
    for _ in range(15):
        f.PairMenteeFactory(pair=f.PairFactory(programme=programme))
    client.force_login(curator)
    with django_assert_max_num_queries(20):
        client.get(reverse("home"))


def test_mentor_home_query_count(client, mentor, pair, django_assert_max_num_queries):
    for _ in range(5):
        other = f.PairFactory(programme=pair.programme, mentor=pair.mentor)
        f.PairMenteeFactory(pair=other)
        f.MeetingFactory(pair=other)
    client.force_login(mentor)
    with django_assert_max_num_queries(
        17
    ):  # + the waiting questionnaires (block, reminders)
        client.get(reverse("home"))


def test_curator_home_numbers_lead_to_the_lists(client, curator, bases):
    client.force_login(curator)
    body = client.get(reverse("home")).content.decode()
    assert f"{reverse('people:mentee-list')}?status=waiting" in body
    assert f"{reverse('people:mentee-list')}?consent=missing" in body
    assert reverse("pairs:detail", args=[bases.pk]) in body  # the stale pair


def test_expired_consent_counts_as_missing(client, curator, pair):
    from people.models import Consent

    person = pair.memberships.get().mentee.participant
    Consent.objects.create(
        participant=person,
        scope=Consent.Scope.PROCESSING,
        given_by="Мать",
        given_on=date.today() - timedelta(days=400),
        valid_until=date.today() - timedelta(days=35),
    )
    client.force_login(curator)
    assert client.get(reverse("home")).context["mentees"]["no_consent"] == 1


def test_curator_home_flags_overdue_plan_items_and_low_ratings(
    client, curator, pair, mentor
):
    from pairs.models import Feedback, Plan, PlanItem

    plan = Plan.objects.create(
        pair=pair,
        goal="Подтянуть математику",
        starts_on=pair.start_on,
        ends_on=pair.planned_end_on,
    )
    PlanItem.objects.create(
        plan=plan,
        activity="Контрольная работа по дробям",
        deadline=date.today() - timedelta(days=3),
    )
    meeting = f.MeetingFactory(pair=pair)
    Feedback.objects.create(
        pair=pair,
        meeting=meeting,
        author=mentor,
        role="mentor",
        rating=1,
        comment="Наставляемый не пришёл",
    )
    client.force_login(curator)
    body = client.get(reverse("home")).content.decode()
    assert "Контрольная работа по дробям" in body
    assert "Наставляемый не пришёл" in body


def test_mentor_home_has_no_curator_blocks(client, mentor, pair):
    client.force_login(mentor)
    body = client.get(reverse("home")).content.decode()
    assert 'id="low-ratings-heading"' not in body


def test_mentor_home_shows_the_reminders_of_each_pair(client, mentor, pair):
    # the pair started 60 days ago and never met: stale
    client.force_login(mentor)
    response = client.get(reverse("home"))
    item = response.context["pairs"][0]
    assert [reminder.kind for reminder in item["reminders"]] == ["stale"]


def test_a_coordinator_switching_to_an_organisation_reads_its_summary(
    client, organisation
):
    coordinator = f.UserFactory()
    f.MembershipFactory(
        user=coordinator,
        organisation=None,
        municipality=organisation.municipality,
        role="municipal_coordinator",
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("switch-organisation"), {"organisation": organisation.pk}
    )
    assert response.url == reverse("municipal:organisation", args=[organisation.pk])
    assert client.get(response.url).status_code == 200


def test_the_curators_home_lists_pairs_past_their_end_or_with_overdue_items(
    client, curator, programme
):
    today = date.today()
    quiet = f.PairFactory(programme=programme)
    late = f.PairFactory(
        programme=programme,
        start_on=today - timedelta(days=300),
        planned_end_on=today - timedelta(days=3),
    )
    behind = f.PairFactory(programme=programme)
    for pair in (quiet, late, behind):
        f.PairMenteeFactory(pair=pair)
    plan = plan_create(
        pair=behind,
        by=curator,
        goal="Цель",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=60),
    )
    plan_item_add(
        plan=plan,
        by=curator,
        activity="Открытый урок",
        deadline=today - timedelta(days=2),
    )
    client.force_login(curator)
    shown = {
        pair.pk for pair, _found in client.get(reverse("home")).context["attention"]
    }
    assert shown == {late.pk, behind.pk}


def test_every_page_names_the_organisation_under_the_menu(client, curator, mentor):
    """The organisation's full name in the header (issue 19), for staff and for
    a mentor; the multi-organisation switcher replaces it where there is one."""
    for user, url in ((curator, reverse("people:mentee-list")), (mentor, "/")):
        client.force_login(user)
        page = client.get(url).content.decode()
        band = page.split('data-testid="organisation-name"', 1)[1].split("</div>")[0]
        assert "МБОУ «СОШ № 1»" in band


@pytest.mark.parametrize("persona", ["curator", "mentor"])
def test_a_mistyped_address_is_the_not_found_page(client, request, persona):
    """No URL pattern matches: the menu, built from the matched view's name, has
    none to build from (a manager's once failed with a server error)."""
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/people/mentes/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()
