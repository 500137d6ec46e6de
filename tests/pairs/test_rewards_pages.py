from datetime import date, timedelta

import pytest
from django.urls import reverse

from pairs.models import Pair, Reward
from pairs.reward_services import reward_grant
from people.models import Role
from tests import factories as f

TODAY = date.today()
BASIS = "за успешное завершение программы наставничества"


def completed_pair(programme):
    pair = f.PairFactory(
        programme=programme,
        status=Pair.Status.COMPLETED,
        ended_on=TODAY - timedelta(days=5),
    )
    f.PairMenteeFactory(pair=pair)
    return pair


def grant(organisation, person, kind=Reward.Kind.GRATITUDE, **kwargs):
    arguments = {"awarded_on": TODAY, "basis": BASIS, "by": None, **kwargs}
    return reward_grant(
        organisation=organisation, person=person, kind=kind, **arguments
    )


@pytest.fixture
def done(programme):
    return completed_pair(programme)


@pytest.fixture
def reward(organisation, done):
    return grant(organisation, done.mentor.participant, pair=done)


# --- Access -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["curator", "head"])
def test_managers_open_every_page(client, request, persona, reward):
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("rewards:list"),
        reverse("rewards:create"),
        reverse("rewards:detail", args=[reward.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_deputy_opens_the_list(client, organisation):
    user = f.UserFactory(username="deputy")
    f.MembershipFactory(user=user, organisation=organisation, role=Role.DEPUTY)
    client.force_login(user)
    assert client.get(reverse("rewards:list")).status_code == 200


@pytest.mark.parametrize("persona", ["mentor", "mentee"])
def test_mentor_and_mentee_are_refused(client, request, persona, reward):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("rewards:list")).status_code == 403
    assert client.get(reverse("rewards:create")).status_code == 403
    assert client.get(reverse("rewards:detail", args=[reward.pk])).status_code == 403
    response = client.post(reverse("rewards:delete", args=[reward.pk]))
    assert response.status_code == 403
    assert Reward.objects.filter(pk=reward.pk).exists()


def test_outsider_gets_404_on_our_reward(client, outsider, reward):
    client.force_login(outsider)
    assert client.get(reverse("rewards:list")).status_code == 200
    assert client.get(reverse("rewards:detail", args=[reward.pk])).status_code == 404
    response = client.post(reverse("rewards:delete", args=[reward.pk]))
    assert response.status_code == 404
    assert Reward.objects.filter(pk=reward.pk).exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("rewards:list"))
    assert response.status_code in (302, 403, 404)


# --- List ---------------------------------------------------------------------------


def test_list_filters(client, curator, organisation, programme, done):
    pupil = f.ParticipantFactory(
        organisation=organisation, last_name="Ёлкина", representative_name="Ёлкина А."
    )
    f.MenteeFactory(participant=pupil)
    first = grant(organisation, done.mentor.participant, pair=done)
    letter = grant(organisation, pupil, Reward.Kind.LETTER_PARENTS)
    old = grant(
        organisation,
        done.mentor.participant,
        Reward.Kind.MENTOR_OF_YEAR,
        awarded_on=date(TODAY.year - 1, 5, 20),
    )
    client.force_login(curator)

    def found(**params):
        response = client.get(reverse("rewards:list"), params)
        assert response.status_code == 200
        return list(response.context["rewards"])

    assert found() == [letter, first, old]
    assert found(kind=Reward.Kind.LETTER_PARENTS) == [letter]
    assert found(year=TODAY.year - 1) == [old]
    assert found(q="елкина") == [letter]
    assert found(kind="nonsense") == [letter, first, old]


def test_list_suggests_completed_pairs_without_a_reward(
    client, curator, organisation, programme, pair, done
):
    other = completed_pair(programme)
    grant(organisation, done.mentor.participant, pair=done)
    client.force_login(curator)
    response = client.get(reverse("rewards:list"))
    assert response.context["suggested"] == [other]
    assert f"{reverse('rewards:create')}?pair={other.pk}" in response.content.decode()


def test_list_of_another_organisation_is_empty(client, outsider, reward):
    client.force_login(outsider)
    response = client.get(reverse("rewards:list"))
    assert list(response.context["rewards"]) == []
    assert response.context["suggested"] == []


@pytest.mark.parametrize("size", [2, 30])
def test_list_query_count_does_not_grow_with_rows(
    client, curator, organisation, programme, django_assert_max_num_queries, size
):
    for _ in range(size):
        pair = completed_pair(programme)
        grant(organisation, pair.mentor.participant, pair=pair)
        completed_pair(programme)
    client.force_login(curator)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("rewards:list"))
    assert response.status_code == 200
    assert len(response.context["rewards"]) == min(size, 25)


# --- Create and delete -------------------------------------------------------------


def test_create_is_prefilled_from_a_pair(client, curator, done):
    client.force_login(curator)
    response = client.get(reverse("rewards:create"), {"pair": done.pk})
    form = response.context["form"]
    assert form["pair"].value() == done.pk
    assert form["person"].value() == done.mentor.participant_id
    assert form["basis"].value()
    assert form["awarded_on"].value() == TODAY


def test_create_ignores_garbage_and_foreign_pairs(client, curator, other_organisation):
    foreign = completed_pair(f.ProgrammeFactory(organisation=other_organisation))
    client.force_login(curator)
    for value in ("abc", str(foreign.pk)):
        response = client.get(reverse("rewards:create"), {"pair": value})
        assert response.status_code == 200
        assert response.context["form"]["pair"].value() is None


def test_person_choices_are_the_organisations_mentors_and_mentees(
    client, curator, organisation, other_organisation, done
):
    stranger = f.MentorFactory(participant__organisation=other_organisation)
    client.force_login(curator)
    response = client.get(reverse("rewards:create"))
    people = set(response.context["form"].fields["person"].queryset)
    assert done.mentor.participant in people
    assert done.memberships.get().mentee.participant in people
    assert stranger.participant not in people


def test_create_posts_and_redirects(client, curator, organisation, done):
    client.force_login(curator)
    response = client.post(
        reverse("rewards:create"),
        {
            "kind": Reward.Kind.BEST_PAIR,
            "person": done.mentor.participant_id,
            "pair": done.pk,
            "awarded_on": TODAY.isoformat(),
            "basis": BASIS,
            "number": "7",
        },
    )
    reward = Reward.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rewards:detail", args=[reward.pk])
    assert reward.organisation == organisation
    assert reward.created_by == curator
    assert reward.pair == done


def test_create_shows_a_refusal_on_the_form(client, curator, pair):
    client.force_login(curator)
    response = client.post(
        reverse("rewards:create"),
        {
            "kind": Reward.Kind.BEST_PAIR,
            "person": pair.mentor.participant_id,
            "awarded_on": TODAY.isoformat(),
            "basis": BASIS,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["pair"]
    assert not Reward.objects.exists()


def test_delete_needs_post(client, curator, reward):
    client.force_login(curator)
    url = reverse("rewards:delete", args=[reward.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("rewards:list")
    assert not Reward.objects.exists()


def test_detail_links_the_documents(client, curator, reward):
    client.force_login(curator)
    content = client.get(reverse("rewards:detail", args=[reward.pk])).content.decode()
    # The reward's kind decides its document: a letter, in PDF and in Word.
    for identifier, offered in (("reward-letter", True), ("reward-certificate", False)):
        for fmt in ("pdf", "docx"):
            url = reverse("export", kwargs={"identifier": identifier, "fmt": fmt})
            assert (f"{url}?reward={reward.pk}" in content) is offered
    assert "data-confirm" in content
