"""PathSettings is a real singleton: its id is always 1 and a check constraint lets no second row
exist (the row's values were kept by 0025)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0025_path_settings_one_row"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalpathsettings",
            name="id",
            field=models.BigIntegerField(db_index=True, default=1, editable=False, verbose_name="ID"),
        ),
        migrations.AlterField(
            model_name="pathsettings",
            name="id",
            field=models.BigIntegerField(
                default=1, editable=False, primary_key=True, serialize=False, verbose_name="ID"
            ),
        ),
        migrations.AddConstraint(
            model_name="pathsettings",
            constraint=models.CheckConstraint(condition=models.Q(("id", 1)), name="path_settings_single_row"),
        ),
    ]
