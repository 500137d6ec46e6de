from django.core.management import call_command

from mentoring.models import (
    MeetingType,
    MenteeCategory,
    MentorCategory,
    MentoringForm,
    MentoringWay,
    ProgrammeStage,
    RoleVariant,
    Subprogramme,
)
from monitoring.models import Parameter


def counts():
    return [
        model.objects.count()
        for model in (
            MentoringForm,
            RoleVariant,
            Subprogramme,
            MentoringWay,
            MeetingType,
            ProgrammeStage,
            MenteeCategory,
            MentorCategory,
            Parameter,
        )
    ]


def test_forms_and_role_variants_carry_the_seeds_names(db):
    names = set(MentoringForm.objects.values_list("name", flat=True))
    assert {
        "Ученик – ученик",
        "Учитель – учитель",
        "Учитель – ученик",
        "Работодатель – ученик",
    } <= names
    social = MentoringForm.objects.get(code="social-risk")
    assert social.is_social_risk
    assert social.name.startswith("Учащийся, находящийся в социально опасном положении")
    variants = set(
        RoleVariant.objects.filter(form__code="pupil-pupil").values_list(
            "name", flat=True
        )
    )
    assert variants == {
        "Успевающий – неуспевающий",
        "Лидер – пассивный",
        "Равный – равному",
        "Адаптированный – неадаптированный",
    }
    assert (
        RoleVariant.objects.get(code="tt-young").name
        == "Опытный педагог – молодой специалист"
    )


def test_stages_meeting_types_and_categories(db):
    assert list(ProgrammeStage.objects.values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
        6,
        7,
    ]
    assert ProgrammeStage.objects.get(number=5).name.startswith(
        "Формирование наставнических пар"
    )
    sequence = list(MeetingType.objects.values_list("code", flat=True))
    assert sequence[:5] == ["introduction", "trial", "planning", "regular", "final"]
    assert MeetingType.objects.get(code="general").is_general
    assert MenteeCategory.objects.get(code="prevention-register").is_sensitive
    assert MentorCategory.objects.get(code="veteran").contour == "external"
    assert Subprogramme.objects.filter(form__code="pupil-pupil").exists()
    assert Parameter.objects.get(code="anxiety").direction == "lower"


def test_loading_catalogues_again_adds_nothing(db):
    before = counts()
    call_command("loaddata", "catalogues", verbosity=0)
    assert counts() == before
    assert all(before)
