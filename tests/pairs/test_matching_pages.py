"""The matching pages: access, ranking, the «create a pair» links, query budgets."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from mentoring import models as m
from people.models import MenteeRequest, MentorProfile, Role
from tests import factories as f


def form(code):
    return f.catalogue(m.MentoringForm, code)


@pytest.fixture
def waiting(organisation, programme):
    mentee = f.MenteeFactory(
        participant__organisation=organisation,
        programme=programme,
        preferred_form=form("teacher-pupil"),
    )
    MenteeRequest.objects.create(
        mentee=mentee,
        text="Подготовка к ОГЭ по математике",
        area=f.catalogue(m.RequestArea, "study"),
    )
    return mentee


@pytest.fixture
def mentors(organisation):
    """A mentor whose competencies meet the request, and two plain ones."""
    return {
        "math": f.MentorFactory(
            participant__organisation=organisation,
            key_competencies="Математика, подготовка к ОГЭ",
        ),
        "plain": f.MentorFactory(
            participant__organisation=organisation,
            participant__subjects="Музыка",
        ),
        "history": f.MentorFactory(
            participant__organisation=organisation,
            participant__subjects="История",
        ),
    }


def mentee_url(mentee, **params):
    return reverse("matching:for-mentee", args=[mentee.pk])


def query(url):
    return parse_qs(urlsplit(url).query)


# --- for a mentee ------------------------------------------------------------------


def test_curator_sees_ranked_mentors(client, curator, waiting, mentors):
    client.force_login(curator)
    response = client.get(mentee_url(waiting))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["rank"] for row in rows] == list(range(1, len(rows) + 1))
    assert rows[0]["match"].mentor == mentors["math"]
    assert rows[0]["is_best"]
    assert not any(row["is_best"] for row in rows[1:])
    scores = [row["match"].score for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert response.context["selected_form"] == form("teacher-pupil")
    body = response.content.decode()
    assert reverse("people:mentor-detail", args=[mentors["math"].pk]) in body


def test_create_pair_link_carries_mentor_mentee_form_and_variant(
    client, curator, waiting, mentors
):
    variant = f.catalogue(m.RoleVariant, "tp-colleague")
    client.force_login(curator)
    response = client.get(
        mentee_url(waiting),
        {"form": variant.form_id, "role_variant": variant.pk},
    )
    url = response.context["rows"][0]["create_url"]
    assert url.startswith(reverse("pairs:create"))
    params = query(url)
    assert params["mentor"] == [str(mentors["math"].pk)]
    assert params["mentee"] == [str(waiting.pk)]
    assert params["form"] == [str(variant.form_id)]
    assert params["role_variant"] == [str(variant.pk)]
    assert url.replace("&", "&amp;") in response.content.decode()


def test_role_variant_of_another_form_is_ignored(client, curator, waiting, mentors):
    client.force_login(curator)
    response = client.get(
        mentee_url(waiting),
        {
            "form": form("teacher-pupil").pk,
            "role_variant": f.catalogue(m.RoleVariant, "pp-peer").pk,
        },
    )
    assert response.status_code == 200
    assert response.context["selected_role_variant"] is None
    assert "role_variant" not in query(response.context["rows"][0]["create_url"])


def test_blocked_mentor_is_shown_last_and_not_offered(
    client, curator, organisation, waiting, mentors
):
    socped = f.UserFactory()
    f.MembershipFactory(
        user=socped, organisation=organisation, role=Role.SOCIAL_PEDAGOGUE
    )
    allowed = f.MentorFactory(
        participant__organisation=organisation, participant__user=socped
    )
    client.force_login(curator)
    response = client.get(mentee_url(waiting), {"form": form("social-risk").pk})
    rows = response.context["rows"]
    assert rows[0]["match"].mentor == allowed
    assert rows[0]["create_url"]
    blocked = rows[1:]
    assert blocked and all(row["match"].blocked for row in blocked)
    assert all(row["create_url"] is None for row in blocked)
    body = response.content.decode()
    create = reverse("pairs:create")
    for row in blocked:
        assert f"{create}?mentor={row['match'].mentor.pk}&" not in body


def test_a_group_of_mentees(client, curator, organisation, waiting, mentors):
    second = f.MenteeFactory(participant__organisation=organisation)
    client.force_login(curator)
    response = client.get(mentee_url(waiting), {"mentee": [second.pk, "junk"]})
    assert response.status_code == 200
    assert response.context["mentees"] == [waiting, second]
    params = query(response.context["rows"][0]["create_url"])
    assert params["mentee"] == [str(waiting.pk), str(second.pk)]
    # every mentor's free places are checked against the whole group
    for row in response.context["rows"]:
        match = row["match"]
        assert match.mentees == [waiting, second]


def test_group_with_a_mentee_of_another_organisation_is_404(
    client, curator, waiting, other_organisation
):
    stranger = f.MenteeFactory(participant__organisation=other_organisation)
    client.force_login(curator)
    response = client.get(mentee_url(waiting), {"mentee": stranger.pk})
    assert response.status_code == 404


def test_empty_state_when_no_mentor_is_ready(client, curator, waiting):
    client.force_login(curator)
    response = client.get(mentee_url(waiting))
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "empty-state" in response.content.decode()


def test_for_mentee_access(client, waiting, head, mentor, mentee, outsider):
    url = mentee_url(waiting)
    client.force_login(head)
    assert client.get(url).status_code == 200
    for refused in (mentor, mentee):
        client.force_login(refused)
        assert client.get(url).status_code == 403
    # a curator of another organisation: the mentee is not theirs to find
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def pool(organisation, size):
    for _ in range(size):
        user = f.UserFactory()
        f.MembershipFactory(user=user, organisation=organisation, role=Role.CURATOR)
        f.MentorFactory(participant__organisation=organisation, participant__user=user)


@pytest.mark.parametrize("size", [2, 12])
def test_for_mentee_query_budget(
    client, curator, organisation, waiting, size, django_assert_max_num_queries
):
    pool(organisation, size)
    f.MenteeFactory.create_batch(size, participant__organisation=organisation)
    client.force_login(curator)
    with django_assert_max_num_queries(14):
        response = client.get(mentee_url(waiting))
    assert len(response.context["rows"]) == size


# --- for a mentor ------------------------------------------------------------------


def test_curator_sees_mentees_for_a_mentor(
    client, curator, organisation, waiting, mentors
):
    plain = f.MenteeFactory(
        participant__organisation=organisation, preferred_form=form("teacher-pupil")
    )
    f.MenteeFactory(participant__organisation=organisation, status="in_pair")
    client.force_login(curator)
    response = client.get(reverse("matching:for-mentor", args=[mentors["math"].pk]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["match"].mentees[0] for row in rows] == [waiting, plain]
    assert rows[0]["is_best"]
    params = query(rows[0]["create_url"])
    assert params["mentor"] == [str(mentors["math"].pk)]
    assert params["mentee"] == [str(waiting.pk)]
    assert params["form"] == [str(form("teacher-pupil").pk)]


def test_mentees_of_the_social_risk_form_are_not_offered_to_a_teacher(
    client, curator, organisation, mentors
):
    f.MenteeFactory(
        participant__organisation=organisation, preferred_form=form("social-risk")
    )
    client.force_login(curator)
    response = client.get(reverse("matching:for-mentor", args=[mentors["plain"].pk]))
    [row] = response.context["rows"]
    assert row["match"].blocked
    assert row["create_url"] is None


def test_for_mentor_access(client, head, mentor, mentee, outsider, mentors):
    url = reverse("matching:for-mentor", args=[mentors["math"].pk])
    client.force_login(head)
    assert client.get(url).status_code == 200
    for refused in (mentor, mentee):
        client.force_login(refused)
        assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_for_mentor_of_another_organisation_is_404(client, curator, other_organisation):
    banked = f.MentorFactory(
        participant__organisation=other_organisation, shared_in_bank=True
    )
    client.force_login(curator)
    url = reverse("matching:for-mentor", args=[banked.pk])
    assert client.get(url).status_code == 404


def test_archived_mentor_page_still_opens(client, curator, organisation, waiting):
    archived = f.MentorFactory(
        participant__organisation=organisation, status=MentorProfile.Status.ARCHIVED
    )
    client.force_login(curator)
    response = client.get(reverse("matching:for-mentor", args=[archived.pk]))
    assert response.status_code == 200
    assert response.context["is_ready"] is False


@pytest.mark.parametrize("size", [2, 12])
def test_for_mentor_query_budget(
    client, curator, organisation, mentors, size, django_assert_max_num_queries
):
    for mentee in f.MenteeFactory.create_batch(
        size, participant__organisation=organisation, programme=None
    ):
        MenteeRequest.objects.create(
            mentee=mentee,
            text="Помощь с проектом",
            area=f.catalogue(m.RequestArea, "projects"),
            form=form("teacher-pupil"),
        )
        mentee.categories.set(m.MenteeCategory.objects.filter(code="gifted"))
    client.force_login(curator)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("matching:for-mentor", args=[mentors["math"].pk]))
    assert len(response.context["rows"]) == size
