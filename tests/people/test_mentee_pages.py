"""The mentee base pages: access, filters, search, sorting, bulk actions, the card
and the create/edit page."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from mentoring.models import MenteeCategory, MentoringForm, RequestArea, SchoolYear
from monitoring.models import Measurement, Parameter
from people.models import Consent, MenteeProfile, MenteeRequest, Participant
from tests import factories as f

TODAY = timezone.localdate()
LIST = reverse("people:mentee-list")


# Personas are requested by name inside tests: pytest-django cannot see that they
# need the database, so mark it here (keeps these tests before the browser tests).
pytestmark = pytest.mark.django_db


def years_ago(years: int) -> date:
    """A birth date `years` full years back (the 28th on a 29 February)."""
    return date(TODAY.year - years, TODAY.month, min(TODAY.day, 28))


def names(response) -> list[str]:
    return [mentee.participant.last_name for mentee in response.context["mentees"]]


def mentee(organisation, last_name, **kwargs):
    participant = {
        key[len("participant__") :]: kwargs.pop(key)
        for key in list(kwargs)
        if key.startswith("participant__")
    }
    # Fixed names: a random patronymic such as «Петровна» would match the searches.
    participant.setdefault("first_name", "Мария")
    participant.setdefault("middle_name", "")
    return f.MenteeFactory(
        participant__organisation=organisation,
        participant__last_name=last_name,
        **{f"participant__{key}": value for key, value in participant.items()},
        **kwargs,
    )


# --- access ---------------------------------------------------------------------


@pytest.fixture
def one(organisation):
    return mentee(organisation, "Иванова")


def pages(one):
    return [
        reverse("people:mentee-list"),
        reverse("people:mentee-create"),
        reverse("people:mentee-detail", args=[one.pk]),
        reverse("people:mentee-update", args=[one.pk]),
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
    response = client.post(
        reverse("people:mentee-bulk"),
        {"mentees": [one.pk], "action": "status", "status": "left"},
    )
    assert response.status_code == 403


def test_outsider_sees_only_their_own_base_and_404_for_ours(client, outsider, one):
    """The outsider curates another organisation: their list is their own (empty)
    base, and the rows of our organisation do not exist for them."""
    client.force_login(outsider)
    response = client.get(LIST)
    assert response.status_code == 200
    assert names(response) == []
    for url in pages(one)[2:]:
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("people:mentee-bulk"),
        {"mentees": [one.pk], "action": "status", "status": "left"},
    )
    assert response.status_code == 302
    one.refresh_from_db()
    assert one.status == MenteeProfile.Status.WAITING


def test_user_without_organisation_gets_404(client, db, one):
    client.force_login(f.UserFactory())
    assert client.get(LIST).status_code == 404


# --- search, filters, sorting --------------------------------------------------


@pytest.fixture
def base(organisation, other_organisation, programme):
    """Five mentees of our organisation with different attributes, one elsewhere."""
    group_7 = f.StudyGroupFactory(organisation=organisation, name="7Б", grade=7)
    group_9 = f.StudyGroupFactory(organisation=organisation, name="9А", grade=9)
    gifted = MenteeCategory.objects.get(code="gifted")
    newcomer = MenteeCategory.objects.get(code="newcomer")
    pp = MentoringForm.objects.get(code="pupil-pupil")
    tt = MentoringForm.objects.get(code="teacher-teacher")
    study = RequestArea.objects.get(code="study")
    sport = RequestArea.objects.get(code="sport")

    ivanova = mentee(
        organisation,
        "Иванова",
        participant__first_name="Мария",
        participant__study_group=group_7,
        participant__birth_date=years_ago(13),
        preferred_form=pp,
        programme=programme,
        entered_on=TODAY - timedelta(days=30),
    )
    ivanova.categories.add(gifted)
    MenteeRequest.objects.create(mentee=ivanova, area=study, text="Олимпиада", form=pp)
    MenteeRequest.objects.create(
        mentee=ivanova, area=sport, text="ГТО", status=MenteeRequest.Status.CLOSED
    )

    yolkina = mentee(
        organisation,
        "Ёлкина",
        participant__first_name="Алёна",
        participant__study_group=group_9,
        participant__birth_date=years_ago(15),
        status=MenteeProfile.Status.IN_PAIR,
        entered_on=TODAY - timedelta(days=10),
    )
    yolkina.categories.add(newcomer)
    MenteeRequest.objects.create(mentee=yolkina, area=sport, text="Секция")
    pair = f.PairFactory(programme=programme)
    f.PairMenteeFactory(pair=pair, mentee=yolkina)

    abramova = mentee(
        organisation,
        "Абрамова",
        participant__kind=Participant.Kind.TEACHER,
        participant__study_group=None,
        participant__position="учитель химии",
        participant__birth_date=years_ago(24),
        preferred_form=tt,
        status=MenteeProfile.Status.COMPLETED,
        entered_on=TODAY - timedelta(days=100),
    )
    Consent.objects.create(
        participant=abramova.participant,
        scope=Consent.Scope.PROCESSING,
        given_by="Абрамова",
        given_on=TODAY - timedelta(days=5),
    )
    # a pair that ended does not count as «in a pair»
    closed = f.PairFactory(
        programme=programme, status="completed", ended_on=TODAY - timedelta(days=1)
    )
    f.PairMenteeFactory(pair=closed, mentee=abramova)

    yakovleva = mentee(
        organisation,
        "Яковлева",
        participant__study_group=group_7,
        participant__birth_date=None,
        status=MenteeProfile.Status.LEFT,
        entered_on=TODAY - timedelta(days=1),
    )
    MenteeRequest.objects.create(mentee=yakovleva, area=study, text="Без формы")
    # a revoked consent is not valid
    Consent.objects.create(
        participant=yakovleva.participant,
        scope=Consent.Scope.PROCESSING,
        given_by="Яковлев",
        relation=Consent.Relation.FATHER,
        given_on=TODAY - timedelta(days=50),
        revoked_on=TODAY - timedelta(days=2),
    )

    mentee(other_organisation, "Иванова-Чужая")
    return {
        "group_7": group_7,
        "gifted": gifted,
        "pp": pp,
        "study": study,
        "sport": sport,
        "programme": programme,
        "yolkina": yolkina,
    }


@pytest.fixture
def logged_in(client, curator):
    client.force_login(curator)
    return client


def test_the_list_shows_the_organisations_mentees_with_their_details(logged_in, base):
    response = logged_in.get(LIST)
    assert names(response) == ["Абрамова", "Ёлкина", "Иванова", "Яковлева"]
    assert response.context["page_obj"].paginator.count == 4
    rows = {m.participant.last_name: m for m in response.context["mentees"]}
    assert [m.pair.mentor for m in rows["Ёлкина"].open_memberships] == [
        base["yolkina"].pair_memberships.get().pair.mentor
    ]
    assert rows["Абрамова"].open_memberships == []
    assert [r.text for r in rows["Иванова"].open_requests] == ["Олимпиада"]
    assert rows["Абрамова"].has_consent and not rows["Яковлева"].has_consent
    counts = {
        item["value"]: item["count"] for item in response.context["status_counts"]
    }
    assert counts == {"waiting": 1, "in_pair": 1, "completed": 1, "left": 1}
    body = response.content.decode()
    assert reverse("people:mentee-detail", args=[rows["Ёлкина"].pk]) in body
    assert rows["Ёлкина"].open_memberships[0].pair.mentor.participant.short_name in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("иванова", ["Иванова"]),
        ("ИВАНОВА мария", ["Иванова"]),
        ("ёлкина", ["Ёлкина"]),
        ("елкина алена", ["Ёлкина"]),
        ("ова", ["Абрамова", "Иванова"]),
        ("нет такой", []),
    ],
)
def test_cyrillic_search(logged_in, base, query, expected):
    assert names(logged_in.get(LIST, {"q": query})) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"group": "group_7"}, ["Иванова", "Яковлева"]),
        ({"category": "gifted"}, ["Иванова"]),
        ({"preferred_form": "pp"}, ["Иванова"]),
        ({"status": "in_pair"}, ["Ёлкина"]),
        ({"pair": "yes"}, ["Ёлкина"]),
        ({"pair": "no"}, ["Абрамова", "Иванова", "Яковлева"]),
        ({"consent": "missing"}, ["Ёлкина", "Иванова", "Яковлева"]),
        ({"programme": "programme"}, ["Иванова"]),
        ({"area": "study"}, ["Иванова", "Яковлева"]),
        ({"area": "sport"}, ["Ёлкина", "Иванова"]),
        ({"request_form": "pp"}, ["Иванова"]),
        ({"request_form": "none"}, ["Ёлкина", "Иванова", "Яковлева"]),
        ({"request_status": "closed"}, ["Иванова"]),
        # the request filters apply to one and the same request
        ({"area": "sport", "request_status": "open"}, ["Ёлкина"]),
        ({"area": "study", "request_status": "closed"}, []),
        ({"area": "study", "request_form": "none"}, ["Яковлева"]),
        ({"group": "group_7", "status": "waiting"}, ["Иванова"]),
        # junk in the URL is ignored, not an error
        ({"group": "abc", "status": "nonsense", "pair": "maybe"}, None),
    ],
)
def test_each_filter_narrows_the_list(logged_in, base, params, expected):
    values = {
        key: str(getattr(base.get(value), "pk", value)) for key, value in params.items()
    }
    response = logged_in.get(LIST, values)
    assert response.status_code == 200
    if expected is None:
        expected = ["Абрамова", "Ёлкина", "Иванова", "Яковлева"]
    assert names(response) == expected


def test_status_counts_ignore_the_status_filter_but_keep_the_others(logged_in, base):
    response = logged_in.get(
        LIST, {"status": "waiting", "group": str(base["group_7"].pk)}
    )
    counts = {
        item["value"]: item["count"] for item in response.context["status_counts"]
    }
    assert counts == {"waiting": 1, "in_pair": 0, "completed": 0, "left": 1}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Абрамова", "Ёлкина", "Иванова", "Яковлева"]),
        ("-name", ["Яковлева", "Иванова", "Ёлкина", "Абрамова"]),
        # without a birth date: last either way
        ("age", ["Иванова", "Ёлкина", "Абрамова", "Яковлева"]),
        ("-age", ["Абрамова", "Ёлкина", "Иванова", "Яковлева"]),
        ("status", ["Иванова", "Ёлкина", "Абрамова", "Яковлева"]),
        ("entered_on", ["Абрамова", "Иванова", "Ёлкина", "Яковлева"]),
        ("-entered_on", ["Яковлева", "Ёлкина", "Иванова", "Абрамова"]),
        ("group", ["Иванова", "Яковлева", "Ёлкина"]),
        ("bogus", ["Абрамова", "Ёлкина", "Иванова", "Яковлева"]),
    ],
)
def test_sorting(logged_in, base, sort, expected):
    got = names(logged_in.get(LIST, {"sort": sort}))
    if sort.lstrip("-") == "group":
        # rows without a class go to one end; compare the others
        got = [name for name in got if name in expected]
    assert got == expected


def test_pagination_keeps_the_filters(logged_in, organisation):
    for number in range(30):
        mentee(organisation, f"Петрова{number:02d}")
    response = logged_in.get(LIST, {"q": "петрова", "page": "2"})
    assert len(response.context["mentees"]) == 5
    assert (
        "q=%D0%BF%D0%B5%D1%82%D1%80%D0%BE%D0%B2%D0%B0"
        in response.context["querystring"]
    )
    assert "page" not in response.context["querystring"]


def test_empty_base_shows_the_empty_state(logged_in, db):
    response = logged_in.get(LIST)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0
    assert "empty-state" in response.content.decode()


def test_export_takes_the_same_filters(logged_in, base):
    url = reverse("export", kwargs={"identifier": "mentee-base", "fmt": "xlsx"})
    response = logged_in.get(url, {"status": "in_pair"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert rows == [base["yolkina"].participant.full_name]


# --- bulk actions ------------------------------------------------------------------


def test_bulk_status_change_returns_to_the_filtered_list(logged_in, organisation):
    rows = [mentee(organisation, name) for name in ("Антонова", "Борисова")]
    untouched = mentee(organisation, "Власова")
    back = f"{LIST}?status=waiting&sort=-name"
    response = logged_in.post(
        reverse("people:mentee-bulk"),
        {
            "mentees": [row.pk for row in rows],
            "action": "status",
            "status": "left",
            "next": back,
        },
    )
    assert response.status_code == 302
    assert response.url == back
    assert set(
        MenteeProfile.objects.filter(status="left").values_list("pk", flat=True)
    ) == {row.pk for row in rows}
    untouched.refresh_from_db()
    assert untouched.status == "waiting"
    messages = [str(m) for m in logged_in.get(back).context["messages"]]
    assert len(messages) == 1
    assert "2" in messages[0]


def test_bulk_assign_programme(logged_in, organisation, programme):
    rows = [mentee(organisation, name) for name in ("Антонова", "Борисова")]
    response = logged_in.post(
        reverse("people:mentee-bulk"),
        {
            "mentees": [row.pk for row in rows],
            "action": "programme",
            "programme": programme.pk,
        },
    )
    assert response.status_code == 302
    assert response.url == LIST
    assert MenteeProfile.objects.filter(programme=programme).count() == 2


@pytest.mark.parametrize(
    ("choose", "data"),
    [
        (False, {"action": "status", "status": "left"}),  # nothing chosen
        (True, {"action": "status"}),  # no status
        (True, {"action": "programme"}),  # no programme
        (True, {"action": "delete-everything", "status": "left"}),
    ],
)
def test_bulk_refuses_incomplete_requests(logged_in, organisation, choose, data):
    row = mentee(organisation, "Антонова")
    if choose:
        data = {"mentees": [row.pk], **data}
    response = logged_in.post(reverse("people:mentee-bulk"), data)
    assert response.status_code == 302
    assert [m.level_tag for m in logged_in.get(LIST).context["messages"]] == ["error"]
    row.refresh_from_db()
    assert row.status == "waiting" and row.programme is None


def test_bulk_refuses_a_programme_of_another_organisation(
    logged_in, organisation, other_organisation
):
    row = mentee(organisation, "Антонова")
    foreign = f.ProgrammeFactory(organisation=other_organisation)
    logged_in.post(
        reverse("people:mentee-bulk"),
        {"mentees": [row.pk], "action": "programme", "programme": foreign.pk},
    )
    row.refresh_from_db()
    assert row.programme is None


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_bulk_does_not_redirect_elsewhere(logged_in, organisation, target):
    row = mentee(organisation, "Антонова")
    response = logged_in.post(
        reverse("people:mentee-bulk"),
        {"mentees": [row.pk], "action": "status", "status": "left", "next": target},
    )
    assert response.url == LIST


def test_bulk_accepts_only_post(logged_in):
    assert logged_in.get(reverse("people:mentee-bulk")).status_code == 405


# --- the card ----------------------------------------------------------------------


def test_card_shows_requests_consents_pairs_and_measurements(
    logged_in, organisation, programme
):
    row = mentee(organisation, "Иванова", participant__representative_name="Иванов П.")
    MenteeRequest.objects.create(
        mentee=row, area=RequestArea.objects.get(code="study"), text="Олимпиада"
    )
    Consent.objects.create(
        participant=row.participant,
        scope=Consent.Scope.PROCESSING,
        given_by="Иванов П.",
        relation=Consent.Relation.FATHER,
        given_on=TODAY - timedelta(days=3),
    )
    pair = f.PairFactory(programme=programme)
    f.PairMenteeFactory(pair=pair, mentee=row)
    Measurement.objects.create(
        participant=row.participant,
        pair=pair,
        parameter=Parameter.objects.get(code="grades"),
        moment=Measurement.Moment.ENTRY,
        value=Decimal("3.4"),
        measured_on=TODAY,
        school_year=SchoolYear.for_date(TODAY),
    )
    response = logged_in.get(reverse("people:mentee-detail", args=[row.pk]))
    assert response.status_code == 200
    assert response.context["has_consent"]
    assert [m.pair for m in response.context["memberships"]] == [pair]
    assert len(response.context["measurements"]) == 1
    body = response.content.decode()
    for text in (
        "Олимпиада",
        "Иванов П.",
        pair.mentor.participant.full_name,
        reverse("pairs:detail", args=[pair.pk]),
        "3,4",
        reverse("matching:for-mentee", args=[row.pk]),
        f"{reverse('pairs:create')}?mentee={row.pk}",
    ):
        assert text in body, text


# --- create and edit ---------------------------------------------------------------


def form_data(group, **overrides):
    data = {
        "kind": "pupil",
        "last_name": "Ёлкина",
        "first_name": "Алёна",
        "middle_name": "",
        "birth_date": years_ago(12).isoformat(),
        "study_group": group.pk,
        "representative_name": "Ёлкина Ирина",
        "representative_phone": "+7 900 111-22-33",
        "entered_on": TODAY.isoformat(),
        "status": "waiting",
        "categories": [MenteeCategory.objects.get(code="newcomer").pk],
        "requests-TOTAL_FORMS": "2",
        "requests-INITIAL_FORMS": "0",
        "requests-MIN_NUM_FORMS": "0",
        "requests-MAX_NUM_FORMS": "1000",
        "requests-0-area": RequestArea.objects.get(code="adaptation").pk,
        "requests-0-text": "Освоиться в новом классе",
        "requests-0-status": "open",
        "requests-1-status": "open",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def group(organisation):
    return f.StudyGroupFactory(organisation=organisation, name="5А", grade=5)


def test_create_page_defaults(logged_in, programme):
    response = logged_in.get(reverse("people:mentee-create"))
    profile_form = response.context["profile_form"]
    assert profile_form.initial["entered_on"] == TODAY
    # the organisation runs one current programme: it is preselected
    if programme.starts_on <= TODAY <= programme.ends_on:
        assert profile_form.initial["programme"] == programme.pk


def test_create_saves_everything_and_opens_the_card(logged_in, organisation, group):
    response = logged_in.post(reverse("people:mentee-create"), form_data(group))
    created = MenteeProfile.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("people:mentee-detail", args=[created.pk])
    assert created.participant.organisation == organisation
    assert created.participant.study_group == group
    assert list(created.requests.values_list("text", flat=True)) == [
        "Освоиться в новом классе"
    ]
    assert created.categories.get().code == "newcomer"


@pytest.mark.parametrize(
    ("overrides", "form", "field"),
    [
        ({"study_group": ""}, "person_form", "study_group"),
        (
            {"birth_date": (TODAY + timedelta(days=1)).isoformat()},
            "person_form",
            "birth_date",
        ),
        ({"birth_date": "1900-01-01"}, "person_form", "birth_date"),
        (
            {"entered_on": (TODAY + timedelta(days=2)).isoformat()},
            "profile_form",
            "entered_on",
        ),
        ({"kind": "parent"}, "person_form", "kind"),
        ({"last_name": ""}, "person_form", "last_name"),
    ],
)
def test_create_errors_save_nothing_and_keep_the_input(
    logged_in, group, overrides, form, field
):
    response = logged_in.post(
        reverse("people:mentee-create"), form_data(group, **overrides)
    )
    assert response.status_code == 200
    assert field in response.context[form].errors
    assert not Participant.objects.exists()
    assert not MenteeRequest.objects.exists()
    assert "Освоиться в новом классе" in response.content.decode()


def test_create_refuses_a_class_of_another_organisation(
    logged_in, group, other_organisation
):
    foreign = f.StudyGroupFactory(organisation=other_organisation, name="6В", grade=6)
    response = logged_in.post(
        reverse("people:mentee-create"), form_data(group, study_group=foreign.pk)
    )
    assert "study_group" in response.context["person_form"].errors
    assert not Participant.objects.exists()


def test_create_refuses_a_programme_of_another_organisation(
    logged_in, group, other_organisation
):
    foreign = f.ProgrammeFactory(organisation=other_organisation)
    response = logged_in.post(
        reverse("people:mentee-create"), form_data(group, programme=foreign.pk)
    )
    assert "programme" in response.context["profile_form"].errors
    assert not Participant.objects.exists()


def test_a_half_filled_request_row_saves_nothing(logged_in, group):
    response = logged_in.post(
        reverse("people:mentee-create"),
        form_data(group, **{"requests-1-text": "Без сферы"}),
    )
    assert response.status_code == 200
    assert response.context["formset"].total_error_count() == 1
    assert not Participant.objects.exists()


def test_edit_changes_data_and_requests(logged_in, organisation, group):
    row = mentee(organisation, "Старая", participant__study_group=group)
    old = MenteeRequest.objects.create(
        mentee=row, area=RequestArea.objects.get(code="study"), text="Старый запрос"
    )
    data = form_data(
        group,
        last_name="Новая",
        status="in_pair",
        **{
            "requests-TOTAL_FORMS": "3",
            "requests-INITIAL_FORMS": "1",
            "requests-0-id": old.pk,
            "requests-0-area": old.area_id,
            "requests-0-text": "Старый запрос",
            "requests-0-DELETE": "on",
            "requests-1-area": RequestArea.objects.get(code="sport").pk,
            "requests-1-text": "Новый запрос",
            "requests-2-status": "open",
        },
    )
    response = logged_in.get(reverse("people:mentee-update", args=[row.pk]))
    assert response.context["person_form"].initial["last_name"] == "Старая"
    response = logged_in.post(reverse("people:mentee-update", args=[row.pk]), data)
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.participant.last_name == "Новая"
    assert row.status == "in_pair"
    assert list(row.requests.values_list("text", flat=True)) == ["Новый запрос"]


def test_edit_with_an_error_changes_nothing(logged_in, organisation, group):
    row = mentee(organisation, "Старая", participant__study_group=group)
    response = logged_in.post(
        reverse("people:mentee-update", args=[row.pk]),
        form_data(group, last_name="Новая", study_group=""),
    )
    assert response.status_code == 200
    assert "study_group" in response.context["person_form"].errors
    row.refresh_from_db()
    assert row.participant.last_name == "Старая"
    assert not row.requests.exists()


# --- query budget ------------------------------------------------------------------


def fill(organisation, programme, count):
    group = f.StudyGroupFactory(organisation=organisation)
    categories = list(MenteeCategory.objects.all()[:2])
    area = RequestArea.objects.get(code="study")
    for _number in range(count):
        row = f.MenteeFactory(
            participant__organisation=organisation,
            participant__study_group=group,
            programme=programme,
        )
        row.categories.set(categories)
        MenteeRequest.objects.create(mentee=row, area=area, text="Запрос")
        f.PairMenteeFactory(pair=f.PairFactory(programme=programme), mentee=row)


@pytest.mark.parametrize("count", [3, 30])
def test_list_queries_do_not_grow_with_rows(
    logged_in, organisation, programme, count, django_assert_max_num_queries
):
    fill(organisation, programme, count)
    with django_assert_max_num_queries(18):
        response = logged_in.get(LIST, {"q": "а", "sort": "group"})
    assert response.status_code == 200
