"""Issue 13, findings 1–4 and 6, one test each (finding 2 also by the walk of
tests/test_tier_leaks.py): the deputy's mentee edit form, the pairs of the
social-risk form, the order, the admin's delete confirmation and the access log of
reads outside /safeguarding/."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from mentoring.models import MenteeCategory
from people.models import AccessLog, MenteeProfile, MenteeRequest, Participant
from safeguarding.models import HomeVisitAct, PreventiveWorkEntry
from tests.test_tier_leaks import RISK_PUPIL, RISK_TOPIC, SECRET_REQUEST, RiskWorld

TODAY = date.today()


@pytest.fixture
def world(db):
    return RiskWorld()


def logged_in(client, world, persona):
    client.force_login(world.users[persona])
    return client


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    return text.replace("\u2010 ", "")  # words hyphenated at a line's end


def xlsx_text(response) -> str:
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return " ".join(
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )


def export(name, fmt, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    url = reverse("export", kwargs={"identifier": name, "fmt": fmt})
    return f"{url}?{query}" if query else url


# --- 1. The deputy's mentee edit form ------------------------------------------------


def edit_data(world, response) -> dict:
    """The form as the deputy's browser would send it back, unchanged."""
    form = response.context["profile_form"]
    person = response.context["person_form"]
    formset = response.context["formset"]
    data = {}
    for bound in (person, form):
        for name, field in bound.fields.items():
            value = bound[name].value()
            if value is None:
                continue
            values = value if isinstance(value, list | tuple) else [value]
            queryset = getattr(field, "queryset", None)
            if queryset is not None:  # a browser sends only the options shown
                offered = {str(pk) for pk in queryset.values_list("pk", flat=True)}
                values = [str(v) for v in values if str(v) in offered]
            if isinstance(value, list | tuple):
                data[bound.add_prefix(name)] = [str(v) for v in values]
            elif values:
                data[bound.add_prefix(name)] = values[0]
    management = formset.management_form
    for name in management.fields:
        data[management.add_prefix(name)] = management[name].value()
    for sub in formset.forms:
        for name in sub.fields:
            value = sub[name].value()
            if value is not None:
                data[sub.add_prefix(name)] = value
    return data


def test_the_deputy_edit_form_neither_shows_nor_drops_the_tier(client, world):
    mentee = world.risk_mentee
    url = reverse("people:mentee-update", args=[mentee.pk])
    response = logged_in(client, world, "deputy").get(url)
    body = response.content.decode()
    sensitive = world.sensitive.first()
    assert sensitive.name not in body
    assert world.risk_form.name not in body
    assert SECRET_REQUEST not in body
    # The deputy saves the form as shown: what they were not shown stays.
    response = client.post(url, edit_data(world, response))
    assert response.status_code == 302, response.context and [
        f.errors for f in (response.context["profile_form"],)
    ]
    mentee = MenteeProfile.objects.get(pk=mentee.pk)
    assert mentee.categories.filter(pk=sensitive.pk).exists()
    assert mentee.preferred_form == world.risk_form
    assert MenteeRequest.objects.filter(mentee=mentee, text=SECRET_REQUEST).exists()


def test_the_deputy_cannot_post_the_tier_into_the_form(client, world):
    """A crafted POST with a sensitive category is refused, nothing changes."""
    mentee = world.mentee_profile
    url = reverse("people:mentee-update", args=[mentee.pk])
    response = logged_in(client, world, "deputy").get(url)
    data = edit_data(world, response)
    data["profile-categories"] = [str(world.sensitive.first().pk)]
    response = client.post(url, data)
    assert response.status_code == 200
    assert not mentee.categories.filter(is_sensitive=True).exists()


def test_the_curator_edit_form_shows_the_tier(client, world):
    url = reverse("people:mentee-update", args=[world.risk_mentee.pk])
    body = logged_in(client, world, "curator").get(url).content.decode()
    assert world.sensitive.first().name in body
    assert SECRET_REQUEST in body


# --- 2. The form of a pair tells the tier ---------------------------------------------


