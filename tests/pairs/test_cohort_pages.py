"""The cohort matching page: access, the form selector (the tier hidden from the
deputy), the proposal, locks on a re-run, the confirmation and its refusals."""

import re
from datetime import date, timedelta

import pytest
from django.core import signing
from django.urls import reverse

from mentoring import models as m
from pairs.cohort_views import STATE_SALT
from pairs.models import Pair
from people.models import Consent, MenteeProfile, Role
from tests import factories as f
from tests.conftest import member

TODAY = date.today()
URL = reverse("matching:cohort")
CONFIRM = reverse("matching:cohort-confirm")


def form(code):
    return f.catalogue(m.MentoringForm, code)


def pupil(organisation, programme, code="teacher-pupil", consented=True, **kwargs):
    mentee = f.MenteeFactory(
        participant__organisation=organisation,
        programme=programme,
        preferred_form=form(code),
        **kwargs,
    )
    if consented:
        f.consent(mentee.participant)
    return mentee


@pytest.fixture
def cohort_world(organisation, programme):
    """Three waiting pupils of «Учитель – ученик», two teachers with three places."""
    programme.forms.add(form("social-risk"))
    mentees = [pupil(organisation, programme) for _ in range(3)]
    mentors = [
        f.MentorFactory(participant__organisation=organisation, capacity=2),
        f.MentorFactory(participant__organisation=organisation, capacity=1),
    ]
    return mentees, mentors


def run_params(programme, code="teacher-pupil"):
    return {"form": form(code).pk, "programme": programme.pk, "run": "1"}


def rows(response):
    """(mentee pk, mentor pk) of the proposal's rows, from the page."""
    html = response.content.decode()
    return [
        (int(a), int(b))
        for a, b in re.findall(
            r'data-testid="cohort-row" data-mentee="(\d+)" data-mentor="(\d+)"', html
        )
    ]


def post_data(response, **extra):
    """What the page's form would send: the state and every row's mentor."""
    data = {"state": response.context["state"]}
    for mentee_pk, mentor_pk in rows(response):
        data[f"mentor_{mentee_pk}"] = str(mentor_pk)
    data["start_on"] = TODAY.isoformat()
    data["planned_end_on"] = (TODAY + timedelta(days=200)).isoformat()
    data.update(extra)
    return data


# --- Access ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["curator", "head"])
def test_managers_open_the_page(client, persona, request, cohort_world, programme):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL, run_params(programme))
    assert response.status_code == 200
    assert len(rows(response)) == 3


