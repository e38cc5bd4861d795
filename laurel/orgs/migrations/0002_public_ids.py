# Membership and Invitation get opaque public ids for URLs and forms.
# Added nullable first, filled row by row, then made unique, so that
# existing rows do not all receive the same default value.

from django.db import migrations, models

import laurel.core.ids


def fill_public_ids(apps, schema_editor):
    for model_name in ("Membership", "Invitation"):
        model = apps.get_model("orgs", model_name)
        for row in model.objects.filter(public_id__isnull=True).only("pk"):
            model.objects.filter(pk=row.pk).update(public_id=laurel.core.ids.new_public_id())


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="public_id",
            field=models.CharField(max_length=32, null=True),
        ),
        migrations.AddField(
            model_name="invitation",
            name="public_id",
            field=models.CharField(max_length=32, null=True),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="membership",
            name="public_id",
            field=models.CharField(default=laurel.core.ids.new_public_id, max_length=32, unique=True),
        ),
        migrations.AlterField(
            model_name="invitation",
            name="public_id",
            field=models.CharField(default=laurel.core.ids.new_public_id, max_length=32, unique=True),
        ),
    ]