def test_for_the_deputy_a_social_risk_pair_does_not_exist(client, world):
    pair = world.risk_pair
    client = logged_in(client, world, "deputy")
    listed = client.get(reverse("pairs:list"), {"form": world.risk_form.pk})
    assert RISK_PUPIL not in listed.content.decode()
    for name in ("pairs:detail", "journal:pair", "plans:detail"):
        assert client.get(reverse(name, args=[pair.pk])).status_code == 404
    assert client.get(export("pair-journal", "pdf", pair=pair.pk)).status_code == 404
    card = client.get(reverse("people:mentee-detail", args=[world.risk_mentee.pk]))
    assert not card.context["measurements"]  # the values are of the hidden pair
    base = xlsx_text(client.get(export("mentee-base", "xlsx")))
    assert RISK_PUPIL in base  # the pupil is in the base…
    assert world.risk_form.name not in base  # …without the relationship
    pairs = xlsx_text(client.get(export("pairs", "xlsx")))
    assert RISK_PUPIL not in pairs


# --- 3. The order never states the tier ----------------------------------------------


@pytest.mark.parametrize("persona", ["curator", "head"])
def test_the_order_never_lists_a_social_risk_pair(client, world, persona):
    client = logged_in(client, world, persona)
    both = f"pair={world.pair.pk}&pair={world.risk_pair.pk}"
    url = reverse("export", kwargs={"identifier": "pairs-order", "fmt": "pdf"})
    text = pdf_text(client.get(f"{url}?{both}"))
    assert world.mentee_profile.participant.last_name in text
    assert RISK_PUPIL not in text
    assert "социально опасном" not in text
    assert "Социальный педагог – учащийся" not in text
    # Read by all staff and signed by pupil mentors: no variant names a child as
    # deficient (issue 13, finding 9).
    assert "равнодушный потребитель" not in text
    assert world.pair.role_variant.neutral_name in text


def test_the_social_risk_pairs_have_a_confidential_order(client, world):
    client = logged_in(client, world, "curator")
    url = export("pairs-order-confidential", "pdf", pair=world.risk_pair.pk)
    text = pdf_text(client.get(url))
    assert "Для служебного пользования" in text
    assert RISK_PUPIL in text
    # the whole name: a random surname may also be the risk pair's mentor's
    assert world.mentee_profile.participant.full_name not in text
    client.force_login(world.users["deputy"])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("page", ["documents:list", "pairs:list"])
def test_the_confidential_order_is_offered_to_the_curator_only(client, world, page):
    # The pair list offers orders while pairs await one.
    type(world.pair).objects.filter(pk=world.pair.pk).update(status="formed")
    name = "pairs-order-confidential"
    body = logged_in(client, world, "curator").get(reverse(page)).content.decode()
    assert name in body
    client.force_login(world.users["deputy"])
    assert name not in client.get(reverse(page)).content.decode()


# --- 4. The admin's delete confirmation ---------------------------------------------


@pytest.fixture
def records(world):
    pupil = world.risk_mentee.participant
    common = {"participant": pupil, "created_by": world.users["curator"]}
    HomeVisitAct.objects.create(
        **common,
        visited_on=TODAY,
        address="ул. Ленина, 1",
        visitors="Социальный педагог",
        living_conditions="Удовлетворительные",
    )
    PreventiveWorkEntry.objects.create(
        **common,
        held_on=TODAY,
        form_of_work=PreventiveWorkEntry.Form.CONVERSATION,
        content="Беседа",
        conducted_by="Социальный педагог",
    )
    return pupil


def staff(world, persona):
    user = world.users[persona]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def test_the_delete_confirmation_does_not_enumerate_the_records(client, world, records):
    client.force_login(staff(world, "curator"))
    before = AccessLog.objects.filter(participant=records).count()
    url = reverse("admin:people_participant_delete", args=[records.pk])
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    for model in (HomeVisitAct, PreventiveWorkEntry):
        assert str(model._meta.verbose_name) not in body.lower()
        assert str(model._meta.verbose_name_plural) not in body.lower()
    assert "конфиденциального раздела" in body  # one line with their number
    assert AccessLog.objects.filter(participant=records).count() == before + 1


