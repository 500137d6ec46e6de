"""The social-risk tier (a sensitive mentee category, a request of the social-risk
form, a preferred social-risk form) reaches only those for whom
`people.access.sees_social_risk_of` holds: the head and curator see it, the deputy
sees the pupil without it, and the other roles do not reach these pages at all."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from mentoring.models import MenteeCategory, MentoringForm, RequestArea
from people.models import MenteeRequest, Role
from tests import factories as f
from tests.conftest import member

SECRET_REQUEST = "Уходит из дома, семья на учёте"
PLAIN_REQUEST = "Подтянуть математику"


@pytest.fixture
def sensitive():
    return MenteeCategory.objects.get(code="prevention-register")


@pytest.fixture
def risky_form():
    return MentoringForm.objects.get(code="social-risk")


@pytest.fixture
def pupil(organisation, programme, sensitive, risky_form):
    mentee = f.MenteeFactory(
        participant__organisation=organisation,
        participant__last_name="Сорокина",
        programme=programme,
        preferred_form=risky_form,
    )
    mentee.categories.add(sensitive)
    area = RequestArea.objects.filter(is_active=True).first()
    MenteeRequest.objects.create(
        mentee=mentee, area=area, text=SECRET_REQUEST, form=risky_form
    )
    MenteeRequest.objects.create(mentee=mentee, area=area, text=PLAIN_REQUEST)
    return mentee


@pytest.fixture
def deputy(organisation):
    return member(organisation, Role.DEPUTY, "deputy")


@pytest.fixture
def class_teacher(organisation):
    return member(organisation, Role.CLASS_TEACHER, "classteacher")


@pytest.fixture
def form_lead(organisation):
    return member(organisation, Role.FORM_LEAD, "formlead")


@pytest.fixture
def other_mentor(programme):
    pair = f.PairFactory(programme=programme)
    user = f.UserFactory(username="othermentor")
    participant = pair.mentor.participant
    participant.user = user
    participant.save()
    f.MembershipFactory(
        user=user, organisation=programme.organisation, role=Role.MENTOR
    )
    return user


def pages(pupil, sensitive):
    """Every page and file that shows the mentee base or its requests."""
    mentee_list = reverse("people:mentee-list")
    return [
        mentee_list,
        f"{mentee_list}?q=Сорокина",
        f"{mentee_list}?category={sensitive.pk}",
        reverse("people:mentee-detail", args=[pupil.pk]),
        reverse("matching:for-mentee", args=[pupil.pk]),
        reverse("matching:request-map") + "?by=category",
        reverse("matching:request-map") + "?by=area",
    ]


def text_of(response) -> str:
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        workbook = load_workbook(io.BytesIO(response.content))
        return "\n".join(
            str(cell)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    return response.content.decode()


def exports():
    return [
        reverse("export", kwargs={"identifier": "mentee-base", "fmt": "xlsx"}),
        reverse("export", kwargs={"identifier": "request-map", "fmt": "xlsx"})
        + "?by=category",
    ]


@pytest.mark.parametrize("persona", ["head", "curator"])
def test_those_who_may_see_it_see_it(client, request, persona, pupil, sensitive):
    client.force_login(request.getfixturevalue(persona))
    detail = client.get(reverse("people:mentee-detail", args=[pupil.pk]))
    body = detail.content.decode()
    assert sensitive.name in body
    assert SECRET_REQUEST in body
    assert "социально опасном положении" in body  # the preferred form
    listed = client.get(reverse("people:mentee-list"), {"category": sensitive.pk})
    assert list(listed.context["mentees"]) == [pupil]
    assert sensitive.name in listed.content.decode()
    request_map = client.get(reverse("matching:request-map"), {"by": "category"})
    assert sensitive.name in request_map.content.decode()
    base = client.get(exports()[0])
    assert SECRET_REQUEST in text_of(base)
    by_category = client.get(exports()[1])
    assert sensitive.name in text_of(by_category)


def test_the_deputy_sees_the_pupil_without_the_sensitive_data(
    client, deputy, pupil, sensitive
):
    client.force_login(deputy)
    for url in pages(pupil, sensitive):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert sensitive.name not in body, url
        assert SECRET_REQUEST not in body, url
        if "matching" not in url:  # its help text names every form's rule
            assert "социально опасном положении" not in body, url
    matching = client.get(reverse("matching:for-mentee", args=[pupil.pk]))
    assert not matching.context["selected_form"].is_social_risk
    offered = matching.context["running_forms"] + matching.context["other_forms"]
    assert not any(form.is_social_risk for form in offered)
    detail = client.get(reverse("people:mentee-detail", args=[pupil.pk]))
    assert "Сорокина" in detail.content.decode()
    assert PLAIN_REQUEST in detail.content.decode()
    # The search still finds the pupil; the category filter is not offered and a
    # crafted one is ignored (it lists everybody, not those in the category).
    found = client.get(reverse("people:mentee-list"), {"q": "Сорокина"})
    assert list(found.context["mentees"]) == [pupil]
    listed = client.get(reverse("people:mentee-list"), {"category": sensitive.pk})
    assert sensitive not in listed.context["filters"].fields["category"].queryset
    assert not listed.context["filters"].is_filtered
    for url in exports():
        response = client.get(url)
        assert response.status_code == 200, url
        content = text_of(response)
        assert SECRET_REQUEST not in content, url
        assert sensitive.name not in content, url
    base = text_of(client.get(exports()[0]))
    assert PLAIN_REQUEST in base


def test_the_request_map_drops_the_social_risk_form_for_the_deputy(
    client, deputy, pupil
):
    client.force_login(deputy)
    request_map = client.get(reverse("matching:request-map")).context["request_map"]
    assert request_map.total.total == 1  # the plain request only
    assert "социально опасном положении" not in [c.label for c in request_map.columns]


@pytest.mark.parametrize(
    "persona", ["class_teacher", "form_lead", "other_mentor", "mentee", "outsider"]
)
def test_other_roles_never_reach_it(client, request, persona, pupil, sensitive):
    client.force_login(request.getfixturevalue(persona))
    for url in [*pages(pupil, sensitive), *exports()]:
        response = client.get(url)
        # another organisation's curator opens their own (empty) lists
        allowed = (200, 403, 404) if persona == "outsider" else (403, 404)
        assert response.status_code in allowed, url
        body = text_of(response) if response.status_code == 200 else ""
        body += response.content.decode(errors="replace")
        if persona == "outsider":
            # their own catalogue of categories is theirs; our pupil is not
            assert reverse("people:mentee-detail", args=[pupil.pk]) not in body, url
            assert pupil.participant.full_name not in body, url
        else:
            assert sensitive.name not in body, url
        assert SECRET_REQUEST not in body, url


def test_matching_reasons_do_not_quote_a_hidden_request(client, deputy, organisation):
    """A mentor whose competencies match the words of the social-risk request: the
    reason is shown to the deputy without the request's words."""
    risky_form = MentoringForm.objects.get(code="social-risk")
    mentee = f.MenteeFactory(participant__organisation=organisation)
    area = RequestArea.objects.filter(is_active=True).first()
    MenteeRequest.objects.create(
        mentee=mentee, area=area, text="Профилактика бродяжничества", form=risky_form
    )
    f.MentorFactory(
        participant__organisation=organisation,
        key_competencies="профилактика бродяжничества",
    )
    client.force_login(deputy)
    body = client.get(reverse("matching:for-mentee", args=[mentee.pk])).content
    assert "Профилактика бродяжничества" not in body.decode()


