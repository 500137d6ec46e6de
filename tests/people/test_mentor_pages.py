"""The mentor base pages: access, filters, search, sorting, the bulk status change,
the card with the selection path and training, and the create/edit page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.models import MentorCategory
from people.models import MentorProfile, MentorStatusChange, MentorTraining, Participant
from tests import factories as f

TODAY = timezone.localdate()
LIST = reverse("people:mentor-list")


# Personas are requested by name inside tests: pytest-django cannot see that they
# need the database, so mark it here (keeps these tests before the browser tests).
pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [mentor.participant.last_name for mentor in response.context["mentors"]]


def category(code):
    return MentorCategory.objects.get(code=code)


def mentor(organisation, last_name, **kwargs):
    person = {
        key: kwargs.pop(key) for key in list(kwargs) if key.startswith("participant__")
    }
    # Fixed names: a random patronymic such as «Петрович» would match the searches.
    person.setdefault("participant__first_name", "Мария")
    person.setdefault("participant__middle_name", "")
    return f.MentorFactory(
        participant__organisation=organisation,
        participant__last_name=last_name,
        **person,
        **kwargs,
    )


def open_pair(programme, lead, mentees=1, **kwargs):
    pair = f.PairFactory(programme=programme, mentor=lead, **kwargs)
    for _number in range(mentees):
        f.PairMenteeFactory(pair=pair)
    return pair


@pytest.fixture
def logged_in(client, curator):
    client.force_login(curator)
    return client


# --- access ---------------------------------------------------------------------


@pytest.fixture
def one(organisation):
    return mentor(organisation, "Петров")


def pages(one):
    return [
        reverse("people:mentor-list"),
        reverse("people:mentor-create"),
        reverse("people:mentor-detail", args=[one.pk]),
        reverse("people:mentor-update", args=[one.pk]),
    ]


def posts(one):
    return [
        (reverse("people:mentor-bulk"), {"mentors": [one.pk], "status": "archived"}),
        (reverse("people:mentor-status", args=[one.pk]), {"status": "archived"}),
        (
            reverse("people:mentor-training", args=[one.pk]),
            {"title": "Курс", "completed_on": TODAY.isoformat()},
        ),
    ]


@pytest.mark.parametrize("persona", ["curator", "head"])
def test_managers_open_every_page(client, request, one, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in pages(one):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["mentor", "mentee", "social_pedagogue"])
def test_others_of_the_organisation_are_refused(client, request, one, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in pages(one):
        assert client.get(url).status_code == 403, url
    for url, data in posts(one):
        assert client.post(url, data).status_code == 403, url
    one.refresh_from_db()
    assert one.status == "ready"
    assert not MentorTraining.objects.exists()


def test_outsider_sees_only_their_own_base_and_404_for_ours(client, outsider, one):
    client.force_login(outsider)
    response = client.get(LIST)
    assert response.status_code == 200
    assert names(response) == []
    for url in pages(one)[2:]:
        assert client.get(url).status_code == 404, url
    for url, data in posts(one)[1:]:
        assert client.post(url, data).status_code == 404, url
    # the bulk form does not know our rows: nothing changes
    assert client.post(*posts(one)[0]).status_code == 302
    one.refresh_from_db()
    assert one.status == "ready"
    assert not MentorStatusChange.objects.exists()
    assert not MentorTraining.objects.exists()


# --- list: details, search, filters, sorting --------------------------------------


@pytest.fixture
def base(organisation, other_organisation, programme):
    petrov = mentor(
        organisation,
        "Петров",
        participant__first_name="Пётр",
        participant__experience_years=20,
        capacity=2,
        shared_in_bank=True,
        entered_on=TODAY - timedelta(days=40),
    )
    open_pair(programme, petrov, mentees=2)  # full
    yolkin = mentor(
        organisation,
        "Ёлкин",
        participant__first_name="Семён",
        participant__experience_years=3,
        capacity=3,
        entered_on=TODAY - timedelta(days=5),
    )
    open_pair(programme, yolkin, mentees=1)
    # a completed pair does not load the mentor
    open_pair(
        programme,
        yolkin,
        mentees=2,
        status="completed",
        ended_on=TODAY - timedelta(days=1),
    )
    abramov = mentor(
        organisation,
        "Абрамов",
        participant__kind=Participant.Kind.EXTERNAL,
        participant__experience_years=None,
        participant__workplace="АО «Алтайский завод»",
        category=category("employee"),
        status=MentorProfile.Status.CANDIDATE,
        entered_on=TODAY - timedelta(days=20),
    )
    mentor(other_organisation, "Петров-Чужой")
    return {"petrov": petrov, "yolkin": yolkin, "abramov": abramov}


def test_the_list_shows_load_contour_and_counts(logged_in, base):
    response = logged_in.get(LIST)
    assert names(response) == ["Абрамов", "Ёлкин", "Петров"]
    rows = {m.participant.last_name: m for m in response.context["mentors"]}
    assert (rows["Петров"].load, rows["Ёлкин"].load, rows["Абрамов"].load) == (2, 1, 0)
    counts = {
        item["value"]: item["count"] for item in response.context["status_counts"]
    }
    assert counts["ready"] == 2 and counts["candidate"] == 1
    assert sum(counts.values()) == 3
    body = response.content.decode()
    assert "АО «Алтайский завод»" in body
    assert reverse("people:mentor-detail", args=[base["yolkin"].pk]) in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "петров"}, ["Петров"]),
        ({"q": "ЁЛКИН семен"}, ["Ёлкин"]),
        ({"q": "елкин"}, ["Ёлкин"]),
        ({"category": "teacher"}, ["Ёлкин", "Петров"]),
        ({"contour": "external"}, ["Абрамов"]),
        ({"contour": "internal"}, ["Ёлкин", "Петров"]),
        ({"status": "candidate"}, ["Абрамов"]),
        ({"free": "yes"}, ["Абрамов", "Ёлкин"]),
        ({"bank": "yes"}, ["Петров"]),
        ({"bank": "no"}, ["Абрамов", "Ёлкин"]),
        ({"free": "yes", "contour": "internal"}, ["Ёлкин"]),
        ({"status": "bogus", "category": "999999"}, ["Абрамов", "Ёлкин", "Петров"]),
    ],
)
def test_each_filter_narrows_the_list(logged_in, base, params, expected):
    if "category" in params and params["category"] != "999999":
        params = {**params, "category": str(category(params["category"]).pk)}
    response = logged_in.get(LIST, params)
    assert response.status_code == 200
    assert names(response) == expected


def test_status_counts_follow_the_free_places_filter(logged_in, base):
    response = logged_in.get(LIST, {"free": "yes"})
    counts = {
        item["value"]: item["count"] for item in response.context["status_counts"]
    }
    assert (counts["ready"], counts["candidate"]) == (1, 1)
    assert sum(counts.values()) == 2


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Абрамов", "Ёлкин", "Петров"]),
        ("-name", ["Петров", "Ёлкин", "Абрамов"]),
        ("load", ["Абрамов", "Ёлкин", "Петров"]),
        ("-load", ["Петров", "Ёлкин", "Абрамов"]),
        ("status", ["Абрамов", "Ёлкин", "Петров"]),
        ("entered_on", ["Петров", "Абрамов", "Ёлкин"]),
        ("-experience", ["Петров", "Ёлкин"]),
    ],
)
def test_sorting(logged_in, base, sort, expected):
    got = names(logged_in.get(LIST, {"sort": sort}))
    if "experience" in sort:
        got = [name for name in got if name in expected]
    assert got == expected


def test_export_takes_the_same_filters(logged_in, base):
    import io

    from openpyxl import load_workbook

    url = reverse("export", kwargs={"identifier": "mentor-base", "fmt": "xlsx"})
    response = logged_in.get(url, {"contour": "external"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows == [base["abramov"].participant.full_name]


# --- bulk status change -------------------------------------------------------------


def test_bulk_status_change_records_each_move(logged_in, curator, organisation):
    rows = [mentor(organisation, name) for name in ("Антонов", "Борисов")]
    back = f"{LIST}?status=ready"
    response = logged_in.post(
        reverse("people:mentor-bulk"),
        {"mentors": [row.pk for row in rows], "status": "archived", "next": back},
    )
    assert response.status_code == 302
    assert response.url == back
    assert set(MentorProfile.objects.values_list("status", flat=True)) == {"archived"}
    assert (
        list(
            MentorStatusChange.objects.values_list(
                "status_from", "status_to", "changed_by"
            )
        )
        == [("ready", "archived", curator.pk)] * 2
    )


def test_bulk_without_rows_or_to_elsewhere(logged_in, organisation):
    row = mentor(organisation, "Антонов")
    response = logged_in.post(
        reverse("people:mentor-bulk"), {"status": "archived", "next": "https://x.io/"}
    )
    assert response.url == LIST
    response = logged_in.post(
        reverse("people:mentor-bulk"),
        {"mentors": [row.pk], "status": "archived", "next": "https://x.io/"},
    )
    assert response.url == LIST
    assert logged_in.get(reverse("people:mentor-bulk")).status_code == 405


# --- the card: selection path, status moves, training, pairs ------------------------


def test_card_shows_path_history_trainings_and_pairs(
    logged_in, curator, organisation, programme
):
    lead = mentor(organisation, "Петров", status=MentorProfile.Status.INTERVIEW)
    MentorStatusChange.objects.create(
        mentor=lead,
        status_from="questionnaire",
        status_to="interview",
        changed_by=curator,
        comment="Анкета принята",
    )
    MentorTraining.objects.create(
        mentor=lead, title="Школа наставника", completed_on=TODAY, hours=36
    )
    led = open_pair(programme, lead, mentees=2)
    other = mentor(organisation, "Сидоров")
    co_led = open_pair(programme, other, mentees=1, co_mentor=lead)
    response = logged_in.get(reverse("people:mentor-detail", args=[lead.pk]))
    assert response.status_code == 200
    states = [step["state"] for step in response.context["steps"]]
    assert states == ["done", "done", "current", "ahead", "ahead", "ahead", "ahead"]
    assert {(pair, second) for pair, second in response.context["pairs"]} == {
        (led, False),
        (co_led, True),
    }
    counts = {pair.pk: pair.mentees_now for pair, _ in response.context["pairs"]}
    assert counts == {led.pk: 2, co_led.pk: 1}
    choices = [
        value for value, _ in response.context["status_form"]["status"].field.choices
    ]
    assert "interview" not in choices
    body = response.content.decode()
    for text in (
        "Анкета принята",
        "Школа наставника",
        reverse("pairs:detail", args=[led.pk]),
        reverse("pairs:detail", args=[co_led.pk]),
        reverse("matching:for-mentor", args=[lead.pk]),
        f"{reverse('pairs:create')}?mentor={lead.pk}",
    ):
        assert text in body, text


def test_moving_the_status_records_it(logged_in, curator, organisation):
    row = mentor(organisation, "Петров", status=MentorProfile.Status.INTERVIEW)
    response = logged_in.post(
        reverse("people:mentor-status", args=[row.pk]),
        {"status": "trained", "comment": "Курс 36 ч"},
    )
    assert response.status_code == 302
    assert response.url == reverse("people:mentor-detail", args=[row.pk])
    row.refresh_from_db()
    assert row.status == "trained"
    change = row.status_changes.get()
    assert (change.status_from, change.changed_by, change.comment) == (
        "interview",
        curator,
        "Курс 36 ч",
    )


@pytest.mark.parametrize("status", ["interview", "nonsense", ""])
def test_a_no_op_or_unknown_move_is_refused(logged_in, organisation, status):
    row = mentor(organisation, "Петров", status=MentorProfile.Status.INTERVIEW)
    response = logged_in.post(
        reverse("people:mentor-status", args=[row.pk]), {"status": status}
    )
    assert response.status_code == 200
    assert "status" in response.context["status_form"].errors
    row.refresh_from_db()
    assert row.status == "interview"
    assert not MentorStatusChange.objects.exists()


def test_adding_a_training(logged_in, organisation):
    row = mentor(organisation, "Петров")
    response = logged_in.post(
        reverse("people:mentor-training", args=[row.pk]),
        {
            "title": "Школа наставника",
            "provider": "ИРО",
            "completed_on": (TODAY - timedelta(days=3)).isoformat(),
            "hours": "36",
            "document": "№ 12-345",
        },
    )
    assert response.status_code == 302
    training = row.trainings.get()
    assert (training.title, training.hours, training.document) == (
        "Школа наставника",
        36,
        "№ 12-345",
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"completed_on": (TODAY + timedelta(days=1)).isoformat()}, "completed_on"),
        ({"completed_on": ""}, "completed_on"),
        ({"title": ""}, "title"),
        ({"hours": "0"}, "hours"),
    ],
)
def test_a_wrong_training_is_refused_and_kept_in_the_form(
    logged_in, organisation, data, field
):
    row = mentor(organisation, "Петров")
    payload = {"title": "Курс", "completed_on": TODAY.isoformat(), "hours": "8"} | data
    response = logged_in.post(reverse("people:mentor-training", args=[row.pk]), payload)
    assert response.status_code == 200
    assert field in response.context["training_form"].errors
    assert not MentorTraining.objects.exists()


def test_the_training_form_defaults_to_today(logged_in, one):
    response = logged_in.get(reverse("people:mentor-detail", args=[one.pk]))
    assert response.context["training_form"].initial["completed_on"] == TODAY


# --- create and edit ------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "kind": "teacher",
        "last_name": "Ёлкин",
        "first_name": "Семён",
        "position": "учитель истории",
        "experience_years": "12",
        "subjects": "История, обществознание",
        "category": category("teacher").pk,
        "status": "candidate",
        "capacity": "2",
        "desired_age_min": "12",
        "desired_age_max": "15",
        "entered_on": TODAY.isoformat(),
    }
    data.update(overrides)
    return data


def test_create_saves_and_starts_the_history(logged_in, curator, organisation):
    response = logged_in.post(reverse("people:mentor-create"), form_data())
    created = MentorProfile.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("people:mentor-detail", args=[created.pk])
    assert created.participant.organisation == organisation
    assert created.participant.subjects == "История, обществознание"
    assert created.status_changes.get().changed_by == curator


def test_create_page_defaults(logged_in):
    response = logged_in.get(reverse("people:mentor-create"))
    assert response.context["profile_form"].initial["entered_on"] == TODAY
    assert response.context["person_form"].initial["kind"] == "teacher"


@pytest.mark.parametrize(
    ("overrides", "form", "field"),
    [
        ({"desired_age_min": "16", "desired_age_max": "10"}, "profile_form", None),
        ({"capacity": "0"}, "profile_form", "capacity"),
        ({"capacity": "31"}, "profile_form", "capacity"),
        ({"experience_years": "70"}, "person_form", "experience_years"),
        ({"experience_years": "-2"}, "person_form", "experience_years"),
        ({"category": None}, "profile_form", "category"),
        ({"last_name": ""}, "person_form", "last_name"),
        (
            {"entered_on": (TODAY + timedelta(days=1)).isoformat()},
            "profile_form",
            "entered_on",
        ),
    ],
)
def test_create_errors_save_nothing(logged_in, overrides, form, field):
    if overrides.get("category", "") is None:
        overrides = {"category": category("employee").pk}
    response = logged_in.post(reverse("people:mentor-create"), form_data(**overrides))
    assert response.status_code == 200
    errors = response.context[form].errors
    assert (field or "desired_age_max") in errors
    assert not Participant.objects.exists()
    assert not MentorStatusChange.objects.exists()
    assert "учитель истории" in response.content.decode()


def test_edit_changes_data_but_not_the_status(logged_in, organisation):
    row = mentor(organisation, "Старый", status=MentorProfile.Status.INTERVIEW)
    response = logged_in.get(reverse("people:mentor-update", args=[row.pk]))
    assert "status" not in response.context["profile_form"].fields
    response = logged_in.post(
        reverse("people:mentor-update", args=[row.pk]),
        form_data(last_name="Новый", capacity="4", status="ready"),
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.participant.last_name, row.capacity, row.status) == (
        "Новый",
        4,
        "interview",
    )


def test_edit_with_an_error_changes_nothing(logged_in, organisation):
    row = mentor(organisation, "Старый", capacity=2)
    response = logged_in.post(
        reverse("people:mentor-update", args=[row.pk]),
        form_data(last_name="Новый", capacity="40"),
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert (row.participant.last_name, row.capacity) == ("Старый", 2)


# --- query budget ---------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_list_queries_do_not_grow_with_rows(
    logged_in, organisation, programme, count, django_assert_max_num_queries
):
    for number in range(count):
        lead = mentor(organisation, f"Наставник{number:02d}", capacity=3)
        open_pair(programme, lead, mentees=2)
    with django_assert_max_num_queries(9):
        response = logged_in.get(LIST, {"free": "yes", "sort": "-load", "q": "наст"})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == count
