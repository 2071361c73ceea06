"""Before PathSettings becomes a real singleton (0026): the row ``current()`` read, the first by id,
is kept with its values and its history as the one row, id 1; any later row (never read) goes."""

from django.db import migrations


def keep_the_first_row(apps, schema_editor):
    PathSettings = apps.get_model("reports", "PathSettings")
    History = apps.get_model("reports", "HistoricalPathSettings")
    first = PathSettings.objects.order_by("pk").first()
    if first is None:
        return
    PathSettings.objects.exclude(pk=first.pk).delete()
    if first.pk != 1:
        PathSettings.objects.filter(pk=first.pk).update(id=1)
        History.objects.filter(id=first.pk).update(id=1)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0024_enterprise_table"),
    ]

    operations = [
        migrations.RunPython(keep_the_first_row, migrations.RunPython.noop),
    ]
