"""Targets per province: the installation (neither), a province, or a zone."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0008_reporting_cycle"),
        ("zones", "0005_apitoken_zones"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="target",
            options={
                "ordering": ["-year", "indicator", "province__code", "zone__code"],
                "verbose_name": "target",
                "verbose_name_plural": "targets",
            },
        ),
        migrations.RemoveConstraint(model_name="target", name="unique_province_target"),
        migrations.AddField(
            model_name="historicaltarget",
            name="province",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="Empty for the whole installation or a zone.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="zones.province",
                verbose_name="province",
            ),
        ),
        migrations.AddField(
            model_name="target",
            name="province",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for the whole installation or a zone.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="targets",
                to="zones.province",
                verbose_name="province",
            ),
        ),
        migrations.AddConstraint(
            model_name="target",
            constraint=models.UniqueConstraint(
                condition=models.Q(("province__isnull", True), ("zone__isnull", True)),
                fields=("indicator", "year"),
                name="unique_installation_target",
            ),
        ),
        migrations.AddConstraint(
            model_name="target",
            constraint=models.UniqueConstraint(
                condition=models.Q(("province__isnull", False)),
                fields=("indicator", "year", "province"),
                name="unique_province_target",
            ),
        ),
        migrations.AddConstraint(
            model_name="target",
            constraint=models.CheckConstraint(
                condition=models.Q(("province__isnull", True), ("zone__isnull", True), _connector="OR"),
                name="target_one_scope",
            ),
        ),
    ]
