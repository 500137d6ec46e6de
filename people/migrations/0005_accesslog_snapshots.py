"""The access log keeps who was read as a snapshot (`participant_name`), and the
links to the user and the participant no longer change when those are deleted
(no constraint, nothing on delete: before, SET_NULL rewrote the rows)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def snapshot_names(apps, schema_editor):
    AccessLog = apps.get_model("people", "AccessLog")
    Participant = apps.get_model("people", "Participant")
    ids = set(
        AccessLog.objects.exclude(participant_id=None).values_list(
            "participant_id", flat=True
        )
    )
    for participant in Participant.objects.filter(pk__in=ids):
        name = " ".join(
            part
            for part in (
                participant.last_name,
                participant.first_name,
                participant.middle_name,
            )
            if part
        )
        # The model's append-only guard is not in the historical model: this is
        # the one write that completes the rows, before the snapshot is in force.
        AccessLog.objects.filter(participant_id=participant.pk).update(
            participant_name=name[:255]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_accesslog_from_safeguarding"),
        ("safeguarding", "0002_accesslog_to_people"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="accesslog",
            name="participant_name",
            field=models.CharField(blank=True, max_length=255, verbose_name="pupil's name"),
        ),
        migrations.RunPython(snapshot_names, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="accesslog",
            name="participant",
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="people.participant", verbose_name="pupil"),
        ),
        migrations.AlterField(
            model_name="accesslog",
            name="user",
            field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="user"),
        ),
        migrations.AlterModelTable(name="accesslog", table=None),
        migrations.RenameIndex(
            model_name="accesslog",
            new_name="access_log_org_at",
            old_name="safeguardin_organis_7e123a_idx",
        ),
    ]
