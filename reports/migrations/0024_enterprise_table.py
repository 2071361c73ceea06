"""The enterprise table sorted by workers, largest first, reads fifty rows of an index. SQLite has no
NULLS LAST in an index: there the index exists in the model's state only (a small table sorts fast)."""

from django.db import migrations, models

INDEX = models.Index(
    models.F("period"),
    models.OrderBy(models.F("workers"), descending=True, nulls_last=True),
    condition=models.Q(("operating", True)),
    name="figures_operating_workers",
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("reports", "EnterpriseFigures"), INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("reports", "EnterpriseFigures"), INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0005_people"),
        ("reports", "0023_target_paths"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="enterprisefigures", index=INDEX)],
            database_operations=[migrations.RunPython(create, drop)],
        )
    ]
