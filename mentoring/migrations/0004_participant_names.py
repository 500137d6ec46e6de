"""A neutral name for participants' eyes on every form and role variant (issue 13,
finding 9): a pupil never reads «Успевающий – неуспевающий» about himself.

The shipped rows get the names of fixtures/catalogues.json; a school's own rows get
a wording derived from their form, never their official name."""

from django.db import migrations, models

FORM_NAMES = {
    "pupil-pupil": "Ученик – ученик",
    "teacher-teacher": "Учитель – учитель",
    "teacher-pupil": "Учитель – ученик",
    "employer-pupil": "Работодатель – ученик",
    "student-pupil": "Студент – ученик",
    "employer-student": "Работодатель – студент",
    "social-risk": "Наставник – учащийся",
}
SOCIAL_RISK_FORM = "Наставник – учащийся"

VARIANT_NAMES = {
    "pp-achiever": "Помощь в учёбе",
    "pp-leader": "Вовлечение в жизнь школы",
    "pp-peer": "Равный – равному",
    "pp-adapted": "Адаптация в новом коллективе",
    "tt-young": "Опытный педагог – молодой специалист",
    "tt-class-teacher": "Опытный классный руководитель – молодой специалист",
    "tt-leader": "Профессиональная поддержка",
    "tt-innovator": "Обмен педагогическим опытом",
    "tt-subject": "Методическая поддержка по предмету",
    "tp-professional": "Профессиональные пробы",
    "tp-colleague": "Коллега – молодой коллега",
    "ep-professional": "Профессиональные пробы",
    "ep-colleague": "Коллега – молодой коллега",
    "ep-future-employee": "Работодатель – будущий сотрудник",
    "sp-peer": "Студент – ученик",
    "es-future-employee": "Работодатель – будущий сотрудник",
    "sr-social-pedagogue": "Индивидуальное сопровождение",
    "sr-class-teacher": "Индивидуальное сопровождение",
}
SOCIAL_RISK_VARIANT = "Индивидуальное сопровождение"


def form_name(form) -> str:
    if form.code in FORM_NAMES:
        return FORM_NAMES[form.code]
    return SOCIAL_RISK_FORM if form.is_social_risk else form.name


def variant_name(variant) -> str:
    if variant.code in VARIANT_NAMES:
        return VARIANT_NAMES[variant.code]
    if variant.form.is_social_risk:
        return SOCIAL_RISK_VARIANT
    form = variant.form.participant_name or form_name(variant.form)
    return f"Наставничество: {form[:1].lower()}{form[1:]}"


def fill_participant_names(apps, schema_editor):
    """Fill the rows without a name for participants; a name already set stays."""
    MentoringForm = apps.get_model("mentoring", "MentoringForm")  # noqa: N806
    RoleVariant = apps.get_model("mentoring", "RoleVariant")  # noqa: N806
    for form in MentoringForm.objects.filter(participant_name=""):
        form.participant_name = form_name(form)
        form.save(update_fields=["participant_name"])
    for variant in RoleVariant.objects.filter(participant_name="").select_related(
        "form"
    ):
        variant.participant_name = variant_name(variant)
        variant.save(update_fields=["participant_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0003_roadmaptemplate_roadmapitem_roadmaptemplateitem"),
    ]

    operations = [
        migrations.AddField(
            model_name="mentoringform",
            name="participant_name",
            field=models.CharField(
                default="",
                help_text=(
                    "Shown to mentees and mentors, and printed on a pair's journal "
                    "and plan, instead of the official name. It must not describe "
                    "the mentee as deficient nor name the social-risk tier; only "
                    "the staff of the organisation see the official name."
                ),
                max_length=255,
                verbose_name="name for participants",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="rolevariant",
            name="participant_name",
            field=models.CharField(
                default="",
                help_text=(
                    "Shown to mentees and mentors, and printed on a pair's journal "
                    "and plan, instead of the official name. It must not describe "
                    "the mentee as deficient nor name the social-risk tier; only "
                    "the staff of the organisation see the official name."
                ),
                max_length=255,
                verbose_name="name for participants",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_participant_names, migrations.RunPython.noop),
    ]