@pytest.mark.parametrize("persona", ["mentor", "social_pedagogue"])
def test_others_are_refused(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert client.post(CONFIRM, {"state": "x"}).status_code == 403


def test_outsiders_state_is_not_ours(
    client, curator, outsider, cohort_world, programme
):
    client.force_login(curator)
    page = client.get(URL, run_params(programme))
    client.force_login(outsider)
    assert client.post(URL, post_data(page)).status_code == 404
    assert client.post(CONFIRM, post_data(page)).status_code == 404
    assert Pair.objects.filter(status=Pair.Status.FORMED).count() == 0


def test_a_tampered_state_is_404(client, curator, cohort_world, programme):
    client.force_login(curator)
    page = client.get(URL, run_params(programme))
    data = post_data(page, state=page.context["state"][:-2] + "xx")
    assert client.post(CONFIRM, data).status_code == 404


def test_the_deputy_sees_no_social_risk_form(client, organisation, programme):
    deputy = member(organisation, Role.DEPUTY, "deputy")
    programme.forms.add(form("social-risk"))
    hidden = pupil(organisation, programme, code="social-risk")
    client.force_login(deputy)
    response = client.get(URL)
    assert response.status_code == 200
    shown = {item.code for item in response.context["forms"]}
    assert "social-risk" not in shown and "teacher-pupil" in shown
    # Asked for by hand: not chosen, nothing proposed, the pupil never listed.
    response = client.get(URL, run_params(programme, "social-risk"))
    assert response.context["form"] is None
    assert hidden.participant.last_name not in response.content.decode()
    # Nor through a state signed for the curator's choice.
    state = signing.dumps(
        {
            "organisation": organisation.pk,
            "form": form("social-risk").pk,
            "programme": programme.pk,
            "role_variant": form("social-risk").role_variants.first().pk,
            "proposal": {},
        },
        salt=STATE_SALT,
    )
    assert client.post(URL, {"state": state}).status_code == 404


def test_the_curator_sees_the_social_risk_form(client, curator, programme):
    programme.forms.add(form("social-risk"))
    client.force_login(curator)
    response = client.get(URL)
    assert "social-risk" in {item.code for item in response.context["forms"]}


# --- The proposal, the re-run --------------------------------------------------------


def test_proposal_lists_unmatched_with_reasons(
    client, curator, organisation, programme, cohort_world
):
    no_consent = pupil(organisation, programme, consented=False)
    client.force_login(curator)
    response = client.get(URL, run_params(programme))
    html = response.content.decode()
    assert len(rows(response)) == 3
    unmatched = {u.mentee.pk: u.code for u in response.context["cohort"].unmatched}
    assert unmatched == {no_consent.pk: "no_consent"}
    assert "Без наставника" in html or "Without a mentor" in html


def test_a_full_mentor_carries_a_warning(client, curator, organisation, programme):
    mentor = f.MentorFactory(participant__organisation=organisation, capacity=1)
    pair = f.PairFactory(programme=programme, mentor=mentor)
    f.PairMenteeFactory(pair=pair)
    one = pupil(organisation, programme)
    client.force_login(curator)
    # Chosen by the curator although full: the row says so.
    page = client.get(URL, run_params(programme))
    assert rows(page) == []
    state = signing.loads(page.context["state"], salt=STATE_SALT)
    state["proposal"] = {str(one.pk): mentor.pk}
    data = {"state": signing.dumps(state, salt=STATE_SALT), f"lock_{one.pk}": "1"}
    response = client.post(URL, data)
    html = response.content.decode()
    assert rows(response) == [(one.pk, mentor.pk)]
    assert 'data-testid="full-warning"' in html
    assert 'data-testid="over-capacity"' in html


def test_rerun_keeps_locked_and_changed_rows(client, curator, programme, cohort_world):
    mentees, (big, small) = cohort_world
    client.force_login(curator)
    page = client.get(URL, run_params(programme))
    proposal = dict(rows(page))
    on_small = next(pk for pk, mentor in proposal.items() if mentor == small.pk)
    on_big = [pk for pk, mentor in proposal.items() if mentor == big.pk]
    # Lock one row of the big mentor; move the small mentor's mentee to the big one.
    data = post_data(
        page, **{f"lock_{on_big[0]}": "1", f"mentor_{on_small}": str(big.pk)}
    )
    response = client.post(URL, data)
    again = dict(rows(response))
    assert again[on_big[0]] == big.pk
    assert again[on_small] == big.pk
    assert again[on_big[1]] == small.pk  # the rest took what was left
    fixed = {row.mentee.pk for row in response.context["cohort"].rows if row.fixed}
    assert fixed == {on_big[0], on_small}


# --- The confirmation -----------------------------------------------------------------


def test_confirm_creates_exactly_the_rows(client, curator, programme, cohort_world):
    mentees, mentors = cohort_world
    client.force_login(curator)
    page = client.get(URL, run_params(programme))
    shown = set(rows(page))
    response = client.post(CONFIRM, post_data(page))
    assert response.status_code == 302
    target = response["Location"]
    assert target.startswith(reverse("pairs:list"))
    assert "status=formed" in target and "order=no" in target
    made = {
        (pair.memberships.get().mentee_id, pair.mentor_id)
        for pair in Pair.objects.filter(status=Pair.Status.FORMED, programme=programme)
    }
    assert made == shown
    # The list it sends to offers the draft order of the formed pairs.
    listing = client.get(target)
    html = listing.content.decode()
    assert "pairs-order" in html
    for mentee in mentees:
        assert mentee.participant.last_name in html


def test_confirm_with_no_mentor_for_a_row_leaves_it_out(
    client, curator, programme, cohort_world
):
    client.force_login(curator)
    page = client.get(URL, run_params(programme))
    left_out = rows(page)[0][0]
    client.post(CONFIRM, post_data(page, **{f"mentor_{left_out}": ""}))
    assert Pair.objects.filter(status=Pair.Status.FORMED).count() == 2
    assert MenteeProfile.objects.get(pk=left_out).status == "waiting"


def test_confirm_refused_creates_nothing(client, curator, programme, cohort_world):
    """Between the proposal and the confirmation another curator filled the small
    mentor: the lot is refused whole, with a message, and nothing is created."""
    mentees, (big, small) = cohort_world
    client.force_login(curator)
    page = client.get(URL, run_params(programme))
    taken = f.PairFactory(programme=programme, mentor=small)
    f.PairMenteeFactory(pair=taken)
    before = Pair.objects.count()
    response = client.post(CONFIRM, post_data(page))
    assert response.status_code == 200
    assert Pair.objects.count() == before
    text = " ".join(str(message) for message in response.context["messages"])
    assert small.participant.short_name in text


def test_confirm_refused_by_pair_create_creates_nothing(
    client, curator, programme, cohort_world
):
    """The consent of one mentee was revoked after the proposal: pair_create
    refuses that pair, and the others are not formed either."""
    mentees, mentors = cohort_world
    client.force_login(curator)
    page = client.get(URL, run_params(programme))
    Consent.objects.filter(participant=mentees[0].participant).update(
        revoked_on=TODAY - timedelta(days=1)
    )
    response = client.post(CONFIRM, post_data(page))
    assert response.status_code == 200
    assert Pair.objects.filter(status=Pair.Status.FORMED).count() == 0


def test_page_query_budget(
    client, curator, programme, cohort_world, django_assert_max_num_queries
):
    client.force_login(curator)
    with django_assert_max_num_queries(40):
        client.get(URL, run_params(programme))


def test_confirm_refused_when_a_mentee_was_paired_meanwhile(
    client, curator, programme, cohort_world
):
    mentees, mentors = cohort_world
    client.force_login(curator)
    page = client.get(URL, run_params(programme))
    MenteeProfile.objects.filter(pk=mentees[1].pk).update(
        status=MenteeProfile.Status.IN_PAIR
    )
    response = client.post(CONFIRM, post_data(page))
    assert response.status_code == 200
    assert Pair.objects.filter(status=Pair.Status.FORMED).count() == 0
    text = " ".join(str(message) for message in response.context["messages"])
    assert mentees[1].participant.short_name in text


def test_the_one_mentee_page_warns_of_a_full_mentor(
    client, curator, organisation, programme
):
    full = f.MentorFactory(participant__organisation=organisation, capacity=1)
    taken = f.PairFactory(programme=programme, mentor=full)
    f.PairMenteeFactory(pair=taken)
    free = f.MentorFactory(participant__organisation=organisation, capacity=1)
    mentee = pupil(organisation, programme)
    client.force_login(curator)
    html = client.get(reverse("matching:for-mentee", args=[mentee.pk])).content
    cards = re.findall(rb'data-mentor="(\d+)">(.*?)</li>', html, flags=re.DOTALL)
    warned = {int(pk) for pk, card in cards if b'data-testid="full-warning"' in card}
    assert full.pk in warned
    assert free.pk not in warned
