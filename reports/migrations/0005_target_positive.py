import django.core.validators
from django.db import migrations, models


def drop_zero_targets(apps, schema_editor):
    # A target of 0 could be set before this migration (set_target, the form); "% of target" was
    # null for it, as for no target at all, which is what removing it leaves. The constraint below
    # could not be added with such rows in place.
    apps.get_model("reports", "Target").objects.filter(value__lte=0).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0004_summary_figure_groups'),
    ]

    operations = [
        migrations.RunPython(drop_zero_targets, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='historicaltarget',
            name='value',
            field=models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1, 'A target is a positive whole number: 1 or more.')], verbose_name='value'),
        ),
        migrations.AlterField(
            model_name='target',
            name='value',
            field=models.PositiveIntegerField(validators=[django.core.validators.MinValueValidator(1, 'A target is a positive whole number: 1 or more.')], verbose_name='value'),
        ),
        migrations.AddConstraint(
            model_name='target',
            constraint=models.CheckConstraint(condition=models.Q(('value__gt', 0)), name='target_value_positive'),
        ),
    ]
