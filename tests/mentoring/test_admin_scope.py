"""The admin scoped to the user's organisations (mentoring/lib/admin_scope.py):
superusers see everything; active staff who head, deputise or curate an
organisation see its rows only; catalogues and templates are read-only for them;
safeguarding and django-axes stay the superuser's; a deputy gets no social-risk
data; a head without the staff flag gets the login page."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from mentoring.models import MenteeCategory, MentoringForm, RequestArea
from people.models import MenteeRequest, Role
from tests import factories as f
from tests.conftest import member

MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label)


def url(model, view: str = "changelist", *args) -> str:
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
    return reverse(name, args=args)


def staff(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def staff_curator(curator):
    return staff(curator)


@pytest.fixture
def staff_deputy(organisation):
    return staff(member(organisation, Role.DEPUTY, "deputy"))


@pytest.fixture
def theirs(other_organisation):
    """Another organisation's programme, pair (with a mentee) and meeting."""
    programme = f.ProgrammeFactory(
        organisation=other_organisation, title="Программа чужой школы"
    )
    pair = f.PairFactory(programme=programme)
    f.PairMenteeFactory(pair=pair)
    meeting = f.MeetingFactory(pair=pair, topic="Чужая встреча")
    return pair, meeting


@pytest.fixture
def ours(pair):
    meeting = f.MeetingFactory(pair=pair, topic="Наша встреча")
    return pair, meeting


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def rows(response):
    return list(response.context["cl"].result_list)


