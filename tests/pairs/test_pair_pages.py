"""The curator's pair pages: access, the list, forming, approving, closing."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from mentoring.models import MentoringForm, RoleVariant
from pairs import services
from pairs.forms import add_months
from pairs.models import Pair, PairEvent
from people.models import MenteeProfile, MentorProfile
from tests import factories as f

TODAY = timezone.localdate()


# Personas are requested by name inside tests: pytest-django cannot see that they
# need the database, so mark it here (keeps these tests before the browser tests).
pytestmark = pytest.mark.django_db


def consented_mentee(organisation, **kwargs):
    return f.consented_mentee(organisation, **kwargs)


def form_of(code):
    return MentoringForm.objects.get(code=code)


def variant(code):
    return RoleVariant.objects.get(code=code)


def formed_pair(programme, by, **kwargs):
    organisation = programme.organisation
    arguments = {
        "programme": programme,
        "form": form_of("teacher-pupil"),
        "role_variant": variant("tp-professional"),
        "mentor": f.MentorFactory(participant__organisation=organisation),
        "mentees": [consented_mentee(organisation)],
        "start_on": TODAY - timedelta(days=10),
        "planned_end_on": TODAY + timedelta(days=200),
        "by": by,
    }
    arguments.update(kwargs)
    return services.pair_create(**arguments)


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Access -----------------------------------------------------------------------

PAGES = ["pairs:list", "pairs:create"]
PAIR_PAGES = [
    "pairs:detail",
    "pairs:close",
    "pairs:terminate",
    "pairs:replace-mentor",
]


@pytest.mark.parametrize("name", PAGES)
def test_curator_and_head_open_the_pages(client, curator, head, name):
    for user in (curator, head):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PAIR_PAGES)
def test_curator_opens_the_pages_of_a_pair(client, curator, pair, name):
    client.force_login(curator)
    assert client.get(reverse(name, args=[pair.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["mentor", "mentee", "social_pedagogue"])
@pytest.mark.parametrize("name", PAGES + PAIR_PAGES + ["pairs:approve"])
def test_other_roles_are_refused(client, request, pair, persona, name):
    client.force_login(request.getfixturevalue(persona))
    args = [pair.pk] if name in PAIR_PAGES else []
    if name != "pairs:approve":  # POST only: a GET is 405 for everyone
        assert client.get(reverse(name, args=args)).status_code == 403
    assert client.post(reverse(name, args=args)).status_code == 403


def test_municipal_coordinator_cannot_run_a_school_s_pairs(
    client, municipal_coordinator, pair
):
    client.force_login(municipal_coordinator)
    assert client.get(reverse("pairs:list")).status_code == 403
    assert client.get(reverse("pairs:detail", args=[pair.pk])).status_code == 403


def test_outsider_sees_only_their_organisation(client, outsider, pair):
    """A curator of another organisation works in their own organisation: the list
    opens but holds none of ours, and our pair is not found."""
    client.force_login(outsider)
    response = client.get(reverse("pairs:list"))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0
    for name in PAIR_PAGES:
        assert client.get(reverse(name, args=[pair.pk])).status_code == 404
    response = client.post(
        reverse("pairs:close", args=[pair.pk]),
        {"ended_on": TODAY, "result": "Итог"},
    )
    assert response.status_code == 404
    pair.refresh_from_db()
    assert pair.status == Pair.Status.ACTIVE


def test_outsider_cannot_approve_our_pairs(client, outsider, programme, curator):
    pair = formed_pair(programme, curator)
    client.force_login(outsider)
    response = client.post(
        reverse("pairs:approve"),
        {"pairs": [pair.pk], "order_number": "1", "order_date": TODAY},
    )
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == Pair.Status.FORMED


# --- The list ---------------------------------------------------------------------


@pytest.fixture
def listed(programme, curator, organisation):
    """Pairs in three statuses, with meetings, and a pair of another organisation."""
    active = f.PairFactory(programme=programme, order_number="3", order_date=TODAY)
    f.PairMenteeFactory(pair=active)
    f.MeetingFactory(pair=active, held_on=TODAY - timedelta(days=40))
    f.MeetingFactory(pair=active, held_on=TODAY - timedelta(days=5))
    group = formed_pair(
        programme,
        curator,
        mentor=f.MentorFactory(participant__organisation=organisation, capacity=3),
        mentees=[consented_mentee(organisation) for _ in range(3)],
        form=form_of("pupil-pupil"),
        role_variant=variant("pp-peer"),
        title="Проект «Музей»",
    )
    completed = f.PairFactory(
        programme=programme,
        status=Pair.Status.COMPLETED,
        ended_on=TODAY,
        result="Итог",
    )
    f.PairMenteeFactory(pair=completed)
    foreign = f.PairFactory()
    f.PairMenteeFactory(pair=foreign)
    return {
        "active": active,
        "group": group,
        "completed": completed,
        "foreign": foreign,
    }


def listed_pks(response):
    return {pair.pk for pair in response.context["page_obj"].object_list}


def test_list_shows_the_organisation_s_pairs_with_counts(client, curator, listed):
    client.force_login(curator)
    response = client.get(reverse("pairs:list"))
    assert response.status_code == 200
    assert listed_pks(response) == {
        listed[key].pk for key in ("active", "group", "completed")
    }
    counts = response.context["counts"]
    assert (counts["total"], counts["formed"], counts["active"]) == (3, 1, 1)
    rows = {pair.pk: pair for pair in response.context["page_obj"].object_list}
    active = rows[listed["active"].pk]
    assert active.meetings_count == 2
    assert active.last_meeting == TODAY - timedelta(days=5)
    assert len(rows[listed["group"].pk].memberships.all()) == 3
    body = response.content.decode()
    assert reverse("pairs:detail", args=[listed["active"].pk]) in body
    assert reverse("export", kwargs={"identifier": "pairs", "fmt": "xlsx"}) in body
    # only a pair awaiting an order can be ticked for approval
    assert f'value="{listed["group"].pk}" form="approve-form"' in body
    assert f'value="{listed["active"].pk}" form="approve-form"' not in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "formed"}, {"group"}),
        ({"status": "completed"}, {"completed"}),
        ({"order": "yes"}, {"active"}),
        ({"order": "no"}, {"group", "completed"}),
        ({"form": "pupil-pupil"}, {"group"}),
        ({"role_variant": "pp-peer"}, {"group"}),
        ({"status": "bogus", "form": "999999"}, {"active", "group", "completed"}),
    ],
)
def test_list_filters(client, curator, listed, params, expected):
    query = dict(params)
    if query.get("form") == "pupil-pupil":
        query["form"] = form_of("pupil-pupil").pk
    if "role_variant" in query:
        query["role_variant"] = variant(query["role_variant"]).pk
    client.force_login(curator)
    response = client.get(reverse("pairs:list"), query)
    assert response.status_code == 200
    assert listed_pks(response) == {listed[key].pk for key in expected}


def test_list_filters_by_programme(client, curator, listed, organisation):
    other = f.ProgrammeFactory(organisation=organisation, title="Учитель – учитель")
    mine = f.PairFactory(programme=other)
    client.force_login(curator)
    response = client.get(reverse("pairs:list"), {"programme": other.pk})
    assert listed_pks(response) == {mine.pk}


def test_list_search_finds_mentor_and_mentee_names_case_insensitively(
    client, curator, listed
):
    mentor = listed["active"].mentor.participant
    mentor.last_name = "Щукина-Наставникова"
    mentor.save()
    mentee = listed["group"].memberships.first().mentee.participant
    mentee.last_name = "Ёлкина-Наставляемая"
    mentee.save()
    client.force_login(curator)
    response = client.get(reverse("pairs:list"), {"q": "ЩУКИНА-наставникова"})
    assert listed_pks(response) == {listed["active"].pk}
    response = client.get(reverse("pairs:list"), {"q": "елкина-наставляемая"})
    assert listed_pks(response) == {listed["group"].pk}
    # the group's other members still count on the page
    assert len(response.context["page_obj"].object_list[0].memberships.all()) == 3
    response = client.get(reverse("pairs:list"), {"q": "Несуществующаяфамилия"})
    assert listed_pks(response) == set()
    assert "empty-state" in response.content.decode()


def test_list_sorts_by_the_chosen_column(client, curator, listed):
    client.force_login(curator)
    response = client.get(reverse("pairs:list"), {"sort": "-meetings"})
    first = response.context["page_obj"].object_list[0]
    assert first.pk == listed["active"].pk
    assert response.context["sort"] == "-meetings"


@pytest.mark.parametrize("size", [3, 30])
def test_list_query_count_does_not_grow_with_rows(
    client, curator, programme, django_assert_max_num_queries, size
):
    for _ in range(size):
        pair = f.PairFactory(programme=programme)
        f.PairMenteeFactory(pair=pair)
        f.PairMenteeFactory(pair=pair)
        f.MeetingFactory(pair=pair)
    client.force_login(curator)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("pairs:list"), {"sort": "mentor"})
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == min(size, 25)


# --- Create -----------------------------------------------------------------------


def test_create_page_defaults(client, curator, programme):
    client.force_login(curator)
    response = client.get(reverse("pairs:create"))
    form = response.context["form"]
    assert form["programme"].value() == programme.pk
    assert form["start_on"].value() == TODAY
    expected_end = min(add_months(TODAY, 9), programme.ends_on)
    if programme.ends_on <= TODAY:
        expected_end = add_months(TODAY, 9)
    assert form["planned_end_on"].value() == expected_end


def test_create_page_is_prefilled_from_the_query(client, curator, organisation):
    mentor = f.MentorFactory(participant__organisation=organisation)
    mentees = [consented_mentee(organisation) for _ in range(2)]
    busy = consented_mentee(organisation, status=MenteeProfile.Status.IN_PAIR)
    role_variant = variant("pp-leader")
    client.force_login(curator)
    query = (
        f"?mentor={mentor.pk}&mentee={mentees[0].pk}&mentee={busy.pk}"
        f"&role_variant={role_variant.pk}"
    )
    response = client.get(reverse("pairs:create") + query)
    form = response.context["form"]
    assert form["mentor"].value() == mentor.pk
    assert form["mentees"].value() == [mentees[0].pk, busy.pk]
    assert form["role_variant"].value() == role_variant.pk
    assert form["form"].value() == role_variant.form_id
    # a prefilled mentee is offered even when not waiting
    offered = set(form.fields["mentees"].queryset.values_list("pk", flat=True))
    assert {mentees[0].pk, mentees[1].pk, busy.pk} <= offered


def test_create_ignores_garbage_in_the_query(client, curator):
    client.force_login(curator)
    response = client.get(reverse("pairs:create") + "?mentor=abc&mentee=x&form=")
    assert response.status_code == 200


def test_create_offers_own_mentors_with_their_load_not_the_bank(
    client, curator, organisation, other_organisation
):
    """A bank mentor is requested through the mentor bank, never assigned."""
    own = f.MentorFactory(participant__organisation=organisation, capacity=2)
    bank = f.MentorFactory(
        participant__organisation=other_organisation, shared_in_bank=True
    )
    hidden = f.MentorFactory(participant__organisation=other_organisation)
    candidate = f.MentorFactory(
        participant__organisation=organisation,
        status=MentorProfile.Status.CANDIDATE,
    )
    client.force_login(curator)
    response = client.get(reverse("pairs:create"))
    field = response.context["form"].fields["mentor"]
    offered = set(field.queryset.values_list("pk", flat=True))
    assert own.pk in offered
    assert bank.pk not in offered
    assert hidden.pk not in offered
    assert candidate.pk not in offered
    labels = {pk: label for _group, items in field.choices[1:] for pk, label in items}
    assert labels[own.pk].endswith(str(own.capacity))
    # Even a crafted ?mentor= of the bank is not offered.
    response = client.get(reverse("pairs:create") + f"?mentor={bank.pk}")
    offered = response.context["form"].fields["mentor"].queryset
    assert not offered.filter(pk=bank.pk).exists()


def create_data(programme, mentor, mentees, **overrides):
    data = {
        "programme": programme.pk,
        "form": form_of("teacher-pupil").pk,
        "role_variant": variant("tp-professional").pk,
        "mentor": mentor.pk,
        "mentees": [mentee.pk for mentee in mentees],
        "title": "",
        "start_on": TODAY.isoformat(),
        "planned_end_on": (TODAY + timedelta(days=180)).isoformat(),
    }
    data.update(overrides)
    return data


def test_create_through_the_form(client, curator, programme, organisation):
    mentor = f.MentorFactory(participant__organisation=organisation)
    mentee = consented_mentee(organisation)
    client.force_login(curator)
    response = client.post(
        reverse("pairs:create"), create_data(programme, mentor, [mentee])
    )
    pair = Pair.objects.get(mentor=mentor)
    assert response.status_code == 302
    assert response.url == reverse("pairs:detail", args=[pair.pk])
    assert pair.status == Pair.Status.FORMED
    assert list(pair.memberships.values_list("mentee", flat=True)) == [mentee.pk]
    assert pair.events.get().by == curator
    assert message_texts(response)


def test_create_refuses_a_role_variant_of_another_form(
    client, curator, programme, organisation
):
    mentor = f.MentorFactory(participant__organisation=organisation)
    client.force_login(curator)
    response = client.post(
        reverse("pairs:create"),
        create_data(
            programme,
            mentor,
            [consented_mentee(organisation)],
            role_variant=variant("pp-peer").pk,
        ),
    )
    assert response.status_code == 200
    assert "role_variant" in response.context["form"].errors
    assert not Pair.objects.exists()


def test_create_shows_service_refusals_on_the_fields(
    client, curator, programme, organisation
):
    mentee = f.MenteeFactory(participant__organisation=organisation)  # no consent
    mentor = f.MentorFactory(participant__organisation=organisation)
    client.force_login(curator)
    response = client.post(
        reverse("pairs:create"), create_data(programme, mentor, [mentee])
    )
    assert response.status_code == 200
    assert "mentees" in response.context["form"].errors
    assert not response.context["show_override"]
    assert not Pair.objects.exists()


def test_capacity_refusal_offers_the_override(client, curator, programme, organisation):
    mentor = f.MentorFactory(participant__organisation=organisation, capacity=1)
    formed_pair(programme, curator, mentor=mentor)
    mentee = consented_mentee(organisation)
    client.force_login(curator)
    data = create_data(programme, mentor, [mentee])

    response = client.post(reverse("pairs:create"), data)
    assert response.status_code == 200
    assert response.context["show_override"]
    assert "mentor" in response.context["form"].errors
    assert 'name="allow_over_capacity"' in response.content.decode()
    assert Pair.objects.filter(mentor=mentor).count() == 1

    response = client.post(
        reverse("pairs:create"), data | {"allow_over_capacity": "on"}
    )
    assert response.status_code == 302
    assert Pair.objects.filter(mentor=mentor).count() == 2


def test_the_override_is_hidden_at_first(client, curator):
    client.force_login(curator)
    response = client.get(reverse("pairs:create"))
    assert 'name="allow_over_capacity"' not in response.content.decode()


# --- Approve ----------------------------------------------------------------------


def test_approve_several_pairs_from_the_list(client, curator, programme):
    pairs = [formed_pair(programme, curator) for _ in range(3)]
    client.force_login(curator)
    back = reverse("pairs:list") + "?status=formed"
    response = client.post(
        reverse("pairs:approve"),
        {
            "pairs": [pairs[0].pk, pairs[1].pk],
            "order_number": "275/1",
            "order_date": TODAY.isoformat(),
            "next": back,
        },
    )
    assert response.status_code == 302
    assert response.url == back
    statuses = dict(Pair.objects.values_list("pk", "status"))
    assert statuses[pairs[0].pk] == statuses[pairs[1].pk] == Pair.Status.ACTIVE
    assert statuses[pairs[2].pk] == Pair.Status.FORMED
    assert Pair.objects.get(pk=pairs[0].pk).order_number == "275/1"
    assert PairEvent.objects.filter(kind=PairEvent.Kind.APPROVED).count() == 2


def test_approve_refuses_the_batch_and_says_why(client, curator, programme, pair):
    formed = formed_pair(programme, curator)
    client.force_login(curator)
    response = client.post(
        reverse("pairs:approve"),
        {
            "pairs": [formed.pk, pair.pk],
            "order_number": "7",
            "order_date": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("pairs:list")
    formed.refresh_from_db()
    assert formed.status == Pair.Status.FORMED
    assert any(str(pair) in text for text in message_texts(response))


@pytest.mark.parametrize(
    "data",
    [
        {"order_number": "", "order_date": TODAY.isoformat()},
        {"order_number": "7", "order_date": (TODAY + timedelta(days=2)).isoformat()},
        {"order_number": "7", "order_date": "not a date"},
    ],
)
def test_approve_refuses_a_bad_order(client, curator, programme, data):
    pair = formed_pair(programme, curator)
    client.force_login(curator)
    response = client.post(reverse("pairs:approve"), {"pairs": [pair.pk], **data})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == Pair.Status.FORMED
    assert message_texts(response)


def test_approve_ignores_an_outside_next(client, curator, programme):
    pair = formed_pair(programme, curator)
    client.force_login(curator)
    response = client.post(
        reverse("pairs:approve"),
        {
            "pairs": [pair.pk],
            "order_number": "8",
            "order_date": TODAY.isoformat(),
            "next": "https://evil.example/",
        },
    )
    assert response.url == reverse("pairs:list")


def test_approve_from_the_detail_page(client, curator, programme):
    pair = formed_pair(programme, curator)
    detail = reverse("pairs:detail", args=[pair.pk])
    client.force_login(curator)
    page = client.get(detail).content.decode()
    assert reverse("pairs:approve") in page
    response = client.post(
        reverse("pairs:approve"),
        {
            "pairs": [pair.pk],
            "order_number": "9",
            "order_date": TODAY.isoformat(),
            "next": detail,
        },
    )
    assert response.url == detail
    pair.refresh_from_db()
    assert pair.status == Pair.Status.ACTIVE


def test_approve_needs_post(client, curator):
    client.force_login(curator)
    assert client.get(reverse("pairs:approve")).status_code == 405


# --- Detail -----------------------------------------------------------------------


def test_detail_shows_people_meetings_and_history(client, curator, programme):
    pair = formed_pair(programme, curator)
    f.MeetingFactory(pair=pair, held_on=TODAY - timedelta(days=2), topic="Знакомство")
    client.force_login(curator)
    response = client.get(reverse("pairs:detail", args=[pair.pk]))
    body = response.content.decode()
    assert reverse("people:mentor-detail", args=[pair.mentor.pk]) in body
    mentee = pair.memberships.get().mentee
    assert reverse("people:mentee-detail", args=[mentee.pk]) in body
    assert "Знакомство" in body
    assert [event.kind for event in response.context["events"]] == [
        PairEvent.Kind.CREATED
    ]
    assert response.context["next_meeting"].code == "trial"
    for name in ("pairs:close", "pairs:terminate", "pairs:replace-mentor"):
        assert reverse(name, args=[pair.pk]) in body


def test_a_closed_pair_offers_no_actions(client, curator, programme):
    pair = formed_pair(programme, curator)
    services.pair_terminate(
        pair=pair, ended_on=TODAY, reason="Причина", by=curator, end_reason="other"
    )
    client.force_login(curator)
    body = client.get(reverse("pairs:detail", args=[pair.pk])).content.decode()
    assert reverse("pairs:close", args=[pair.pk]) not in body
    response = client.get(reverse("pairs:close", args=[pair.pk]))
    assert response.status_code == 302
    assert response.url == reverse("pairs:detail", args=[pair.pk])


# --- Close, terminate, replace ---------------------------------------------------


def test_close_through_the_page(client, curator, programme):
    pair = formed_pair(programme, curator)
    client.force_login(curator)
    url = reverse("pairs:close", args=[pair.pk])
    page = client.get(url)
    assert page.context["form"]["ended_on"].value() == TODAY
    assert "data-confirm" in page.content.decode()
    response = client.post(
        url,
        {
            "ended_on": TODAY.isoformat(),
            "result": "Открытый урок",
            "evidence": "open_lesson",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("pairs:detail", args=[pair.pk])
    pair.refresh_from_db()
    assert (pair.status, pair.evidence) == (Pair.Status.COMPLETED, "open_lesson")


def test_close_errors_re_render_the_form(client, curator, programme):
    pair = formed_pair(programme, curator)
    client.force_login(curator)
    response = client.post(
        reverse("pairs:close", args=[pair.pk]),
        {
            "ended_on": (pair.start_on - timedelta(days=1)).isoformat(),
            "result": "Итог",
        },
    )
    assert response.status_code == 200
    assert "ended_on" in response.context["form"].errors
    pair.refresh_from_db()
    assert pair.status == Pair.Status.FORMED


def test_terminate_through_the_page(client, curator, programme):
    pair = formed_pair(programme, curator)
    mentee = pair.memberships.get().mentee
    client.force_login(curator)
    url = reverse("pairs:terminate", args=[pair.pk])
    response = client.post(url, {"ended_on": TODAY.isoformat(), "reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    response = client.post(
        url,
        {
            "ended_on": TODAY.isoformat(),
            "reason": "Наставник уволился",
            "end_reason": "mentor_left",
        },
    )
    assert response.status_code == 302
    pair.refresh_from_db()
    mentee.refresh_from_db()
    assert pair.status == Pair.Status.TERMINATED
    assert mentee.status == MenteeProfile.Status.WAITING


def test_replace_mentor_through_the_page(client, curator, programme, organisation):
    pair = formed_pair(programme, curator)
    old = pair.mentor
    new = f.MentorFactory(participant__organisation=organisation)
    client.force_login(curator)
    url = reverse("pairs:replace-mentor", args=[pair.pk])
    page = client.get(url)
    offered = set(
        page.context["form"].fields["new_mentor"].queryset.values_list("pk", flat=True)
    )
    assert new.pk in offered and old.pk not in offered
    response = client.post(
        url, {"new_mentor": new.pk, "on": TODAY.isoformat(), "reason": "Болезнь"}
    )
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.mentor == new
    event = pair.events.last()
    assert (event.old_mentor, event.new_mentor) == (old, new)


def test_replace_mentor_capacity_confirm_flow(client, curator, programme, organisation):
    pair = formed_pair(
        programme,
        curator,
        mentees=[consented_mentee(organisation) for _ in range(2)],
    )
    small = f.MentorFactory(participant__organisation=organisation, capacity=1)
    client.force_login(curator)
    url = reverse("pairs:replace-mentor", args=[pair.pk])
    data = {"new_mentor": small.pk, "on": TODAY.isoformat(), "reason": "Болезнь"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["show_override"]
    assert "new_mentor" in response.context["form"].errors
    response = client.post(url, data | {"allow_over_capacity": "on"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.mentor == small


def test_a_form_lead_reads_the_pairs_of_their_forms_only(client, organisation, pair):
    """Read only: no approval, closing or pause controls; pairs of other forms are
    not listed and 404."""
    from mentoring.models import MentoringForm
    from people.models import Role
    from tests.conftest import member

    lead = member(organisation, Role.FORM_LEAD, "formlead")
    lead.memberships.get().forms.set(MentoringForm.objects.filter(pk=pair.form_id))
    other_form = MentoringForm.objects.exclude(pk=pair.form_id).first()
    other = f.PairFactory(programme=pair.programme, form=other_form)
    client.force_login(lead)

    listing = client.get(reverse("pairs:list")).content.decode()
    assert reverse("pairs:detail", args=[pair.pk]) in listing
    assert reverse("pairs:detail", args=[other.pk]) not in listing
    assert reverse("pairs:create") not in listing

    page = client.get(reverse("pairs:detail", args=[pair.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    for action in ("pairs:close", "pairs:terminate", "pairs:replace-mentor"):
        assert reverse(action, args=[pair.pk]) not in body
    assert client.get(reverse("pairs:detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("pairs:close", args=[pair.pk])).status_code == 403
