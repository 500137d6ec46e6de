"""History of changes: rows written through requests carry the user; the page
shows the change to the organisation's managers only."""

from datetime import date

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from pairs.models import Pair
from people.access import access_for
from tests import factories as f

TODAY = date.today()


def history_url(obj):
    return reverse(
        "history:detail",
        args=[f"{obj._meta.app_label}.{obj._meta.model_name}", obj.pk],
    )


def test_closing_a_pair_through_the_page_records_who_and_what(client, curator, pair):
    client.force_login(curator)
    response = client.post(
        reverse("pairs:close", args=[pair.pk]),
        {"ended_on": TODAY.isoformat(), "result": "Проект защищён"},
    )
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == Pair.Status.COMPLETED
    record = pair.history.order_by("-history_date", "-history_id").first()
    assert record.history_user == curator

    response = client.get(history_url(pair))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Проект защищён" in content
    assert str(Pair.Status.COMPLETED.label) in content
    assert curator.get_full_name() in content
    assert "Content-Security-Policy" in response.headers


def test_mentee_change_is_listed_with_old_and_new_values(client, curator, pair):
    mentee = pair.memberships.get().mentee
    client.force_login(curator)
    # saved outside a request: no user, the change is still listed
    mentee.interests = "шахматы"
    mentee.save()
    mentee.interests = "робототехника"
    mentee.save()
    response = client.get(history_url(mentee))
    assert response.status_code == 200
    content = response.content.decode()
    assert "шахматы" in content
    assert "робототехника" in content


@pytest.mark.parametrize("persona", ["mentor", "mentee", "social_pedagogue"])
def test_other_roles_get_403(client, request, pair, persona):
    client.force_login(request.getfixturevalue(persona))
    for obj in (pair, pair.memberships.get().mentee, pair.mentor):
        assert client.get(history_url(obj)).status_code == 403


def test_another_organisation_gets_404(client, outsider, pair):
    client.force_login(outsider)
    for obj in (
        pair,
        pair.memberships.get(),
        pair.memberships.get().mentee,
        pair.mentor,
        pair.mentor.participant,
    ):
        assert client.get(history_url(obj)).status_code == 404


def test_unknown_model_is_404(client, curator, pair):
    client.force_login(curator)
    response = client.get(reverse("history:detail", args=["people.user", 1]))
    assert response.status_code == 404


def test_head_opens_every_tracked_model(client, head, pair):
    client.force_login(head)
    meeting = f.MeetingFactory(pair=pair, programme=pair.programme)
    for obj in (pair, pair.memberships.get(), pair.mentor, meeting):
        assert client.get(history_url(obj)).status_code == 200


def render_link(user, obj, organisation):
    request = RequestFactory().get("/")
    request.user = user
    request.access = access_for(user, organisation.pk)
    return Template("{% load history %}{% history_link obj %}").render(
        Context({"request": request, "obj": obj})
    )


def test_history_link_only_for_managers(curator, mentor, pair, organisation):
    assert "История изменений" in render_link(curator, pair, organisation) or (
        "History of changes" in render_link(curator, pair, organisation)
    )
    assert history_url(pair) in render_link(curator, pair, organisation)
    assert render_link(mentor, pair, organisation).strip() == ""


def test_the_social_risk_form_is_hidden_from_the_deputy(client, curator, pair):
    from mentoring.models import MentoringForm
    from people.models import Role
    from tests.conftest import member

    risky = MentoringForm.objects.filter(is_social_risk=True).first()
    if risky is None:
        pytest.skip("no social-risk form in the catalogue")
    mentee = pair.memberships.get().mentee
    mentee.preferred_form = risky
    mentee.save()
    deputy = member(pair.programme.organisation, Role.DEPUTY, "deputy")
    client.force_login(deputy)
    content = client.get(history_url(mentee)).content.decode()
    assert str(risky) not in content
    client.force_login(curator)
    assert str(risky) in client.get(history_url(mentee)).content.decode()
