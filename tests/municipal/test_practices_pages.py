"""Best practices: the pages. Who reads the collection and a case (per role and
municipality, read in the HTML), what a published case shows of the people it
names, the organisation's own pages, the coordinator's featuring."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from mentoring.models import MenteeCategory, MentoringForm, Organisation, RoleVariant
from municipal.models import Practice
from municipal.practices import practice_create, practice_publish
from pairs.models import Pair
from people.models import Consent, Role
from tests import factories as f
from tests.conftest import member

TODAY = date.today()
LIST = reverse("practices:list")


def publication(person, **kwargs):
    return Consent.objects.create(
        participant=person,
        scope=Consent.Scope.PUBLICATION,
        given_by="Иванова Мария Петровна",
        relation=Consent.Relation.MOTHER,
        given_on=TODAY - timedelta(days=10),
        **kwargs,
    )


def completed_pair(programme, **kwargs):
    pair = f.PairFactory(
        programme=programme,
        status=Pair.Status.COMPLETED,
        ended_on=TODAY - timedelta(days=5),
        **kwargs,
    )
    f.PairMenteeFactory(pair=pair)
    return pair


def case(programme, by, title, *, named=(), pair=None, publish=True, **values):
    practice = practice_create(
        organisation=programme.organisation,
        programme=programme,
        pair=pair,
        title=title,
        summary=values.get("summary", "Кратко о практике."),
        body=values.get("body", "Что было сделано."),
        results="",
        named=named,
        by=by,
    )
    return practice_publish(practice=practice, by=by) if publish else practice


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def far():
    """A school of another municipality, with its curator and coordinator."""
    school = f.OrganisationFactory(
        short_name="МБОУ «Дальняя СОШ»",
        municipality=f.MunicipalityFactory(name="Дальний район"),
    )
    f.ProgrammeFactory(organisation=school)
    coordinator = f.UserFactory(username="farcoordinator")
    f.MembershipFactory(
        user=coordinator,
        organisation=None,
        municipality=school.municipality,
        role=Role.MUNICIPAL_COORDINATOR,
    )
    return {
        "school": school,
        "curator": member(school, Role.CURATOR, "farcurator"),
        "coordinator": coordinator,
    }


@pytest.fixture
def done(programme):
    """A completed pair whose mentee has personal data that must never show."""
    pair = completed_pair(programme)
    mentee = pair.memberships.get().mentee
    mentee.categories.set(MenteeCategory.objects.filter(code="prevention-register"))
    participant = mentee.participant
    participant.phone = "+7 900 111-22-33"
    participant.email = "pupil@example.ru"
    participant.representative_name = "Сидорова Ольга Петровна"
    participant.study_group = f.StudyGroupFactory(
        organisation=programme.organisation, name="8В", grade=8
    )
    participant.save()
    return pair


@pytest.fixture
def published(programme, curator, done):
    mentor = done.mentor.participant
    mentee = done.memberships.get().mentee.participant
    publication(mentor)
    publication(mentee)
    return case(programme, curator, "Опубликованная практика", named=[mentor, mentee])


@pytest.fixture
def draft(programme, curator):
    return case(programme, curator, "Черновик практики", publish=False)


# --- Who reads what -------------------------------------------------------------------


def test_the_municipality_reads_the_collection(
    client, outsider, municipal_coordinator, published, draft
):
    for user in (outsider, municipal_coordinator):
        html = login(client, user).get(LIST).content.decode()
        assert "Опубликованная практика" in html
        assert "Черновик практики" not in html


def test_another_municipality_sees_nothing_of_ours(client, far, published):
    for user in (far["curator"], far["coordinator"]):
        login(client, user)
        html = client.get(LIST).content.decode()
        assert "Опубликованная практика" not in html
        detail = reverse("practices:detail", args=[published.pk])
        assert client.get(detail).status_code == 404
        print_url = reverse("practices:print", args=[published.pk])
        assert client.get(print_url).status_code == 404


def test_a_draft_is_its_organisations_only(
    client, organisation, outsider, municipal_coordinator, draft
):
    url = reverse("practices:detail", args=[draft.pk])
    deputy = member(organisation, Role.DEPUTY, "deputy")
    assert "Черновик практики" in login(client, deputy).get(url).content.decode()
    for user in (outsider, municipal_coordinator):
        assert login(client, user).get(url).status_code == 404


def test_pupils_mentors_and_specialists_are_refused(
    client, organisation, mentor, mentee, social_pedagogue, published
):
    for user in (mentor, mentee, social_pedagogue):
        login(client, user)
        assert client.get(LIST).status_code == 403
        detail = reverse("practices:detail", args=[published.pk])
        assert client.get(detail).status_code == 403


def test_anonymous_is_sent_to_log_in(client, published):
    response = client.get(reverse("practices:detail", args=[published.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- What a published case shows ------------------------------------------------------


def test_a_published_case_shows_names_and_nothing_else(
    client, outsider, municipal_coordinator, published, done
):
    mentee = done.memberships.get().mentee.participant
    mentor = done.mentor.participant
    for user in (outsider, municipal_coordinator):
        url = reverse("practices:detail", args=[published.pk])
        html = login(client, user).get(url).content.decode()
        assert mentee.full_name in html and mentor.full_name in html
        for secret in (
            "+7 900 111-22-33",
            "pupil@example.ru",
            "Сидорова Ольга Петровна",
            "8В",
            "профилактическом",
            mentee.birth_date.strftime("%d.%m.%Y"),
        ):
            assert secret not in html


def test_a_revoked_consent_takes_the_name_off_the_page(
    client, outsider, published, done
):
    mentee = done.memberships.get().mentee.participant
    mentee.consents.update(revoked_on=TODAY)
    url = reverse("practices:detail", args=[published.pk])
    html = login(client, outsider).get(url).content.decode()
    assert done.mentor.participant.full_name in html
    assert mentee.full_name not in html


def test_the_print_copy(client, outsider, published, done):
    url = reverse("practices:print", args=[published.pk])
    html = login(client, outsider).get(url).content.decode()
    assert "Опубликованная практика" in html
    assert "Лучшая практика наставничества" in html
    assert "+7 900 111-22-33" not in html


# --- The collection: filters, order, pagination ---------------------------------------


def test_featured_first_then_search_and_filters(
    client, organisation, programme, curator, outsider, municipal_coordinator
):
    college = f.OrganisationFactory(
        short_name="КГБПОУ «Колледж»",
        kind=Organisation.Kind.COLLEGE,
        municipality=organisation.municipality,
    )
    college_curator = member(college, Role.CURATOR, "collegecurator")
    college_programme = f.ProgrammeFactory(
        organisation=college, forms=["employer-student"]
    )
    case(programme, curator, "Школьная практика", body="Олимпиадная подготовка")
    featured = case(college_programme, college_curator, "Практика колледжа")
    featured.featured = True
    featured.save()

    login(client, outsider)
    html = client.get(LIST).content.decode()
    assert html.index("Практика колледжа") < html.index("Школьная практика")

    html = client.get(LIST, {"q": "олимпиадная"}).content.decode()
    assert "Школьная практика" in html and "Практика колледжа" not in html

    html = client.get(LIST, {"kind": Organisation.Kind.COLLEGE}).content.decode()
    assert "Практика колледжа" in html and "Школьная практика" not in html

    form = MentoringForm.objects.get(code="employer-student")
    html = client.get(LIST, {"form": form.pk}).content.decode()
    assert "Практика колледжа" in html and "Школьная практика" not in html

    html = client.get(LIST, {"sort": "title"}).content.decode()
    assert html.index("Практика колледжа") < html.index("Школьная практика")


def test_the_social_risk_form_is_not_offered_as_a_filter(client, outsider):
    html = login(client, outsider).get(LIST).content.decode()
    risky = MentoringForm.objects.get(code="social-risk")
    assert risky.name not in html


def test_the_collection_keeps_its_query_budget(
    client, programme, curator, outsider, django_assert_max_num_queries
):
    for number in range(30):
        pair = completed_pair(programme)
        case(programme, curator, f"Практика № {number}", pair=pair)
    login(client, outsider)
    with django_assert_max_num_queries(15):
        response = client.get(LIST)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 30
    assert len(response.context["practices"]) == 25
    assert client.get(LIST, {"page": 2}).context["page_obj"].number == 2


def test_an_empty_collection_says_what_to_do(client, curator, municipal_coordinator):
    html = login(client, curator).get(LIST).content.decode()
    assert "Опишите завершённую пару" in html
    html = login(client, municipal_coordinator).get(LIST).content.decode()
    assert "когда организации муниципалитета их опубликуют" in html


# --- The organisation's own pages -----------------------------------------------------


def test_create_from_a_completed_pair_prefills_it(client, curator, done):
    url = reverse("practices:create") + f"?pair={done.pk}"
    response = login(client, curator).get(url)
    assert response.status_code == 200
    form = response.context["form"]
    mentor = done.mentor.participant
    mentee = done.memberships.get().mentee.participant
    assert set(form.initial["named"]) == {mentor.pk, mentee.pk}
    assert form.initial["pair"] == done
    html = response.content.decode()
    assert "профилактическом" not in html


def test_a_social_risk_pair_is_refused_on_the_create_page(
    client, organisation, programme, curator
):
    pair = completed_pair(
        programme,
        form=MentoringForm.objects.get(code="social-risk"),
        role_variant=RoleVariant.objects.get(code="sr-social-pedagogue"),
    )
    url = reverse("practices:create") + f"?pair={pair.pk}"
    response = login(client, curator).get(url)
    assert "нельзя описать как лучшую практику" in response.content.decode()
    assert not response.context["form"].initial
    # Nor may it be chosen on the form.
    assert pair not in response.context["form"].fields["pair"].queryset
    response = client.post(
        reverse("practices:create"),
        {
            "programme": programme.pk,
            "pair": pair.pk,
            "title": "Практика",
            "summary": "Кратко",
            "body": "Текст",
        },
    )
    assert response.status_code == 200
    assert not Practice.objects.exists()


def test_create_saves_a_draft(client, programme, curator, done):
    mentor = done.mentor.participant
    response = login(client, curator).post(
        reverse("practices:create"),
        {
            "programme": programme.pk,
            "pair": done.pk,
            "title": "Практика пары",
            "summary": "Кратко",
            "body": "Текст",
            "named": [mentor.pk],
        },
    )
    practice = Practice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("practices:detail", args=[practice.pk])
    assert practice.status == Practice.Status.DRAFT
    assert practice.created_by == curator
    assert list(practice.named.all()) == [mentor]


def test_publishing_without_consent_changes_nothing(client, programme, curator, done):
    mentor = done.mentor.participant
    practice = case(programme, curator, "Практика", named=[mentor], publish=False)
    url = reverse("practices:publish", args=[practice.pk])
    login(client, curator)
    html = client.get(url).content.decode()
    assert "нет действующего согласия" in html
    response = client.post(url)
    assert response.status_code == 200
    assert mentor.full_name in response.content.decode()
    practice.refresh_from_db()
    assert practice.status == Practice.Status.DRAFT

    publication(mentor)
    response = client.post(url)
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.status == Practice.Status.PUBLISHED


def test_withdraw_after_confirmation(client, curator, published):
    url = reverse("practices:withdraw", args=[published.pk])
    login(client, curator)
    assert "Снять практику с публикации?" in client.get(url).content.decode()
    client.post(url)
    published.refresh_from_db()
    assert published.status == Practice.Status.WITHDRAWN


def test_other_organisations_may_not_edit_ours(
    client, outsider, municipal_coordinator, published, far
):
    for name in ("update", "publish", "withdraw"):
        url = reverse(f"practices:{name}", args=[published.pk])
        assert login(client, outsider).get(url).status_code == 404
        assert login(client, outsider).post(url).status_code == 404
        assert login(client, far["curator"]).post(url).status_code == 404
        assert login(client, municipal_coordinator).post(url).status_code == 403
    published.refresh_from_db()
    assert published.status == Practice.Status.PUBLISHED


def test_own_cases_and_the_pairs_waiting_for_one(
    client, curator, outsider, draft, published, done
):
    html = login(client, curator).get(reverse("practices:mine")).content.decode()
    assert "Черновик практики" in html and "Опубликованная практика" in html
    assert f"?pair={done.pk}" in html
    html = login(client, outsider).get(reverse("practices:mine")).content.decode()
    assert "Черновик практики" not in html and "Опубликованная практика" not in html


# --- Featuring ------------------------------------------------------------------------


def test_the_coordinator_features_a_case(client, municipal_coordinator, published):
    url = reverse("practices:feature", args=[published.pk])
    response = login(client, municipal_coordinator).post(url, {"featured": "1"})
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.featured
    html = client.get(reverse("practices:detail", args=[published.pk])).content
    assert "Снять отметку" in html.decode()
    client.post(url, {"featured": "0"})
    published.refresh_from_db()
    assert not published.featured


def test_only_the_coordinator_features(client, curator, outsider, far, published):
    url = reverse("practices:feature", args=[published.pk])
    for user in (curator, outsider, far["curator"]):
        assert login(client, user).post(url, {"featured": "1"}).status_code == 403
    response = login(client, far["coordinator"]).post(url, {"featured": "1"})
    assert response.status_code == 404
    published.refresh_from_db()
    assert not published.featured
    html = login(client, curator).get(LIST).content.decode()
    assert reverse("practices:feature", args=[published.pk]) not in html


def test_a_deputy_never_learns_of_a_social_risk_pair(client, organisation, programme):
    pair = completed_pair(
        programme,
        form=MentoringForm.objects.get(code="social-risk"),
        role_variant=RoleVariant.objects.get(code="sr-social-pedagogue"),
    )
    deputy = member(organisation, Role.DEPUTY, "deputy")
    url = reverse("practices:create") + f"?pair={pair.pk}"
    response = login(client, deputy).get(url)
    html = response.content.decode()
    assert not response.context["form"].initial
    assert "социально опасном" not in html
    assert pair.mentor.participant.full_name not in html


def test_own_cases_keep_their_query_budget(
    client, programme, curator, django_assert_max_num_queries
):
    for number in range(12):
        pair = completed_pair(programme)
        if number % 2:
            case(programme, curator, f"Практика № {number}", pair=pair)
    login(client, curator)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("practices:mine"))
    assert response.context["page_obj"].paginator.count == 6
    assert len(response.context["suggested"]) == 6
    html = client.get(reverse("practices:mine"), {"status": "draft"}).content.decode()
    assert "Практика № 1" not in html
