"""The access log is `people.AccessLog` now (people/migrations/0004): state only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("safeguarding", "0001_initial"),
        ("people", "0004_accesslog_from_safeguarding"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AccessLog")],
            database_operations=[],
        ),
    ]
