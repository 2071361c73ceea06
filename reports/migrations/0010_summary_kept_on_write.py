"""The summary is kept exact on every write (reports.summary): the dirty markers go, and the summary
rows get keys without NULL. The old rows are dropped; ``migrate`` summarizes every period with
returns again (reports.apps, post_migrate)."""

from django.db import migrations


def forget_summarized_periods(apps, schema_editor):
    apps.get_model("reports", "SummarizedPeriod").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0009_target_province")]

    operations = [
        migrations.DeleteModel(name="SummaryDirty"),
        migrations.DeleteModel(name="CoverageSummary"),
        migrations.RunPython(forget_summarized_periods, migrations.RunPython.noop),
    ]