def test_the_deputy_deletes_no_person_in_the_admin(client, world, records):
    client.force_login(staff(world, "deputy"))
    for url in (
        reverse("admin:people_participant_delete", args=[records.pk]),
        reverse("admin:people_participant_delete", args=[world.mentee_participant.pk]),
        reverse("admin:people_mentorprofile_delete", args=[world.risk_pair.mentor.pk]),
    ):
        assert client.get(url).status_code in (302, 403)
        assert "конфиденциального" not in client.get(url).content.decode()
    assert Participant.objects.filter(pk=records.pk).exists()


# --- 6. Reads of the tier outside /safeguarding/ are logged ---------------------------


def reads_of(pupil) -> int:
    return AccessLog.objects.filter(participant=pupil, action="view").count()


@pytest.mark.parametrize(
    "url",
    [
        lambda w: reverse("people:mentee-detail", args=[w.risk_mentee.pk]),
        lambda w: reverse("people:mentee-list") + f"?category={w.sensitive.first().pk}",
        lambda w: reverse("people:mentee-update", args=[w.risk_mentee.pk]),
        lambda w: reverse("matching:for-mentee", args=[w.risk_mentee.pk]),
        lambda w: reverse(
            "history:detail",
            kwargs={"label": "people.menteeprofile", "pk": w.risk_mentee.pk},
        ),
        lambda w: export("mentee-base", "xlsx"),
        lambda w: reverse("journal:pair", args=[w.risk_pair.pk]),
        lambda w: export("pair-journal", "pdf", pair=w.risk_pair.pk),
    ],
    ids=[
        "mentee-card",
        "list-by-category",
        "edit-page",
        "matching",
        "history",
        "mentee-base-export",
        "journal",
        "journal-pdf",
    ],
)
def test_a_read_of_the_tier_writes_one_row(client, world, url):
    pupil = world.risk_mentee.participant
    before = reads_of(pupil)
    response = logged_in(client, world, "curator").get(url(world))
    assert response.status_code == 200
    assert reads_of(pupil) == before + 1
    row = AccessLog.objects.filter(participant=pupil).latest("pk")
    assert row.user == world.users["curator"]
    assert row.participant_name == pupil.full_name


def test_the_pairs_own_mentor_reading_the_journal_is_logged(client, world):
    pupil = world.risk_mentee.participant
    before = reads_of(pupil)
    response = logged_in(client, world, "social_pedagogue").get(
        reverse("journal:pair", args=[world.risk_pair.pk])
    )
    assert RISK_TOPIC in response.content.decode()
    assert reads_of(pupil) == before + 1


def test_what_shows_no_tier_logs_nothing(client, world):
    """The deputy's card of the same pupil shows nothing of the tier: no row."""
    pupil = world.risk_mentee.participant
    before = AccessLog.objects.count()
    logged_in(client, world, "deputy").get(
        reverse("people:mentee-detail", args=[world.risk_mentee.pk])
    )
    assert AccessLog.objects.count() == before
    assert reads_of(pupil) == 0


def test_deleting_a_person_rewrites_no_log_row(client, world):
    """The log keeps who was read and who read even when both are deleted."""
    from people.models import Role
    from tests import factories as f
    from tests.conftest import member

    mentee = f.MenteeFactory(participant__organisation=world.organisation)
    mentee.categories.add(MenteeCategory.objects.get(is_sensitive=True))
    reader = member(world.organisation, Role.CURATOR, "reader")
    client.force_login(reader)
    client.get(reverse("people:mentee-detail", args=[mentee.pk]))
    pupil = mentee.participant
    row = AccessLog.objects.get(participant_id=pupil.pk)
    name, pupil_pk, reader_pk = pupil.full_name, pupil.pk, reader.pk
    client.logout()
    mentee.delete()
    pupil.delete()
    reader.delete()
    row = AccessLog.objects.get(pk=row.pk)
    assert (row.participant_id, row.participant_name) == (pupil_pk, name)
    assert (row.user_id, row.user_name) == (reader_pk, reader.get_full_name())