def test_the_admin_hides_the_tier_from_a_staff_deputy(
    client, deputy, pupil, sensitive, risky_form
):
    """The admin is scoped (mentoring/lib/admin_scope.py): a deputy with the staff
    flag reads the organisation's pupils there, never their sensitive categories,
    the social-risk requests or a social-risk preferred form."""
    deputy.is_staff = True
    deputy.save()
    client.force_login(deputy)
    pages = [
        reverse(f"admin:{name}_changelist")
        for name in [
            "people_menteeprofile",
            "people_participant",
            "people_menteerequest",
            "mentoring_menteecategory",
        ]
    ] + [reverse("admin:people_menteeprofile_change", args=[pupil.pk])]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        body = response.content.decode()
        assert sensitive.name not in body, page
        assert SECRET_REQUEST not in body, page
        assert risky_form.name not in body, page
    response = client.get(reverse("admin:people_menteeprofile_changelist"))
    assert pupil in response.context["cl"].result_list


def test_the_admin_shows_nothing_to_a_head_without_the_staff_flag(
    client, head, pupil, sensitive
):
    client.force_login(head)
    for name in ["people_menteeprofile", "people_participant", "people_menteerequest"]:
        response = client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 302, name
        assert "/admin/login/" in response["Location"], name
        assert sensitive.name not in response.content.decode()
