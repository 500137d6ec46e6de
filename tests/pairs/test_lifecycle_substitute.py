"""A substitute mentor for a period: before it the pair does not exist for them,
during it they see the journal and log meetings, after it they lose it again; the
period stays in the pair's history."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pairs import journal_services as js
from pairs.access import role_in_pair
from pairs.models import PairEvent, PairSubstitute
from pairs.substitutes import is_substitute, pair_substitute_name
from people.access import access_for
from people.models import MentorProfile, Role
from tests import factories as f
from tests.conftest import member
from tests.pairs.test_journal_services import mtype, record

TODAY = timezone.localdate()
DAY = timedelta(days=1)


@pytest.fixture
def substitute(organisation):
    """Another mentor of the school, with a login."""
    user = member(organisation, Role.MENTOR, "substitute")
    profile = f.MentorFactory(
        participant__organisation=organisation, status=MentorProfile.Status.READY
    )
    profile.participant.user = user
    profile.participant.save()
    return profile


def name(pair, curator, substitute, starts_on, ends_on, **kwargs):
    return pair_substitute_name(
        pair=pair,
        mentor=substitute,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=kwargs.pop("reason", "Наставник на больничном"),
        by=curator,
        **kwargs,
    )


def period(pair, curator, substitute, when):
    """A period before (starts tomorrow), during (today) or after (ended
    yesterday) today, written directly for the «after» case the service
    refuses."""
    if when == "before":
        return name(pair, curator, substitute, TODAY + DAY, TODAY + 10 * DAY)
    if when == "during":
        return name(pair, curator, substitute, TODAY - DAY, TODAY + 10 * DAY)
    return PairSubstitute.objects.create(
        pair=pair,
        mentor=substitute,
        starts_on=TODAY - 10 * DAY,
        ends_on=TODAY - DAY,
        reason="Отпуск",
        by=curator,
    )


# --- the service -------------------------------------------------------------------


def test_naming_a_substitute_writes_the_period_and_the_history(
    pair, curator, substitute
):
    record_ = name(pair, curator, substitute, TODAY, TODAY + 14 * DAY)
    assert (record_.starts_on, record_.ends_on) == (TODAY, TODAY + 14 * DAY)
    event = pair.events.get(kind=PairEvent.Kind.SUBSTITUTE)
    assert (event.old_mentor, event.new_mentor) == (pair.mentor, substitute)
    assert event.on == TODAY
    assert "Наставник на больничном" in event.note
    assert TODAY.strftime("%d.%m.%Y") in event.note
    pair.refresh_from_db()
    assert pair.mentor != substitute  # the pair keeps its mentor


@pytest.mark.parametrize(
    ("starts", "ends", "field"),
    [
        (0, -1, "ends_on"),  # ends before it starts
        (-10, -1, "ends_on"),  # already over
        (-400, 5, "starts_on"),  # before the pair
    ],
)
def test_a_wrong_period_is_refused(pair, curator, substitute, starts, ends, field):
    with pytest.raises(ValidationError) as caught:
        name(pair, curator, substitute, TODAY + starts * DAY, TODAY + ends * DAY)
    assert field in caught.value.message_dict
    assert not PairSubstitute.objects.exists()
    assert not pair.events.filter(kind=PairEvent.Kind.SUBSTITUTE).exists()


def test_the_pairs_own_mentor_or_an_overlap_or_no_reason_is_refused(
    pair, curator, substitute
):
    with pytest.raises(ValidationError) as caught:
        name(pair, curator, pair.mentor, TODAY, TODAY + DAY)
    assert "mentor" in caught.value.message_dict
    name(pair, curator, substitute, TODAY, TODAY + 5 * DAY)
    other = f.MentorFactory(
        participant__organisation=pair.programme.organisation,
        status=MentorProfile.Status.READY,
    )
    with pytest.raises(ValidationError) as caught:
        name(pair, curator, other, TODAY + 3 * DAY, TODAY + 9 * DAY)
    assert "starts_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        name(pair, curator, other, TODAY + 6 * DAY, TODAY + 9 * DAY, reason=" ")
    assert "reason" in caught.value.message_dict
    assert PairSubstitute.objects.count() == 1


def test_a_mentor_of_another_organisation_is_refused(pair, curator, other_organisation):
    stranger = f.MentorFactory(
        participant__organisation=other_organisation,
        status=MentorProfile.Status.READY,
    )
    with pytest.raises(ValidationError) as caught:
        name(pair, curator, stranger, TODAY, TODAY + DAY)
    assert "mentor" in caught.value.message_dict


# --- access before, during and after the period --------------------------------


@pytest.mark.parametrize(
    ("when", "sees"), [("before", False), ("during", True), ("after", False)]
)
def test_the_substitute_sees_the_journal_only_during_the_period(
    client, pair, curator, substitute, mentor, when, sees
):
    record(pair, mentor, topic="Знакомство с наставником")
    period(pair, curator, substitute, when)
    user = substitute.participant.user
    assert is_substitute(user, pair) is sees
    client.force_login(user)
    journal = client.get(reverse("journal:pair", args=[pair.pk]))
    form = client.get(reverse("journal:create", args=[pair.pk]))
    expected = 200 if sees else 404
    assert (journal.status_code, form.status_code) == (expected, expected)
    if sees:
        assert "Знакомство с наставником" in journal.content.decode()
    mine = client.get(reverse("journal:mine")).content.decode()
    assert (reverse("journal:create", args=[pair.pk]) in mine) is sees


@pytest.mark.parametrize(
    ("when", "may_log"), [("before", False), ("during", True), ("after", False)]
)
def test_the_substitute_logs_meetings_only_during_the_period(
    pair, curator, substitute, when, may_log
):
    period(pair, curator, substitute, when)
    user = substitute.participant.user
    if may_log:
        meeting = record(pair, user, meeting_type=mtype("regular"), topic="Замена")
        assert meeting.author == user
        assert js.role_of(user, pair) == "mentor"
    else:
        with pytest.raises(ValidationError):
            record(pair, user, meeting_type=mtype("regular"), topic="Замена")
        assert not pair.meetings.exists()
        assert js.role_of(user, pair) is None


def test_the_substitute_posts_a_meeting_through_the_page(
    client, pair, curator, substitute
):
    period(pair, curator, substitute, "during")
    client.force_login(substitute.participant.user)
    response = client.post(
        reverse("journal:create", args=[pair.pk]),
        {
            "meeting_type": mtype("regular").pk,
            "held_on": TODAY.isoformat(),
            "duration_minutes": 45,
            "format": "in_person",
            "topic": "Разбор домашнего задания",
        },
    )
    assert response.status_code == 302
    assert pair.meetings.get().author == substitute.participant.user


def test_the_regular_mentor_keeps_the_pair_during_the_period(
    client, pair, curator, substitute, mentor
):
    period(pair, curator, substitute, "during")
    client.force_login(mentor)
    assert client.get(reverse("journal:pair", args=[pair.pk])).status_code == 200


def test_after_the_period_the_history_still_shows_the_substitution(
    client, pair, curator, substitute
):
    name(pair, curator, substitute, TODAY, TODAY + 3 * DAY)
    PairSubstitute.objects.update(starts_on=TODAY - 9 * DAY, ends_on=TODAY - DAY)
    client.force_login(substitute.participant.user)
    assert client.get(reverse("journal:pair", args=[pair.pk])).status_code == 404
    client.force_login(curator)
    body = client.get(reverse("pairs:detail", args=[pair.pk])).content.decode()
    assert "Назначен замещающий наставник" in body
    assert substitute.participant.full_name in body


def test_role_in_pair_follows_the_period(rf, pair, curator, substitute):
    sub = period(pair, curator, substitute, "during")
    request = rf.get("/")
    request.user = substitute.participant.user
    request.access = access_for(request.user, pair.programme.organisation_id)
    assert role_in_pair(request, pair) == "mentor"
    sub.ends_on = TODAY - DAY
    sub.starts_on = TODAY - 2 * DAY
    sub.save()
    assert role_in_pair(request, pair) is None


# --- the curator's page ----------------------------------------------------------


def test_the_curator_names_a_substitute_on_the_page(client, pair, curator, substitute):
    client.force_login(curator)
    url = reverse("pairs:substitute", args=[pair.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f'value="{substitute.pk}"' in page.content.decode()
    response = client.post(
        url,
        {
            "mentor": substitute.pk,
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + 7 * DAY).isoformat(),
            "reason": "Курсы повышения квалификации",
        },
    )
    assert response.status_code == 302
    detail = client.get(reverse("pairs:detail", args=[pair.pk])).content.decode()
    assert "Замещающий наставник" in detail
    assert "замещает сейчас" in detail


def test_the_substitute_page_is_for_managers_only(client, pair, mentor, substitute):
    client.force_login(mentor)
    response = client.post(
        reverse("pairs:substitute", args=[pair.pk]),
        {
            "mentor": substitute.pk,
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + 7 * DAY).isoformat(),
            "reason": "x",
        },
    )
    assert response.status_code in (403, 404)
    assert not PairSubstitute.objects.exists()
