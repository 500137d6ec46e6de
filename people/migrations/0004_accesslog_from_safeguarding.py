"""The access log moves from safeguarding to people: the tier it records is read on
pages of every app, which all stand on people. State only: the table stays."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0003_roadmaptemplate_roadmapitem_roadmaptemplateitem"),
        ("people", "0003_history_of_changes"),
        ("safeguarding", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AccessLog",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("at", models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="time")),
                        ("user_name", models.CharField(max_length=255, verbose_name="user name")),
                        ("action", models.CharField(choices=[("view", "view"), ("create", "create"), ("update", "update"), ("delete", "delete"), ("export", "export or print")], max_length=10, verbose_name="action")),
                        ("object_type", models.CharField(blank=True, max_length=100, verbose_name="object type")),
                        ("object_pk", models.PositiveBigIntegerField(null=True, verbose_name="object id")),
                        ("description", models.CharField(max_length=255, verbose_name="description")),
                        ("ip_address", models.GenericIPAddressField(null=True, verbose_name="IP address")),
                        ("user_agent", models.CharField(blank=True, max_length=255, verbose_name="browser")),
                        ("path", models.CharField(blank=True, max_length=500, verbose_name="address of the page")),
                        ("organisation", models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="mentoring.organisation", verbose_name="organisation")),
                        ("participant", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="people.participant", verbose_name="pupil")),
                        ("user", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="user")),
                    ],
                    options={
                        "verbose_name": "access log entry",
                        "verbose_name_plural": "access log",
                        "ordering": ["-at", "-pk"],
                        "db_table": "safeguarding_accesslog",
                        "indexes": [models.Index(fields=["organisation", "-at"], name="safeguardin_organis_7e123a_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
