"""Pages of the meeting journal and the workspaces: who may open what."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.models import MeetingType
from pairs.models import Feedback, Meeting, MeetingComment, Pair
from people.models import Role
from tests import factories as f

TODAY = timezone.localdate()


@pytest.fixture
def meeting(pair, mentor):
    return f.MeetingFactory(pair=pair, author=mentor, held_on=TODAY)


@pytest.fixture
def other_pair(programme):
    pair = f.PairFactory(programme=programme)
    f.PairMenteeFactory(pair=pair)
    return pair


def get(client, user, name, *args):
    client.force_login(user)
    return client.get(reverse(name, args=args))


# --- Access ------------------------------------------------------------------------


def test_pair_journal_access(client, pair, meeting, mentor, mentee, curator, head):
    for user in (mentor, mentee, curator, head):
        assert get(client, user, "journal:pair", pair.pk).status_code == 200


def test_pair_journal_refused(client, pair, other_pair, mentor, mentee, outsider):
    assert get(client, mentor, "journal:pair", other_pair.pk).status_code == 404
    assert get(client, mentee, "journal:pair", other_pair.pk).status_code == 404
    assert get(client, outsider, "journal:pair", pair.pk).status_code == 404


def test_mentee_does_not_see_comments_of_the_journal(client, meeting, mentee, curator):
    MeetingComment.objects.create(meeting=meeting, author=curator, text="ЗАМЕТКА")
    body = get(client, mentee, "journal:pair", meeting.pair_id).content.decode()
    assert "ЗАМЕТКА" not in body
    body = get(client, curator, "journal:pair", meeting.pair_id).content.decode()
    assert "ЗАМЕТКА" in body


def test_create_access(client, pair, other_pair, mentor, mentee, curator, outsider):
    assert get(client, mentor, "journal:create", pair.pk).status_code == 200
    assert get(client, curator, "journal:create", pair.pk).status_code == 200
    assert get(client, mentee, "journal:create", pair.pk).status_code in (403, 404)
    assert get(client, mentor, "journal:create", other_pair.pk).status_code == 404
    assert get(client, outsider, "journal:create", pair.pk).status_code == 404


def test_curator_pages_refuse_others(client, mentor, mentee, outsider, curator):
    for name in ("journal:list", "journal:general", "journal:feedback-summary"):
        assert get(client, curator, name).status_code == 200
        assert get(client, mentor, name).status_code == 403
        assert get(client, mentee, name).status_code == 403


def test_workspaces(client, pair, mentor, mentee, curator):
    assert get(client, mentor, "journal:mine").status_code == 200
    assert get(client, mentee, "journal:my-pair").status_code == 200
    assert get(client, curator, "journal:mine").status_code == 403
    assert get(client, curator, "journal:my-pair").status_code == 403


# --- Logging a meeting ------------------------------------------------------------


def test_form_defaults_to_the_next_meeting(client, pair, mentor):
    form = get(client, mentor, "journal:create", pair.pk).context["form"]
    assert form.initial["meeting_type"].code == "introduction"
    assert form.initial["held_on"] == TODAY
    assert form.initial["duration_minutes"] == 45
    assert form.initial["format"] == Meeting.Format.IN_PERSON
    assert "present" not in form.fields


def test_group_form_ticks_every_mentee(client, pair, mentor):
    f.PairMenteeFactory(pair=pair)
    form = get(client, mentor, "journal:create", pair.pk).context["form"]
    assert form.initial["format"] == Meeting.Format.GROUP
    assert len(form.initial["present"]) == 2


def test_mentor_logs_a_meeting_with_defaults(client, pair, mentor):
    client.force_login(mentor)
    introduction = MeetingType.objects.get(code="introduction")
    response = client.post(
        reverse("journal:create", args=[pair.pk]),
        {
            "meeting_type": introduction.pk,
            "held_on": TODAY.isoformat(),
            "duration_minutes": 45,
            "format": "in_person",
            "topic": "",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("journal:mine")
    meeting = pair.meetings.get()
    assert meeting.topic == introduction.name
    assert meeting.author == mentor


def test_refusal_is_shown_on_the_form(client, pair, mentor):
    client.force_login(mentor)
    response = client.post(
        reverse("journal:create", args=[pair.pk]),
        {
            "meeting_type": MeetingType.objects.get(code="trial").pk,
            "held_on": (pair.start_on - timedelta(days=1)).isoformat(),
            "duration_minutes": 45,
            "format": "in_person",
            "topic": "Проба",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["held_on"]
    assert not pair.meetings.exists()


def test_mentee_cannot_post_a_meeting(client, pair, mentee):
    client.force_login(mentee)
    response = client.post(reverse("journal:create", args=[pair.pk]), {})
    assert response.status_code in (403, 404)
    assert not pair.meetings.exists()


def test_mentor_of_a_closed_pair_is_sent_back(client, pair, mentor):
    Pair.objects.filter(pk=pair.pk).update(status="completed", ended_on=TODAY)
    response = get(client, mentor, "journal:create", pair.pk)
    assert response.status_code == 302


# --- Editing, comments ------------------------------------------------------------


def test_author_edits_own_meeting(client, meeting, mentor):
    client.force_login(mentor)
    url = reverse("journal:update", args=[meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "meeting_type": meeting.meeting_type_id,
            "held_on": meeting.held_on.isoformat(),
            "duration_minutes": 30,
            "format": "remote",
            "topic": "Другая тема",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.duration_minutes, meeting.format) == (30, "remote")


def test_old_meeting_is_not_edited_by_its_author(client, meeting, mentor, settings):
    settings.MEETING_EDIT_DAYS = 7
    Meeting.objects.filter(pk=meeting.pk).update(
        created_at=timezone.now() - timedelta(days=9)
    )
    response = get(client, mentor, "journal:update", meeting.pk)
    assert response.status_code == 302
    assert response.url == reverse("journal:pair", args=[meeting.pair_id])


def test_edit_access(client, meeting, mentee, outsider, curator):
    assert get(client, curator, "journal:update", meeting.pk).status_code == 200
    assert get(client, mentee, "journal:update", meeting.pk).status_code == 404
    assert get(client, outsider, "journal:update", meeting.pk).status_code == 404


def test_curator_comments(client, meeting, curator, mentee):
    client.force_login(curator)
    url = reverse("journal:comment", args=[meeting.pk])
    assert client.post(url, {"text": "Отлично"}).status_code == 302
    assert meeting.comments.get().author == curator
    client.force_login(mentee)
    assert client.post(url, {"text": "Я тоже"}).status_code == 404
    assert meeting.comments.count() == 1


# --- General meeting and the curator's list -----------------------------------


def test_curator_logs_the_general_meeting(client, curator, programme):
    client.force_login(curator)
    response = client.post(
        reverse("journal:general"),
        {
            "programme": programme.pk,
            "held_on": TODAY.isoformat(),
            "duration_minutes": 90,
            "topic": "Общая встреча",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(pair__isnull=True)
    assert meeting.programme == programme
    assert get(client, curator, "journal:update", meeting.pk).status_code == 200


def test_journal_list_filters(client, curator, pair, other_pair, meeting):
    f.MeetingFactory(pair=other_pair, held_on=TODAY - timedelta(days=30))
    client.force_login(curator)
    response = client.get(reverse("journal:list"))
    assert response.context["page_obj"].paginator.count == 2
    response = client.get(reverse("journal:list"), {"mentor": pair.mentor.pk})
    assert list(response.context["meetings"]) == [meeting]
    response = client.get(
        reverse("journal:list"), {"date_from": (TODAY - timedelta(days=1)).isoformat()}
    )
    assert list(response.context["meetings"]) == [meeting]


def test_journal_list_is_of_the_organisation_only(client, outsider, meeting):
    response = get(client, outsider, "journal:list")
    assert response.context["page_obj"].paginator.count == 0


def make_pairs(programme, mentor_profile, count):
    for _ in range(count):
        other = f.PairFactory(programme=programme, mentor=mentor_profile)
        f.PairMenteeFactory(pair=other)
        f.PairMenteeFactory(pair=other)
        meeting = f.MeetingFactory(pair=other)
        Feedback.objects.create(
            pair=other, meeting=meeting, author=meeting.author, role="mentor", rating=2
        )
        MeetingComment.objects.create(meeting=meeting, author=meeting.author, text="x")


@pytest.mark.parametrize("name", ["journal:list", "journal:feedback-summary"])
def test_curator_pages_query_count(
    client, curator, pair, name, django_assert_max_num_queries
):
    client.force_login(curator)
    make_pairs(pair.programme, pair.mentor, 2)
    with django_assert_max_num_queries(16) as small:
        client.get(reverse(name))
    make_pairs(pair.programme, pair.mentor, 10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse(name))


def test_pair_journal_query_count(
    client, curator, pair, mentor, django_assert_max_num_queries
):
    client.force_login(curator)
    for _ in range(2):
        f.MeetingFactory(pair=pair, author=mentor)
    with django_assert_max_num_queries(25) as small:
        client.get(reverse("journal:pair", args=[pair.pk]))
    for _ in range(10):
        meeting = f.MeetingFactory(pair=pair, author=mentor)
        MeetingComment.objects.create(meeting=meeting, author=curator, text="x")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("journal:pair", args=[pair.pk]))


# --- Workspaces -------------------------------------------------------------------


def test_mentor_workspace_cards(client, pair, other_pair, mentor):
    closed = f.PairFactory(
        programme=pair.programme,
        mentor=pair.mentor,
        status="completed",
        ended_on=TODAY,
    )
    co_pair = f.PairFactory(programme=pair.programme, co_mentor=pair.mentor)
    response = get(client, mentor, "journal:mine")
    open_pairs = [item["pair"] for item in response.context["pairs"]]
    assert set(open_pairs) == {pair, co_pair}
    assert [item["pair"] for item in response.context["closed_pairs"]] == [closed]
    item = next(i for i in response.context["pairs"] if i["pair"] == pair)
    assert item["next_code"] == "introduction"
    assert item["is_stale"]  # the pair started 60 days ago with no meeting


def test_mentor_home_shows_the_workspace(client, pair, mentor):
    response = get(client, mentor, "home")
    assert response.status_code == 200
    assert reverse("journal:create", args=[pair.pk]) in response.content.decode()


def test_mentor_workspace_query_count(
    client, pair, mentor, django_assert_max_num_queries
):
    client.force_login(mentor)
    make_pairs(pair.programme, pair.mentor, 2)
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("journal:mine"))
    make_pairs(pair.programme, pair.mentor, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("journal:mine"))


def test_mentee_workspace_shows_own_pair_only(
    client, pair, other_pair, meeting, mentee
):
    response = get(client, mentee, "journal:my-pair")
    body = response.content.decode()
    assert pair.mentor.participant.full_name in body
    assert other_pair.mentor.participant.full_name not in body
    assert reverse("journal:feedback", args=[meeting.pk]) in body
    assert reverse("journal:create", args=[pair.pk]) not in body


# --- Feedback -------------------------------------------------------------------


def test_mentee_rates_a_meeting_once(client, meeting, mentee):
    client.force_login(mentee)
    url = reverse("journal:feedback", args=[meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"rating": 4, "comment": "Полезно"})
    assert response.url == reverse("journal:my-pair")
    feedback = Feedback.objects.get()
    assert (feedback.role, feedback.rating) == ("mentee", 4)
    assert client.get(url).status_code == 302  # already rated
    client.post(url, {"rating": 1})
    assert Feedback.objects.count() == 1
    body = client.get(reverse("journal:my-pair")).content.decode()
    assert url not in body


def test_the_rating_runs_from_low_to_high_as_in_questionnaires(client, meeting, mentee):
    client.force_login(mentee)
    page = client.get(reverse("journal:feedback", args=[meeting.pk])).content.decode()
    values = re.findall(r'name="rating" value="(\d+)"', page)
    assert values == ["1", "2", "3", "4", "5"]


def test_feedback_access(client, meeting, curator, outsider, other_pair, mentor):
    assert get(client, curator, "journal:feedback", meeting.pk).status_code == 404
    assert get(client, outsider, "journal:feedback", meeting.pk).status_code == 404
    foreign = f.MeetingFactory(pair=other_pair)
    assert get(client, mentor, "journal:feedback", foreign.pk).status_code == 404


def test_final_feedback_page(client, pair, mentor, curator, outsider):
    url = reverse("journal:final-feedback", args=[pair.pk])
    client.force_login(mentor)
    assert client.get(url).status_code == 302  # the end is far away
    Pair.objects.filter(pk=pair.pk).update(planned_end_on=TODAY + timedelta(days=10))
    assert client.get(url).status_code == 200
    client.post(url, {"rating": 5})
    client.force_login(curator)
    client.post(url, {"rating": 2, "comment": "Мало встреч"})
    assert set(Feedback.objects.values_list("role", flat=True)) == {
        "mentor",
        "curator",
    }
    assert get(client, outsider, "journal:final-feedback", pair.pk).status_code == 404
    summary = get(client, curator, "journal:feedback-summary")
    assert [fb.rating for fb in summary.context["low"]] == [2]
    row = summary.context["pairs"][0]
    assert (row.answers, row.average, row.low) == (2, 3.5, 1)


def test_pair_page_fragment_links_the_journal(client, pair, meeting, curator):
    body = get(client, curator, "pairs:detail", pair.pk).content.decode()
    assert reverse("journal:pair", args=[pair.pk]) in body
    assert reverse("journal:create", args=[pair.pk]) in body


def test_deputy_is_a_curator_of_the_journal(client, organisation, pair):
    deputy = f.UserFactory(username="deputy")
    f.MembershipFactory(user=deputy, organisation=organisation, role=Role.DEPUTY)
    assert get(client, deputy, "journal:pair", pair.pk).status_code == 200
