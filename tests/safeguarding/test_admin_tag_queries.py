"""The admin (records for superusers only, the log read-only for everyone), the
inclusion tag, and the query budgets of the list pages."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from people.access import access_for
from people.models import AccessLog
from safeguarding.models import PreventionRegistration
from tests import factories as f

from . import factories as sf


@pytest.fixture
def log_row(organisation, curator, pupil):
    return AccessLog.objects.create(
        user=curator,
        user_name="Куратор",
        organisation=organisation,
        participant=pupil,
        action="view",
        description="Запись",
    )


def test_superuser_cannot_change_add_or_delete_log_rows(client, superuser, log_row):
    client.force_login(superuser)
    base = "admin:people_accesslog"
    assert client.get(reverse(f"{base}_changelist")).status_code == 200
    change = client.get(reverse(f"{base}_change", args=[log_row.pk]))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert client.post(
        reverse(f"{base}_change", args=[log_row.pk]), {}
    ).status_code in (
        200,
        403,
    )
    assert client.get(reverse(f"{base}_add")).status_code == 403
    assert client.post(reverse(f"{base}_delete", args=[log_row.pk])).status_code == 403
    response = client.post(
        reverse(f"{base}_changelist"),
        {"action": "delete_selected", "_selected_action": [log_row.pk], "post": "yes"},
    )
    assert AccessLog.objects.filter(pk=log_row.pk).exists()
    assert AccessLog.objects.get().description == "Запись"
    assert response.status_code in (200, 302)


def test_staff_who_are_not_superusers_get_no_admin_for_records(client, records):
    staff = f.UserFactory(username="staff", is_staff=True)
    client.force_login(staff)
    for name in (
        "safeguarding_socialdiagnostics",
        "safeguarding_homevisitact",
        "people_accesslog",
    ):
        url = reverse(f"admin:{name}_changelist")
        response = client.get(url)
        # refused: 403, or sent to the admin's login page (not an admin user here)
        assert response.status_code in (302, 403)
        assert response.status_code == 403 or "/login/" in response["Location"]


def test_superuser_opening_a_record_in_the_admin_is_logged(client, superuser, records):
    client.force_login(superuser)
    visit = records["visit"]
    url = reverse("admin:safeguarding_homevisitact_change", args=[visit.pk])
    assert client.get(url).status_code == 200
    row = AccessLog.objects.get()
    assert (row.user, row.object_pk, row.action) == (superuser, visit.pk, "view")


# --- the inclusion tag -------------------------------------------------------------


def render_link(user, participant):
    request = RequestFactory().get("/")
    request.user = user
    request.access = access_for(user, None)
    template = Template(
        "{% load safeguarding_tags %}{% safeguarding_link participant %}"
    )
    return template.render(Context({"request": request, "participant": participant}))


@pytest.mark.parametrize("persona", ["curator", "psychologist", "sr_mentor"])
def test_link_is_shown_to_those_who_see(request, persona, pupil):
    html = render_link(request.getfixturevalue(persona), pupil)
    assert reverse("safeguarding:participant", args=[pupil.pk]) in html
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("persona", ["deputy", "class_teacher", "mentor", "outsider"])
def test_link_is_hidden_from_others(request, persona, pupil):
    assert render_link(request.getfixturevalue(persona), pupil).strip() == ""


def test_link_accepts_a_mentee_profile(curator, sr_pair):
    profile = sr_pair.memberships.get().mentee
    assert "safeguarding" in render_link(curator, profile)


# --- query budgets -----------------------------------------------------------------


def make_pupils(organisation, count):
    for _ in range(count):
        person = f.ParticipantFactory(organisation=organisation)
        sf.RegistrationFactory(participant=person)
        sf.DiagnosticsFactory(participant=person)


@pytest.mark.parametrize("count", [3, 20])
def test_list_query_budget(
    client, curator, organisation, sr_pair, count, django_assert_max_num_queries
):
    make_pupils(organisation, count)
    client.force_login(curator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("safeguarding:list"))
    assert response.status_code == 200
    assert len(response.context["rows"]) == count + 1
    assert PreventionRegistration.objects.count() == count


@pytest.mark.parametrize("count", [3, 60])
def test_log_query_budget(
    client, head, organisation, pupil, count, django_assert_max_num_queries
):
    for _ in range(count):
        AccessLog.objects.create(
            user=head,
            user_name="Директор",
            organisation=organisation,
            participant=pupil,
            action="view",
            description="Запись",
        )
    client.force_login(head)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("safeguarding:log"))
    assert response.status_code == 200


def test_file_page_query_budget(
    client, curator, records, pupil, django_assert_max_num_queries
):
    client.force_login(curator)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("safeguarding:participant", args=[pupil.pk]))
    assert response.status_code == 200
