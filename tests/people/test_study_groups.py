"""Classes and groups: the services (spelling, names taken, parallels, deleting) and
the curator's pages (access, validation, messages, the list's query budget)."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from people import services
from people.models import Membership, Role, StudyGroup
from tests import factories as f
from tests.conftest import member

# Personas are requested by name inside tests: pytest-django cannot see that they
# need the database, so mark it here (keeps these tests before the browser tests).
pytestmark = pytest.mark.django_db

LIST = reverse("groups:list")
CREATE = reverse("groups:create")
PARALLEL = reverse("groups:create-parallel")


def names(organisation) -> list[str]:
    return list(
        StudyGroup.objects.filter(organisation=organisation)
        .order_by("grade", "name")
        .values_list("name", flat=True)
    )


def group(organisation, name, grade):
    return StudyGroup.objects.create(organisation=organisation, name=name, grade=grade)


def pupil(group, **kwargs):
    return f.ParticipantFactory(
        organisation=group.organisation, study_group=group, **kwargs
    )


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def messages_of(error: ValidationError, field: str) -> list[str]:
    return error.message_dict[field]


# --- create_study_groups ---------------------------------------------------------


def test_names_are_spelled_the_portal_way(organisation):
    created = services.create_study_groups(
        organisation,
        [("5«В»", 5), ("5-г", 5), ("  10  а ", 10), ("ТМ-21", 2), ('5 "д"', 5)],
    )
    assert [g.name for g in created] == ["5В", "5Г", "10А", "ТМ-21", "5Д"]
    assert [g.grade for g in created] == [5, 5, 10, 2, 5]
    assert names(organisation) == ["ТМ-21", "5В", "5Г", "5Д", "10А"]
    assert all(g.pk for g in created)


def test_names_the_organisation_has_are_skipped(organisation, other_organisation):
    fifth = group(organisation, "5В", 5)
    group(organisation, "ТМ-21", 2)
    group(other_organisation, "5Д", 5)  # another school's 5Д takes nothing
    created = services.create_study_groups(
        organisation, [("5 «в»", 5), ("тм-21", 2), ("5Д", 5), ("5д", 5)]
    )
    assert [g.name for g in created] == ["5Д"]
    assert names(organisation) == ["ТМ-21", "5В", "5Д"]
    fifth.refresh_from_db()
    assert (fifth.name, fifth.grade) == ("5В", 5)
    # The same list again changes nothing.
    assert services.create_study_groups(organisation, [("5Д", 5)]) == []


@pytest.mark.parametrize("grade", [0, 12, -1, None])
def test_a_grade_outside_1_to_11_is_refused_and_nothing_is_created(organisation, grade):
    with pytest.raises(ValidationError) as caught:
        services.create_study_groups(organisation, [("5А", 5), ("ТМ-21", grade)])
    (message,) = messages_of(caught.value, "grade")
    assert "от 1 до 11" in message
    assert names(organisation) == []


def test_the_grade_of_a_school_class_must_match_its_name(organisation):
    with pytest.raises(ValidationError) as caught:
        services.create_study_groups(organisation, [("5А", 7)])
    assert messages_of(caught.value, "grade") == ["«5А» — это 5-й класс, а не 7-й."]
    assert names(organisation) == []


@pytest.mark.parametrize(
    "name, expected",
    [
        ("   ", "Напишите название класса или группы."),
        ("Г" * 31, f"«{'Г' * 31}» длиннее 30 символов."),
    ],
)
def test_an_empty_or_long_name_is_refused(organisation, name, expected):
    with pytest.raises(ValidationError) as caught:
        services.create_study_groups(organisation, [(name, 2)])
    assert messages_of(caught.value, "name") == [expected]
    assert names(organisation) == []


# --- create_parallel ---------------------------------------------------------------


@pytest.mark.parametrize(
    "letters",
    ["АБВГ", "абвг", "А-Г", "А–Г", "а — г", "А, Б, В, Г", "А,Б В;Г", "АБ, А-Г"],
)
def test_a_parallel_from_letters_a_list_or_a_range(organisation, letters):
    created = services.create_parallel(organisation, 5, letters)
    assert [g.name for g in created] == ["5А", "5Б", "5В", "5Г"]
    assert {g.grade for g in created} == {5}


@pytest.mark.parametrize(
    "letters, expected",
    [
        # Ё and Й are skipped inside a range…
        ("Д-К", ["Д", "Е", "Ж", "З", "И", "К"]),
        # …and so are Ъ, Ы and Ь.
        ("Ш–Я", ["Ш", "Щ", "Э", "Ю", "Я"]),
        ("А-В, Д", ["А", "Б", "В", "Д"]),
        # A letter named on its own is taken as it is.
        ("Ё", ["Ё"]),
    ],
)
def test_a_range_runs_through_the_russian_alphabet(organisation, letters, expected):
    created = services.create_parallel(organisation, 7, letters)
    assert [g.name for g in created] == [f"7{letter}" for letter in expected]


def test_a_parallel_skips_the_classes_that_exist(organisation):
    group(organisation, "5Б", 5)
    created = services.create_parallel(organisation, 5, "А–Г")
    assert [g.name for g in created] == ["5А", "5В", "5Г"]
    assert names(organisation) == ["5А", "5Б", "5В", "5Г"]


@pytest.mark.parametrize(
    "letters, fragment",
    [
        ("", "Напишите буквы классов"),
        (" , ", "Напишите буквы классов"),
        ("5А", "«5А»: напишите русские буквы"),
        ("ABC", "«ABC»: напишите русские буквы"),
        ("А-Б-В", "«А-Б-В»: напишите русские буквы"),
        ("Г-А", "«Г–А»: диапазон идёт от более ранней буквы"),
        ("А-Й", "«А–Й»: диапазон"),
    ],
)
def test_letters_that_are_not_a_parallel_are_refused(organisation, letters, fragment):
    with pytest.raises(ValidationError) as caught:
        services.create_parallel(organisation, 5, letters)
    (message,) = messages_of(caught.value, "letters")
    assert fragment in message
    assert names(organisation) == []


def test_a_parallel_of_a_grade_outside_1_to_11_is_refused(organisation):
    with pytest.raises(ValidationError) as caught:
        services.create_parallel(organisation, 12, "АБ")
    assert messages_of(caught.value, "grade") == [
        "Класс или курс — от 1 до 11, а не 12."
    ]
    assert names(organisation) == []


# --- rename_study_group, delete_study_group -----------------------------------------


def test_rename_spells_the_name_and_changes_the_grade(organisation):
    fifth = group(organisation, "5А", 5)
    services.rename_study_group(study_group=fifth, name="6 «а»", grade=6)
    fifth.refresh_from_db()
    assert (fifth.name, fifth.grade) == ("6А", 6)


def test_rename_to_a_name_taken_in_another_spelling_is_refused(organisation):
    fifth = group(organisation, "5А", 5)
    group(organisation, "ТМ-21", 2)
    with pytest.raises(ValidationError) as caught:
        services.rename_study_group(study_group=fifth, name="тм-21", grade=2)
    assert messages_of(caught.value, "name") == ["В организации уже есть «тм-21»."]
    fifth.refresh_from_db()
    assert (fifth.name, fifth.grade) == ("5А", 5)


def test_rename_keeps_the_grade_in_range(organisation):
    fifth = group(organisation, "5А", 5)
    with pytest.raises(ValidationError):
        services.rename_study_group(study_group=fifth, name="5А", grade=0)
    fifth.refresh_from_db()
    assert fifth.grade == 5


def test_deleting_an_empty_class_unlinks_its_class_teacher(organisation):
    seventh = group(organisation, "7Б", 7)
    teacher = member(organisation, Role.CLASS_TEACHER, "teacher", study_group=seventh)
    services.delete_study_group(study_group=seventh)
    assert names(organisation) == []
    assert Membership.objects.get(user=teacher).study_group is None


@pytest.mark.parametrize(
    "count, words",
    [
        (1, "числится 1 участник."),
        (2, "числятся 2 участника."),
        (5, "числятся 5 участников."),
        (21, "числится 21 участник."),
    ],
)
def test_deleting_a_class_with_participants_is_refused(organisation, count, words):
    seventh = group(organisation, "7Б", 7)
    for _ in range(count):
        pupil(seventh)
    with pytest.raises(ValidationError) as caught:
        services.delete_study_group(study_group=seventh)
    (message,) = caught.value.messages
    assert message.startswith(f"«7Б» нельзя удалить: здесь ещё {words}")
    assert names(organisation) == ["7Б"]
    assert seventh.participants.count() == count


def test_a_participant_who_left_still_keeps_the_class(organisation):
    seventh = group(organisation, "7Б", 7)
    pupil(seventh, left_on=date(2024, 6, 1))
    with pytest.raises(ValidationError):
        services.delete_study_group(study_group=seventh)
    assert names(organisation) == ["7Б"]


# --- pages: access ------------------------------------------------------------------


@pytest.fixture
def seventh(organisation):
    return group(organisation, "7Б", 7)


def pages(seventh) -> list[str]:
    return [
        LIST,
        CREATE,
        PARALLEL,
        reverse("groups:update", args=[seventh.pk]),
        reverse("groups:delete", args=[seventh.pk]),
    ]


@pytest.fixture
def logged_in(client, curator):
    client.force_login(curator)
    return client


@pytest.mark.parametrize("persona", ["curator", "head"])
def test_managers_open_every_page(client, request, seventh, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in pages(seventh):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["mentor", "mentee", "social_pedagogue"])
def test_others_of_the_organisation_are_refused(client, request, seventh, persona):
    client.force_login(request.getfixturevalue(persona))
    for url in pages(seventh):
        assert client.get(url).status_code == 403, url
    posts = [
        (CREATE, {"name": "8А", "grade": ""}),
        (PARALLEL, {"grade": "9", "letters": "АБ"}),
        (reverse("groups:update", args=[seventh.pk]), {"name": "8Б", "grade": "8"}),
        (reverse("groups:delete", args=[seventh.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert names(seventh.organisation) == ["7Б"]


def test_the_anonymous_user_is_sent_to_log_in(client, seventh):
    for url in pages(seventh):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_another_organisations_curator_gets_404_for_our_class(
    client, outsider, seventh, other_organisation
):
    client.force_login(outsider)
    group(other_organisation, "1А", 1)
    response = client.get(LIST)
    assert response.status_code == 200
    assert [g.name for g in response.context["groups"]] == ["1А"]
    update = reverse("groups:update", args=[seventh.pk])
    delete = reverse("groups:delete", args=[seventh.pk])
    assert client.get(update).status_code == 404
    assert client.get(delete).status_code == 404
    assert client.post(update, {"name": "8Б", "grade": "8"}).status_code == 404
    assert client.post(delete).status_code == 404
    seventh.refresh_from_db()
    assert (seventh.name, seventh.grade) == ("7Б", 7)
    # What the outsider adds goes to their own organisation.
    client.post(CREATE, {"name": "7Б", "grade": ""})
    assert names(other_organisation) == ["1А", "7Б"]
    assert names(seventh.organisation) == ["7Б"]


def test_a_user_without_an_organisation_gets_404(client, db):
    client.force_login(f.UserFactory())
    assert client.get(LIST).status_code == 404


# --- pages: the list ------------------------------------------------------------------


@pytest.fixture
def school(organisation, other_organisation):
    groups = {
        name: group(organisation, name, grade)
        for name, grade in [("10А", 10), ("5Б", 5), ("5А", 5), ("ТМ-21", 2)]
    }
    pupil(groups["5А"])
    pupil(groups["5А"])
    pupil(groups["5А"], left_on=date(2024, 6, 1))  # left: not counted
    pupil(groups["10А"])
    group(other_organisation, "5В", 5)
    return groups


def rows(response) -> list[tuple[str, int, int]]:
    return [(g.name, g.grade, g.pupils) for g in response.context["groups"]]


def test_the_list_orders_by_grade_then_name_with_the_pupils(logged_in, school):
    response = logged_in.get(LIST)
    assert rows(response) == [
        ("ТМ-21", 2, 0),
        ("5А", 5, 2),
        ("5Б", 5, 0),
        ("10А", 10, 1),
    ]
    html = response.content.decode()
    assert "Классы и группы" in html
    assert reverse("groups:update", args=[school["5А"].pk]) in html
    assert reverse("groups:delete", args=[school["5А"].pk]) in html
    assert 'for="group-name"' in html and 'id="group-name"' in html
    assert 'for="parallel-letters"' in html and 'id="parallel-letters"' in html


@pytest.mark.parametrize(
    "query, expected",
    [("5-а", ["5А"]), ("5", ["5А", "5Б"]), ("тм", ["ТМ-21"]), ("11", [])],
)
def test_search(logged_in, school, query, expected):
    response = logged_in.get(LIST, {"q": query})
    assert [name for name, _grade, _pupils in rows(response)] == expected


def test_empty_states(logged_in, school):
    response = logged_in.get(LIST, {"q": "9Я"})
    assert "Нет классов и групп по запросу «9Я»." in response.content.decode()
    empty = f.OrganisationFactory()
    logged_in.force_login(member(empty, Role.CURATOR, "newcomer"))
    response = logged_in.get(LIST)
    assert rows(response) == []
    assert "Классов и групп пока нет." in response.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_list_queries_do_not_grow_with_rows(
    logged_in, organisation, count, django_assert_max_num_queries
):
    for index in range(count):
        pupil(group(organisation, f"Группа {index}", 1 + index % 11))
    with django_assert_max_num_queries(6):
        response = logged_in.get(LIST, {"q": "групп"})
    assert len(response.context["groups"]) == count


def test_the_mentee_base_links_to_the_classes(logged_in):
    html = logged_in.get(reverse("people:mentee-list")).content.decode()
    assert f'href="{LIST}"' in html
    assert "Классы и группы" in html


# --- pages: adding, editing, deleting ---------------------------------------------


def test_adding_a_class_takes_the_grade_from_its_name(logged_in, organisation):
    response = logged_in.post(CREATE, {"name": "5 «в»", "grade": ""})
    assert response.status_code == 302
    assert response["Location"] == LIST
    assert StudyGroup.objects.get(organisation=organisation).grade == 5
    assert names(organisation) == ["5В"]
    assert texts(response) == ["Добавлено: 5В."]


def test_adding_a_group_without_a_grade_in_its_name_needs_the_grade(
    logged_in, organisation
):
    response = logged_in.post(CREATE, {"name": "ТМ-21", "grade": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["grade"] == [
        "Название не начинается с номера класса: укажите класс или курс."
    ]
    assert names(organisation) == []
    response = logged_in.post(CREATE, {"name": "ТМ-21", "grade": "2"})
    assert response.status_code == 302
    assert names(organisation) == ["ТМ-21"]


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": "ТМ-21", "grade": "12"}, "grade"),
        ({"name": "5А", "grade": "6"}, "grade"),
        ({"name": "5А", "grade": "пять"}, "grade"),
        ({"name": "", "grade": "5"}, "name"),
    ],
)
def test_adding_with_an_error_changes_nothing(logged_in, organisation, data, field):
    response = logged_in.post(CREATE, data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert "Nothing is saved yet" not in response.content.decode()
    assert (
        "Ничего не сохранено: исправьте отмеченные поля." in response.content.decode()
    )
    assert names(organisation) == []


def test_adding_a_class_that_exists_says_so(logged_in, organisation, seventh):
    response = logged_in.post(CREATE, {"name": "7-б", "grade": ""})
    assert response.status_code == 302
    assert texts(response) == ["В организации уже есть «7Б»."]
    assert names(organisation) == ["7Б"]


@pytest.mark.parametrize(
    "letters, message",
    [
        ("А", "Создан 1 класс: 5А."),
        ("А–Г", "Создано 4 класса: 5А, 5Б, 5В, 5Г."),
        ("А-Е", "Создано 5 классов: 5А, 5Б, 5В, 5Г, 5Д."),
    ],
)
def test_adding_a_parallel(logged_in, organisation, letters, message):
    # 5Е exists: «А-Е» creates the five before it and leaves 5Е alone.
    group(organisation, "5Е", 5)
    response = logged_in.post(PARALLEL, {"grade": "5", "letters": letters})
    assert response.status_code == 302
    assert response["Location"] == LIST
    said = texts(response)
    assert said[0] == message
    if letters == "А-Е":
        assert said[1] == "Уже были, оставлены как есть: 5Е."
    else:
        assert len(said) == 1


def test_a_parallel_that_exists_creates_nothing(logged_in, organisation):
    services.create_parallel(organisation, 5, "АБ")
    response = logged_in.post(PARALLEL, {"grade": "5", "letters": "А, Б"})
    assert response.status_code == 302
    assert texts(response) == ["Уже были, оставлены как есть: 5А, 5Б."]
    assert names(organisation) == ["5А", "5Б"]


@pytest.mark.parametrize(
    "data, field",
    [
        ({"grade": "5", "letters": "Г-А"}, "letters"),
        ({"grade": "5", "letters": "ABC"}, "letters"),
        ({"grade": "0", "letters": "АБ"}, "grade"),
        ({"grade": "", "letters": "АБ"}, "grade"),
    ],
)
def test_a_parallel_with_an_error_changes_nothing(logged_in, organisation, data, field):
    response = logged_in.post(PARALLEL, data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert names(organisation) == []


def test_editing_a_class(logged_in, seventh):
    url = reverse("groups:update", args=[seventh.pk])
    response = logged_in.get(url)
    assert response.context["form"].initial == {"name": "7Б", "grade": 7}
    response = logged_in.post(url, {"name": "8-б", "grade": ""})
    assert response.status_code == 302
    assert texts(response) == ["Изменения сохранены."]
    seventh.refresh_from_db()
    assert (seventh.name, seventh.grade) == ("8Б", 8)


def test_editing_with_an_error_changes_nothing(logged_in, organisation, seventh):
    group(organisation, "8Б", 8)
    url = reverse("groups:update", args=[seventh.pk])
    response = logged_in.post(url, {"name": "8 б", "grade": "8"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["В организации уже есть «8Б»."]
    seventh.refresh_from_db()
    assert (seventh.name, seventh.grade) == ("7Б", 7)


def test_delete_asks_first_then_deletes_on_post(logged_in, organisation, seventh):
    member(organisation, Role.CLASS_TEACHER, "teacher", study_group=seventh)
    url = reverse("groups:delete", args=[seventh.pk])
    response = logged_in.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'method="post"' in html and "btn-danger" in html
    assert "Классный руководитель останется без класса" in html
    assert names(organisation) == ["7Б"]  # a GET deletes nothing
    response = logged_in.post(url)
    assert response.status_code == 302
    assert texts(response) == ["Удалено: 7Б."]
    assert names(organisation) == []


def test_delete_of_a_class_with_pupils_is_refused(logged_in, organisation, seventh):
    pupil(seventh)
    pupil(seventh)
    url = reverse("groups:delete", args=[seventh.pk])
    response = logged_in.get(url)
    html = response.content.decode()
    assert "«7Б» нельзя удалить: здесь ещё числятся 2 участника." in html
    assert "btn-danger" not in html  # nothing to confirm
    response = logged_in.post(url)
    assert response.status_code == 302
    assert texts(response) == [
        "«7Б» нельзя удалить: здесь ещё числятся 2 участника. Сначала переведите "
        "участников в другой класс или группу."
    ]
    assert names(organisation) == ["7Б"]
