"""«Сообщить о проблеме»: a concern about a pair pauses its reminders, alerts the
programme's curators, stays in the pair's history until the curator resolves it,
and is seen only by those who handle concerns and by the reporter."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pairs.models import Pair
from pairs.reminders import pair_pause, pairs_with_reminders
from people.models import Role
from safeguarding.concern_services import concern_raise, concern_resolve
from safeguarding.models import Concern
from tests import factories as f
from tests.conftest import member

TODAY = timezone.localdate()


@pytest.fixture
def quiet_pair(programme, curator):
    """An open pair with no meeting for 60 days: it has reminders due."""
    curator.email = "curator@school.ru"
    curator.save()
    pair = f.PairFactory(programme=programme, start_on=TODAY - timedelta(days=60))
    f.PairMenteeFactory(pair=pair)
    return pair


def login(pair, username, role, which="mentor"):
    user = f.UserFactory(username=username)
    if which == "mentor":
        participant = pair.mentor.participant
    else:
        participant = pair.memberships.get().mentee.participant
    participant.user = user
    participant.save()
    f.MembershipFactory(user=user, organisation=pair.programme.organisation, role=role)
    return user


def raise_concern(pair, by, **kwargs):
    values = {"reporter": Concern.Reporter.MENTEE, "text": "Наставник грубит."}
    values.update(kwargs)
    return concern_raise(pair=pair, by=by, **values)


# --- Services ------------------------------------------------------------------------


def test_a_concern_pauses_the_reminders_and_alerts_the_curators(
    quiet_pair, curator, django_capture_on_commit_callbacks
):
    assert pairs_with_reminders(Pair.objects.filter(pk=quiet_pair.pk), today=TODAY)
    mentee = login(quiet_pair, "mentee", Role.MENTEE, which="mentee")
    with django_capture_on_commit_callbacks(execute=True):
        concern = raise_concern(quiet_pair, mentee)
    quiet_pair.refresh_from_db()
    assert concern.paused_reminders
    assert quiet_pair.is_paused(TODAY)
    # The pair's mentor sees the pause: its reason does not tell of a concern.
    assert quiet_pair.pause_reason == "Приостановлено куратором"
    assert not pairs_with_reminders(Pair.objects.filter(pk=quiet_pair.pk), today=TODAY)
    assert [message.to for message in mail.outbox] == [["curator@school.ru"]]
    body = mail.outbox[0].body
    assert "О проблеме в паре" in mail.outbox[0].body
    assert reverse("safeguarding:concern-detail", args=[concern.pk]) in body
    assert "Наставник грубит" not in body  # the text stays on the portal


def test_resolving_the_last_concern_ends_its_pause(quiet_pair, curator):
    mentee = login(quiet_pair, "mentee", Role.MENTEE, which="mentee")
    first = raise_concern(quiet_pair, mentee)
    second = raise_concern(
        quiet_pair,
        curator,
        reporter="representative",
        representative_name="Иванова Мария Петровна",
    )
    concern_resolve(concern=first, resolution="Поговорили с наставником.", by=curator)
    quiet_pair.refresh_from_db()
    assert quiet_pair.is_paused(TODAY)  # the second still holds it
    concern_resolve(concern=second, resolution="Семья довольна.", by=curator)
    quiet_pair.refresh_from_db()
    assert not quiet_pair.is_paused(TODAY)
    second.refresh_from_db()
    assert second.status == Concern.Status.RESOLVED
    assert second.resolved_by == curator
    with pytest.raises(ValidationError):
        concern_resolve(concern=second, resolution="Ещё раз", by=curator)


def test_a_longer_pause_already_set_is_kept(quiet_pair, curator):
    pair_pause(
        pair=quiet_pair,
        until=TODAY + timedelta(days=92),
        reason="Каникулы",
        by=curator,
        today=TODAY,
    )
    concern = raise_concern(quiet_pair, curator, reporter="mentor")
    assert not concern.paused_reminders
    concern_resolve(concern=concern, resolution="Разобрались.", by=curator)
    quiet_pair.refresh_from_db()
    assert quiet_pair.pause_reason == "Каникулы"


def test_a_closed_pair_keeps_its_status(programme, curator):
    pair = f.PairFactory(
        programme=programme,
        status=Pair.Status.COMPLETED,
        ended_on=TODAY - timedelta(days=3),
    )
    concern = raise_concern(pair, curator, reporter="mentor")
    assert not concern.paused_reminders
    pair.refresh_from_db()
    assert pair.paused_until is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"text": "  "}, "text"),
        ({"reporter": "neighbour"}, "reporter"),
        (
            {"reporter": "representative", "representative_name": ""},
            "representative_name",
        ),
    ],
)
def test_a_concern_needs_a_text_and_a_reporter(quiet_pair, curator, values, field):
    with pytest.raises(ValidationError) as caught:
        raise_concern(quiet_pair, curator, **values)
    assert field in caught.value.message_dict
    assert not Concern.objects.exists()
    quiet_pair.refresh_from_db()
    assert quiet_pair.paused_until is None


def test_the_curators_are_alerted_even_without_the_programme_naming_them(
    organisation, django_capture_on_commit_callbacks
):
    programme = f.ProgrammeFactory(organisation=organisation)
    pair = f.PairFactory(programme=programme)
    f.PairMenteeFactory(pair=pair)
    curator = member(organisation, Role.CURATOR, "orgcurator")
    curator.email = "org@school.ru"
    curator.save()
    with django_capture_on_commit_callbacks(execute=True):
        raise_concern(pair, curator, reporter="mentor")
    assert mail.outbox[0].to == ["org@school.ru"]


# --- Pages and visibility -------------------------------------------------------


def test_a_mentee_raises_a_concern_from_the_journal(client, quiet_pair):
    mentee = login(quiet_pair, "mentee", Role.MENTEE, which="mentee")
    client.force_login(mentee)
    journal = client.get(reverse("journal:pair", args=[quiet_pair.pk]))
    url = reverse("safeguarding:concern-create", args=[quiet_pair.pk])
    assert url in journal.content.decode()
    assert url in client.get(reverse("home")).content.decode()  # the mentee's card
    form = client.get(url)
    assert "reporter" not in form.context["form"].fields
    response = client.post(url, {"text": "Встречи всё время срываются."})
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("safeguarding:concern-detail", args=[concern.pk])
    assert concern.reporter == Concern.Reporter.MENTEE
    assert concern.raised_by == mentee
    assert client.get(response.url).status_code == 200


def test_the_curator_records_a_representatives_concern(client, quiet_pair, curator):
    client.force_login(curator)
    url = reverse("safeguarding:concern-create", args=[quiet_pair.pk])
    response = client.post(
        url, {"reporter": "representative", "representative_name": "", "text": "Т"}
    )
    assert response.status_code == 200
    assert "representative_name" in response.context["form"].errors
    response = client.post(
        url,
        {
            "reporter": "representative",
            "representative_name": "Иванова Мария Петровна",
            "text": "Ребёнок не хочет ходить на встречи.",
        },
    )
    concern = Concern.objects.get()
    assert concern.representative_name == "Иванова Мария Петровна"
    page = client.get(reverse("pairs:detail", args=[quiet_pair.pk])).content.decode()
    assert reverse("safeguarding:concern-detail", args=[concern.pk]) in page
    home = client.get(reverse("home")).content.decode()
    assert "ждёт рассмотрения" in home
    response = client.post(
        reverse("safeguarding:concern-resolve", args=[concern.pk]),
        {"resolution": "Встретились с семьёй, сменили время встреч."},
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert not concern.is_open
    assert "ждёт рассмотрения" not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("head", 200),
        ("curator", 200),
        ("social_pedagogue", 200),
        ("psychologist", 200),
        ("reporter", 200),
        ("deputy", 404),
        ("form_lead", 404),
        ("the_pairs_mentor", 404),
        ("other_mentor", 404),
        ("outsider", 404),
    ],
)
def test_who_sees_a_concern(
    client, quiet_pair, curator, other_organisation, persona, status
):
    organisation = quiet_pair.programme.organisation
    reporter = login(quiet_pair, "reporter", Role.MENTEE, which="mentee")
    concern = raise_concern(quiet_pair, reporter)
    if persona == "reporter":
        user = reporter
    elif persona == "curator":
        user = curator
    elif persona == "the_pairs_mentor":
        user = login(quiet_pair, "pairmentor", Role.MENTOR)
    elif persona == "other_mentor":
        other = f.PairFactory(programme=quiet_pair.programme)
        user = login(other, "othermentor", Role.MENTOR)
    elif persona == "outsider":
        user = member(other_organisation, Role.CURATOR, "outsider")
    else:
        user = member(organisation, persona, persona)
    client.force_login(user)
    detail = client.get(reverse("safeguarding:concern-detail", args=[concern.pk]))
    assert detail.status_code == status
    listed = client.get(reverse("safeguarding:concern-list"))
    assert listed.status_code == 200
    assert (concern in listed.context["concerns"]) is (status == 200)


def test_only_handlers_resolve(client, quiet_pair):
    reporter = login(quiet_pair, "reporter", Role.MENTOR)
    concern = raise_concern(quiet_pair, reporter, reporter="mentor")
    client.force_login(reporter)
    page = client.get(reverse("safeguarding:concern-detail", args=[concern.pk]))
    assert page.context["resolve_form"] is None
    client.post(
        reverse("safeguarding:concern-resolve", args=[concern.pk]),
        {"resolution": "Сам решил"},
    )
    concern.refresh_from_db()
    assert concern.is_open


def test_another_mentor_cannot_raise_a_concern_about_a_pair(client, quiet_pair):
    other = f.PairFactory(programme=quiet_pair.programme)
    user = login(other, "othermentor", Role.MENTOR)
    client.force_login(user)
    url = reverse("safeguarding:concern-create", args=[quiet_pair.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"text": "Жалоба"}).status_code == 404
    assert not Concern.objects.exists()


def test_the_list_page_has_a_query_budget(
    client, quiet_pair, curator, django_assert_max_num_queries
):
    for index in range(15):
        raise_concern(quiet_pair, curator, reporter="mentor", text=f"Текст {index}")
    client.force_login(curator)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("safeguarding:concern-list"))
    assert len(response.context["concerns"]) == 15