def test_a_staff_curator_sees_only_their_organisation(
    client, staff_curator, ours, theirs, other_organisation
):
    from pairs.models import Meeting, Pair
    from people.models import Participant

    pair, meeting = ours
    other_pair, other_meeting = theirs
    client.force_login(staff_curator)
    assert client.get(reverse("admin:index")).status_code == 200

    participants = rows(client.get(url(Participant)))
    assert pair.mentor.participant in participants
    assert other_pair.mentor.participant not in participants
    assert {p.organisation_id for p in participants} == {pair.programme.organisation_id}

    response = client.get(url(Pair))
    assert rows(response) == [pair]
    assert other_organisation.short_name not in response.content.decode()
    assert rows(client.get(url(Meeting))) == [meeting]

    # Another organisation's object does not exist for them.
    for model, obj in ((Pair, other_pair), (Meeting, other_meeting)):
        response = client.get(url(model, "change", obj.pk))
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")
        page = client.get(response["Location"]).content.decode()
        assert other_organisation.short_name not in page
        assert "Чужая встреча" not in page
    response = client.post(
        url(Meeting, "change", other_meeting.pk), {"topic": "Переписано"}
    )
    assert response.status_code == 302
    other_meeting.refresh_from_db()
    assert other_meeting.topic == "Чужая встреча"
    assert client.post(url(Pair, "delete", other_pair.pk), {"post": "yes"})
    assert Pair.objects.filter(pk=other_pair.pk).exists()

    # Their own object opens and is editable.
    response = client.get(url(Pair, "change", pair.pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"]


def test_a_staff_curator_cannot_choose_another_organisations_programme(
    client, staff_curator, pair, theirs
):
    from pairs.models import Pair

    other_pair, _meeting = theirs
    client.force_login(staff_curator)
    for page in (url(Pair, "add"), url(Pair, "change", pair.pk)):
        form = client.get(page).context["adminform"].form
        programmes = list(form.fields["programme"].queryset)
        assert pair.programme in programmes
        assert other_pair.programme not in programmes
        mentors = list(form.fields["mentor"].queryset)
        assert pair.mentor in mentors
        assert other_pair.mentor not in mentors
    # A crafted post with their programme is refused by the form.
    data = {"programme": other_pair.programme_id}
    response = client.post(url(Pair, "change", pair.pk), data)
    assert response.status_code == 200  # the form with its errors
    assert "programme" in response.context["adminform"].form.errors
    pair.refresh_from_db()
    assert pair.programme_id != other_pair.programme_id


def test_catalogues_and_templates_are_read_only_for_staff(client, staff_curator):
    from mentoring.models import MeetingType, RoadmapTemplate
    from monitoring.models import IndicatorTemplate, Parameter
    from pairs.models import PlanTemplate

    request = request_of(staff_curator)
    for model in (
        MenteeCategory,
        MentoringForm,
        MeetingType,
        Parameter,
        RoadmapTemplate,
        PlanTemplate,
        IndicatorTemplate,
    ):
        model_admin = admin.site._registry[model]
        assert model_admin.has_view_permission(request), model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
    client.force_login(staff_curator)
    response = client.get(url(MeetingType))
    assert response.status_code == 200
    assert not response.context["has_add_permission"]
    assert url(MeetingType, "add") not in response.content.decode()
    assert client.get(url(MeetingType, "add")).status_code == 403
    obj = MeetingType.objects.first()
    response = client.get(url(MeetingType, "change", obj.pk))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    # A superuser edits them.
    superuser = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    model_admin = admin.site._registry[MeetingType]
    assert model_admin.has_add_permission(request_of(superuser))


def test_shipped_questionnaires_are_read_only_and_the_own_ones_editable(
    staff_curator, organisation, other_organisation
):
    from monitoring.models import Questionnaire

    shipped = f.QuestionnaireFactory(organisation=None)
    own = f.QuestionnaireFactory(organisation=organisation)
    theirs = f.QuestionnaireFactory(organisation=other_organisation)
    request = request_of(staff_curator)
    model_admin = admin.site._registry[Questionnaire]
    visible = set(model_admin.get_queryset(request))
    assert {shipped, own} <= visible
    assert theirs not in visible
    assert model_admin.has_view_permission(request, shipped)
    assert not model_admin.has_change_permission(request, shipped)
    assert model_admin.has_change_permission(request, own)
    assert not model_admin.has_view_permission(request, theirs)


def test_no_safeguarding_axes_or_auth_for_staff(client, staff_curator):
    request = request_of(staff_curator)
    hidden = [
        model
        for model in MODELS
        if model._meta.app_label in {"safeguarding", "axes", "auth"}
    ]
    assert hidden
    for model in hidden:
        model_admin = admin.site._registry[model]
        assert not model_admin.has_module_permission(request), model
        assert not model_admin.has_view_permission(request), model
    client.force_login(staff_curator)
    index = client.get(reverse("admin:index"))
    labels = {app["app_label"] for app in index.context["app_list"]}
    assert not labels & {"safeguarding", "axes", "auth"}
    for model in hidden:
        assert client.get(url(model)).status_code == 403, model


def test_a_staff_deputy_never_sees_a_sensitive_category(
    client, staff_deputy, organisation, pair
):
    from people.models import MenteeProfile

    sensitive = MenteeCategory.objects.filter(is_sensitive=True).first()
    if sensitive is None:
        sensitive = MenteeCategory.objects.create(
            name="Состоит на учёте в ПДН", code="test-sensitive", is_sensitive=True
        )
    mentee = pair.memberships.get().mentee
    mentee.categories.add(sensitive)
    risky_form = MentoringForm.objects.get(is_social_risk=True)
    area = RequestArea.objects.first()
    hidden_request = MenteeRequest.objects.create(
        mentee=mentee, area=area, form=risky_form, text="Скрытый запрос"
    )
    client.force_login(staff_deputy)
    pages = [
        url(MenteeProfile),
        url(MenteeProfile, "change", mentee.pk),
        url(MenteeProfile, "add"),
        url(MenteeCategory),
        url(MenteeRequest),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert sensitive.name not in response.content.decode(), page
    form = client.get(url(MenteeProfile, "change", mentee.pk)).context["adminform"]
    assert "categories" not in form.form.fields
    response = client.get(url(MenteeRequest))
    assert hidden_request not in rows(response)
    response = client.get(url(MenteeProfile, "change", mentee.pk))
    assert "Скрытый запрос" not in response.content.decode()
    response = client.get(url(MenteeRequest, "change", hidden_request.pk))
    assert response.status_code == 302


def test_a_staff_curator_sees_the_social_risk_tier(client, staff_curator, pair):
    from people.models import MenteeProfile

    mentee = pair.memberships.get().mentee
    client.force_login(staff_curator)
    form = client.get(url(MenteeProfile, "change", mentee.pk)).context["adminform"]
    assert "categories" in form.form.fields


def test_a_head_without_the_staff_flag_gets_the_login(client, head, pair):
    from pairs.models import Pair

    client.force_login(head)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 302
    assert index["Location"].startswith(reverse("admin:login"))
    response = client.get(url(Pair, "change", pair.pk))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_staff_without_a_managing_role_gets_the_login(client, social_pedagogue):
    staff(social_pedagogue)
    client.force_login(social_pedagogue)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_staff_head_uses_the_admin_for_their_organisation(client, head, pair, theirs):
    from pairs.models import Pair

    staff(head)
    client.force_login(head)
    assert client.get(reverse("admin:index")).status_code == 200
    assert rows(client.get(url(Pair))) == [pair]


def test_staff_may_not_raise_their_own_rights(client, staff_curator):
    from people.models import Membership, User

    request = request_of(staff_curator)
    for model in (User, Membership):
        model_admin = admin.site._registry[model]
        assert model_admin.has_view_permission(request, None)
        assert not model_admin.has_change_permission(request, staff_curator)
        assert not model_admin.has_add_permission(request)
    client.force_login(staff_curator)
    response = client.post(
        url(User, "change", staff_curator.pk),
        {"username": staff_curator.username, "is_superuser": "on"},
    )
    assert response.status_code == 403
    staff_curator.refresh_from_db()
    assert not staff_curator.is_superuser


def test_a_superuser_still_uses_it(client, superuser, pair, theirs):
    from pairs.models import Pair

    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200
    assert len(rows(client.get(url(Pair)))) == 2


def test_autocomplete_and_filters_stay_within_the_organisation(
    client, staff_curator, pair, theirs, other_organisation
):
    from pairs.models import Pair

    other_pair, _meeting = theirs
    client.force_login(staff_curator)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "pairs", "model_name": "pair", "field_name": "mentor"},
    )
    assert response.status_code == 200
    ids = {int(result["id"]) for result in response.json()["results"]}
    assert pair.mentor_id in ids
    assert other_pair.mentor_id not in ids
    # The changelist's filters list only the values of their own rows.
    body = client.get(url(Pair)).content.decode()
    assert pair.programme.title in body
    assert other_pair.programme.title not in body
    assert other_organisation.short_name not in body


def test_a_new_questionnaire_belongs_to_their_organisation(
    client, staff_curator, organisation, other_organisation
):
    from monitoring.models import Questionnaire

    client.force_login(staff_curator)
    field = (
        client.get(url(Questionnaire, "add"))
        .context["adminform"]
        .form.fields["organisation"]
    )
    assert field.required
    assert list(field.queryset) == [organisation]
