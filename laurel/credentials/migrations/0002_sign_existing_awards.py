"""After an upgrade, awards made before signing existed get their credentials.

Signing needs today's code (keys, builder, proofs), which a migration must not import as
models, so this only enqueues the task when there is work; `laurel worker` does the rest,
and `laurel manage sign_awards` does it on the spot.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def enqueue_signing(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Award = apps.get_model("awards", "Award")
    Credential = apps.get_model("credentials", "Credential")
    unsigned = Award.objects.exclude(pk__in=Credential.objects.values("award_id"))
    if unsigned.exists():
        from laurel.credentials.tasks import sign_unsigned_awards

        sign_unsigned_awards.enqueue()


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0001_initial"),
        # Enqueuing writes a task row, so the task table must be in its current shape.
        ("django_tasks_database", "__latest__"),
    ]

    operations = [migrations.RunPython(enqueue_signing, migrations.RunPython.noop)]
