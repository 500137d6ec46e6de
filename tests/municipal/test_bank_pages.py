"""The mentor bank's pages, read as HTML: the bank shows consenting mentors of the
other organisations with the bank's fields only; another municipality sees none of
them; the mentor's side never reads the mentee's name; the asking side sees the pair
in its pairs list."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from municipal.models import BankRequest
from pairs.models import Pair
from people.models import Role
from tests import factories as f
from tests.conftest import member
from tests.municipal.test_bank import approve, ask, form, new_mentee, variant

TODAY = timezone.localdate()
PHONE, EMAIL = "+7 913 555-44-33", "zaytseva@example.ru"


@pytest.fixture
def banked(other_organisation):
    return f.MentorFactory(
        participant__organisation=other_organisation,
        participant__last_name="Зайцева",
        participant__first_name="Ольга",
        participant__phone=PHONE,
        participant__email=EMAIL,
        participant__birth_date=date(1979, 4, 17),
        participant__notes="Личная заметка куратора",
        participant__subjects="Физика",
        key_competencies="Подготовка к олимпиадам по физике",
        achievements="Победитель конкурса «Учитель года»",
        meeting_time="по средам после уроков",
        shared_in_bank=True,
        capacity=3,
    )


@pytest.fixture
def hidden(other_organisation):
    return f.MentorFactory(
        participant__organisation=other_organisation,
        participant__last_name="Невидимова",
    )


@pytest.fixture
def mentee_a(organisation):
    mentee = new_mentee(organisation)
    participant = mentee.participant
    participant.last_name, participant.first_name = "Секретова", "Алиса"
    participant.save()
    return mentee


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- the bank -------------------------------------------------------------------------


def test_the_bank_shows_bank_fields_and_no_contacts(
    client, curator, banked, hidden, organisation
):
    own = f.MentorFactory(
        participant__organisation=organisation,
        participant__last_name="Своева",
        shared_in_bank=True,
    )
    client.force_login(curator)
    page = html(client.get(reverse("bank:list")))
    assert "Зайцева" in page and "Физика" in page and "олимпиадам" in page
    assert "3 из 3" in page
    for absent in (
        "Невидимова",
        own.participant.last_name,
        PHONE,
        EMAIL,
        "17.04.1979",
        "1979",
        "Личная заметка",
        "Учитель года",
        "по средам",
    ):
        assert absent not in page
    card = html(client.get(reverse("bank:detail", args=[banked.pk])))
    assert "Зайцева" in card and "олимпиадам" in card
    for absent in (PHONE, EMAIL, "1979", "Личная заметка", "Учитель года", "средам"):
        assert absent not in card
    assert client.get(reverse("bank:detail", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("bank:detail", args=[own.pk])).status_code == 404


def test_the_bank_searches_competencies_and_filters_by_organisation(
    client, curator, banked, organisation
):
    third = f.OrganisationFactory(municipality=organisation.municipality)
    f.MentorFactory(
        participant__organisation=third,
        participant__last_name="Третьякова",
        key_competencies="Робототехника",
        shared_in_bank=True,
    )
    client.force_login(curator)
    found = html(client.get(reverse("bank:list"), {"q": "ОЛИМПИАД физ"}))
    assert "Зайцева" in found and "Третьякова" not in found
    by_org = html(client.get(reverse("bank:list"), {"organisation": third.pk}))
    assert "Третьякова" in by_org and "Зайцева" not in by_org
    nothing = html(client.get(reverse("bank:list"), {"q": "астрономия"}))
    assert "В банке нет наставника" in nothing


def test_another_municipality_sees_none_of_our_mentors(client, banked):
    far = f.OrganisationFactory(
        municipality=f.MunicipalityFactory(name="Дальний район")
    )
    far_curator = member(far, Role.CURATOR, "farcurator")
    client.force_login(far_curator)
    page = html(client.get(reverse("bank:list")))
    assert "Зайцева" not in page
    assert "Банк пуст" in page
    assert client.get(reverse("bank:detail", args=[banked.pk])).status_code == 404
    assert client.get(reverse("bank:request", args=[banked.pk])).status_code == 404


def test_the_bank_is_for_managers(client, mentor, banked):
    client.force_login(mentor)
    assert client.get(reverse("bank:list")).status_code == 403
    client.logout()
    assert client.get(reverse("bank:list")).status_code == 302


@pytest.mark.parametrize("size", [2, 30])
def test_the_bank_query_budget(
    client, curator, other_organisation, size, django_assert_max_num_queries
):
    f.MentorFactory.create_batch(
        size, participant__organisation=other_organisation, shared_in_bank=True
    )
    client.force_login(curator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("bank:list")).status_code == 200


# --- the request, both sides ----------------------------------------------------------


def test_the_request_form_is_prefilled_and_sends(
    client, curator, banked, mentee_a, organisation, programme
):
    client.force_login(curator)
    url = reverse("bank:request", args=[banked.pk])
    page = client.get(url, {"mentee": mentee_a.pk, "form": form().pk})
    assert page.context["form"].initial["mentee"] == str(mentee_a.pk)
    response = client.post(
        url,
        {
            "mentee": mentee_a.pk,
            "programme": programme.pk,
            "form": form().pk,
            "role_variant": variant().pk,
            "message": "Нужна подготовка к олимпиаде",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("bank:outgoing")
    request = BankRequest.objects.get()
    assert (request.mentee, request.organisation) == (mentee_a, organisation)
    outgoing = html(client.get(reverse("bank:outgoing")))
    assert "Секретова" in outgoing and "Зайцева" in outgoing


def test_the_mentors_side_never_reads_the_mentees_name(
    client, curator, outsider, banked, mentee_a, organisation, programme
):
    request = ask(organisation, programme, banked, curator, mentee=mentee_a)
    client.force_login(outsider)
    incoming = html(client.get(reverse("bank:incoming")))
    assert f"наставляемый {organisation.short_name}" in incoming
    assert "Секретова" not in incoming
    decide = html(client.get(reverse("bank:approve", args=[request.pk])))
    assert "Секретова" not in decide
    response = client.post(
        reverse("bank:approve", args=[request.pk]),
        {
            "start_on": TODAY.isoformat(),
            "planned_end_on": (TODAY + timedelta(days=180)).isoformat(),
        },
    )
    assert response.status_code == 302
    pair = Pair.objects.get()
    ours = html(client.get(reverse("bank:our-mentors")))
    assert "Зайцева" in ours and organisation.short_name in ours
    assert f"наставляемый {organisation.short_name}" in ours
    assert "Секретова" not in ours
    card = html(client.get(reverse("people:mentor-detail", args=[banked.pk])))
    assert "Секретова" not in card
    assert reverse("pairs:detail", args=[pair.pk]) not in card
    assert client.get(reverse("pairs:detail", args=[pair.pk])).status_code == 404
    # The asking side sees the pair in its list, the mentor without contacts.
    client.force_login(curator)
    pairs = html(client.get(reverse("pairs:list")))
    assert "Зайцева" in pairs
    detail = html(client.get(reverse("pairs:detail", args=[pair.pk])))
    assert "Зайцева" in detail and "Секретова" in detail
    assert PHONE not in detail and EMAIL not in detail


def test_the_other_side_cannot_decide(
    client, curator, outsider, banked, organisation, programme
):
    request = ask(organisation, programme, banked, curator)
    client.force_login(curator)  # the asking side
    assert client.get(reverse("bank:approve", args=[request.pk])).status_code == 404
    assert client.get(reverse("bank:decline", args=[request.pk])).status_code == 404
    dates = {"start_on": TODAY.isoformat(), "planned_end_on": "2027-05-31"}
    url = reverse("bank:approve", args=[request.pk])
    assert client.post(url, dates).status_code == 404
    assert not Pair.objects.exists()
    client.force_login(outsider)  # the mentor's side
    response = client.post(reverse("bank:cancel", args=[request.pk]))
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == BankRequest.Status.PENDING


def test_decline_asks_for_a_reason(
    client, curator, outsider, banked, organisation, programme
):
    request = ask(organisation, programme, banked, curator)
    client.force_login(outsider)
    url = reverse("bank:decline", args=[request.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    request.refresh_from_db()
    assert request.status == BankRequest.Status.PENDING
    assert client.post(url, {"reason": "Наставник занят"}).status_code == 302
    client.force_login(curator)
    outgoing = html(client.get(reverse("bank:outgoing")))
    assert "Наставник занят" in outgoing


def test_cancel_withdraws(client, curator, banked, organisation, programme):
    request = ask(organisation, programme, banked, curator)
    client.force_login(curator)
    response = client.post(reverse("bank:cancel", args=[request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == BankRequest.Status.CANCELLED


def test_the_mentor_sees_the_pair_in_my_pairs(
    client, curator, outsider, banked, mentee_a, organisation, programme
):
    user = f.UserFactory(username="zaytseva")
    banked.participant.user = user
    banked.participant.save()
    f.MembershipFactory(
        user=user, organisation=banked.participant.organisation, role=Role.MENTOR
    )
    pair = approve(
        ask(organisation, programme, banked, curator, mentee=mentee_a), outsider
    )
    client.force_login(user)
    mine = html(client.get(reverse("journal:mine")))
    assert reverse("journal:pair", args=[pair.pk]) in mine
    assert client.get(reverse("journal:pair", args=[pair.pk])).status_code == 200


# --- the matching page offers the bank's request --------------------------------------


def test_matching_offers_a_bank_mentor_as_a_request(client, curator, banked, mentee_a):
    """The meeting time in common scores, but the bank mentor's is not quoted."""
    mentee_a.meeting_time = "после уроков"
    mentee_a.save(update_fields=["meeting_time"])
    client.force_login(curator)
    response = client.get(
        reverse("matching:for-mentee", args=[mentee_a.pk]), {"form": form().pk}
    )
    rows = {row["match"].mentor.pk: row for row in response.context["rows"]}
    row = rows[banked.pk]
    assert any(reason.points == 5 for reason in row["match"].reasons)
    assert row["create_url"] is None
    assert row["bank_url"].startswith(reverse("bank:request", args=[banked.pk]))
    assert f"mentee={mentee_a.pk}" in row["bank_url"]
    page = response.content.decode()
    assert "Запросить через банк наставников" in page
    for absent in (PHONE, "по средам", "Учитель года"):
        assert absent not in page
