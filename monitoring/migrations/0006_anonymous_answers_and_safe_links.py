"""Anonymous answers keep nothing that joins them back to a pupil (issue 13, finding
5); SWOT evidence links are http(s) or a page of the portal (finding 8).

The data steps: existing answers of anonymous questionnaires lose their invitation,
respondent, pair, form, date and way of answering (their answers stay, and so does
the invitation's «answered on»); a SWOT evidence link that the new rule refuses
(`javascript:` and the like) is emptied, its label and the point stay.
"""

from django.core.exceptions import ValidationError
from django.db import migrations, models

import mentoring.lib.validators


def unlink_anonymous_answers(apps, schema_editor):
    Response = apps.get_model("monitoring", "Response")
    Response.objects.filter(campaign__questionnaire__is_anonymous=True).update(
        invitation=None,
        participant=None,
        pair=None,
        form=None,
        submitted_on=None,
        via="",
    )


def empty_unsafe_evidence_links(apps, schema_editor):
    SwotPoint = apps.get_model("monitoring", "SwotPoint")
    unsafe = []
    for pk, url in SwotPoint.objects.exclude(evidence_url="").values_list(
        "pk", "evidence_url"
    ):
        try:
            mentoring.lib.validators.validate_link(url)
        except ValidationError:
            unsafe.append(pk)
    SwotPoint.objects.filter(pk__in=unsafe).update(evidence_url="")


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0005_history_of_changes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="response",
            name="submitted_on",
            field=models.DateField(blank=True, null=True, verbose_name="submitted on"),
        ),
        migrations.AlterField(
            model_name="response",
            name="via",
            field=models.CharField(
                blank=True,
                choices=[
                    ("workspace", "in the workspace"),
                    ("link", "by a personal link"),
                ],
                max_length=10,
                verbose_name="answered",
            ),
        ),
        migrations.AlterField(
            model_name="swotpoint",
            name="evidence_url",
            field=models.CharField(
                blank=True,
                help_text="A page of the portal (/…) or an http(s) address.",
                max_length=500,
                validators=[mentoring.lib.validators.validate_link],
                verbose_name="evidence link",
            ),
        ),
        migrations.RunPython(unlink_anonymous_answers, migrations.RunPython.noop),
        migrations.RunPython(empty_unsafe_evidence_links, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="response",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("submitted_on__isnull", False),
                    models.Q(
                        ("form__isnull", True),
                        ("invitation__isnull", True),
                        ("pair__isnull", True),
                        ("participant__isnull", True),
                        ("via", ""),
                    ),
                    _connector="OR",
                ),
                name="response_undated_keeps_no_link",
            ),
        ),
    ]
