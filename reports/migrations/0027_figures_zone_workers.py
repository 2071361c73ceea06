"""A zone's table sorted by workers reads its first page from the (period, zone, workers) index, which
replaces (period, zone): the same number of indexes for the upkeep to write. SQLite has no NULLS LAST
in an index: there the database keeps (period, zone) and the new index is in the model's state only."""

from django.db import migrations, models

OLD = models.Index(fields=["period", "zone_id"], name="figures_period_zone")
NEW = models.Index(
    models.F("period"),
    models.F("zone_id"),
    models.OrderBy(models.F("workers"), descending=True, nulls_last=True),
    name="figures_period_zone_workers",
)


def replace(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        model = apps.get_model("reports", "EnterpriseFigures")
        schema_editor.add_index(model, NEW)
        schema_editor.remove_index(model, OLD)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        model = apps.get_model("reports", "EnterpriseFigures")
        schema_editor.add_index(model, OLD)
        schema_editor.remove_index(model, NEW)


class Migration(migrations.Migration):
    dependencies = [("reports", "0026_path_settings_singleton")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="enterprisefigures", name="figures_period_zone"),
                migrations.AddIndex(model_name="enterprisefigures", index=NEW),
            ],
            database_operations=[migrations.RunPython(replace, restore)],
        )
    ]
