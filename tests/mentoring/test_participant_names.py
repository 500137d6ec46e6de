"""The neutral names of role variants and forms for participants' eyes (issue 13,
finding 9): every shipped row has one, the migration fills a school's own rows, and
the model never falls back to an official name that describes a mentee."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from mentoring.models import MentoringForm, RoleVariant

DEFICIENT = (
    "неуспевающ",
    "пассивн",
    "неадаптированн",
    "равнодушн",
    "потребител",
    "испытывающ",
    "проблем",
    "консервативн",
    "неопытн",
    "социально опасн",
    "риск",
    "профилакт",
)

migration = importlib.import_module("mentoring.migrations.0004_participant_names")


def assert_neutral(name: str):
    assert name
    for word in DEFICIENT:
        assert word not in name.lower(), (name, word)


@pytest.mark.parametrize("code", list(migration.VARIANT_NAMES))
def test_every_shipped_variant_has_a_neutral_name(code):
    variant = RoleVariant.objects.get(code=code)
    assert variant.participant_name == migration.VARIANT_NAMES[code]
    assert_neutral(variant.participant_name)


def test_the_fixture_and_the_migration_agree_on_every_row():
    assert set(migration.VARIANT_NAMES) == set(
        RoleVariant.objects.values_list("code", flat=True)
    )
    for form in MentoringForm.objects.all():
        assert_neutral(form.participant_name)


def test_shipped_names():
    names = dict(RoleVariant.objects.values_list("code", "participant_name"))
    assert names["pp-achiever"] == "Помощь в учёбе"
    assert names["pp-leader"] == "Вовлечение в жизнь школы"
    assert names["pp-adapted"] == "Адаптация в новом коллективе"
    assert names["pp-peer"] == "Равный – равному"
    assert names["tp-professional"] == "Профессиональные пробы"
    assert names["tt-innovator"] == "Обмен педагогическим опытом"
    assert names["tt-leader"] == "Профессиональная поддержка"
    assert names["sr-social-pedagogue"] == "Индивидуальное сопровождение"
    social = MentoringForm.objects.get(code="social-risk")
    assert social.participant_name == "Наставник – учащийся"


def test_the_migration_fills_a_schools_own_variants():
    pupils = MentoringForm.objects.get(code="pupil-pupil")
    social = MentoringForm.objects.get(code="social-risk")
    own = RoleVariant.objects.create(
        code="own-weak", name="Сильный – слабый", form=pupils, participant_name=""
    )
    own_risk = RoleVariant.objects.create(
        code="own-risk",
        name="Инспектор ПДН – подучётный",
        form=social,
        participant_name="",
    )
    shipped = RoleVariant.objects.get(code="pp-leader")
    RoleVariant.objects.filter(pk=shipped.pk).update(participant_name="")
    kept = RoleVariant.objects.get(code="pp-peer")
    RoleVariant.objects.filter(pk=kept.pk).update(participant_name="Свой выбор школы")

    migration.fill_participant_names(apps, None)

    own.refresh_from_db()
    own_risk.refresh_from_db()
    shipped.refresh_from_db()
    kept.refresh_from_db()
    assert own.participant_name == "Наставничество: ученик – ученик"
    assert own_risk.participant_name == "Индивидуальное сопровождение"
    assert shipped.participant_name == "Вовлечение в жизнь школы"
    assert kept.participant_name == "Свой выбор школы"


def test_name_for_the_viewer():
    variant = RoleVariant.objects.get(code="pp-achiever")
    assert variant.name_for(official=True) == "Успевающий – неуспевающий"
    assert variant.name_for(official=False) == "Помощь в учёбе"


def test_a_variant_without_a_neutral_name_never_shows_the_official_one():
    pupils = MentoringForm.objects.get(code="pupil-pupil")
    social = MentoringForm.objects.get(code="social-risk")
    own = RoleVariant(code="x", name="Сильный – слабый", form=pupils)
    assert own.name_for(official=False) == "Наставничество: ученик – ученик"
    risk = RoleVariant(code="y", name="Подучётный", form=social)
    assert risk.name_for(official=False) == "Индивидуальное сопровождение"
    bare_form = MentoringForm(code="z", name="Подучётные", is_social_risk=True)
    assert bare_form.name_for(official=False) == "Наставник – учащийся"


def test_the_neutral_name_is_required_in_the_admin(client, superuser):
    client.force_login(superuser)
    variant = RoleVariant.objects.get(code="pp-achiever")
    url = reverse("admin:mentoring_rolevariant_change", args=[variant.pk])
    page = client.get(url).content.decode()
    assert 'name="participant_name"' in page
    assert "Помощь в учёбе" in page
    response = client.post(
        url,
        {
            "code": variant.code,
            "name": variant.name,
            "participant_name": "",
            "order": variant.order,
            "is_active": "on",
            "form": variant.form_id,
            "description": variant.description,
        },
    )
    assert response.status_code == 200  # the form again, with the error
    variant.refresh_from_db()
    assert variant.participant_name == "Помощь в учёбе"
    changes = reverse("admin:mentoring_rolevariant_changelist")
    assert "Помощь в учёбе" in client.get(changes).content.decode()
