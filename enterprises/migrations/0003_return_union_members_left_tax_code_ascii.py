import re
import unicodedata

import django.core.validators
from django.db import migrations, models

ASCII_TAX_CODE = r"^[0-9]{10}(-[0-9]{3})?$"


def _ascii(code: str) -> str:
    """The tax code with every decimal digit in ASCII (a copy of core.parsing's rule, frozen here)."""
    code = unicodedata.normalize("NFKC", code).strip()
    return "".join(str(unicodedata.decimal(c)) if not c.isascii() and c.isdecimal() else c for c in code)


def ascii_tax_codes(apps, schema_editor):
    """Rewrite tax codes stored with other digits before the constraint forbids them.

    Two enterprises whose codes differ only in their digits are one enterprise entered twice: merging
    them is a person's decision, so the migration stops and names them instead of guessing.
    """
    Enterprise = apps.get_model("enterprises", "Enterprise")
    clashes = []
    for enterprise in Enterprise.objects.exclude(tax_code__regex=ASCII_TAX_CODE).order_by("pk"):
        code = _ascii(enterprise.tax_code)
        if Enterprise.objects.filter(tax_code=code).exclude(pk=enterprise.pk).exists():
            clashes.append(f"{enterprise.pk} ({code})")
            continue
        Enterprise.objects.filter(pk=enterprise.pk).update(tax_code=code)
    if clashes:
        raise RuntimeError(
            "These enterprises repeat the tax code of another one, written with other digits; merge or "
            "correct them, then migrate again: " + ", ".join(clashes)
        )


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0002_return_period_index'),
        ('zones', '0004_zone_figure_groups_and_frequency'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalreturn',
            name='union_members_left',
            field=models.PositiveIntegerField(blank=True, help_text='Moved, resigned or died during the period.', null=True, verbose_name='union members who left'),
        ),
        migrations.AddField(
            model_name='return',
            name='union_members_left',
            field=models.PositiveIntegerField(blank=True, help_text='Moved, resigned or died during the period.', null=True, verbose_name='union members who left'),
        ),
        migrations.AlterField(
            model_name='enterprise',
            name='tax_code',
            field=models.CharField(max_length=14, unique=True, validators=[django.core.validators.RegexValidator(re.compile('^[0-9]{10}(-[0-9]{3})?$'), 'A tax code is 10 digits, or 10 digits, a hyphen and 3 digits for a branch (0101234567-001).', code='invalid_tax_code')], verbose_name='tax code'),
        ),
        migrations.AlterField(
            model_name='historicalenterprise',
            name='tax_code',
            field=models.CharField(db_index=True, max_length=14, validators=[django.core.validators.RegexValidator(re.compile('^[0-9]{10}(-[0-9]{3})?$'), 'A tax code is 10 digits, or 10 digits, a hyphen and 3 digits for a branch (0101234567-001).', code='invalid_tax_code')], verbose_name='tax code'),
        ),
        migrations.RunPython(ascii_tax_codes, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name='enterprise',
            constraint=models.CheckConstraint(condition=models.Q(('tax_code__regex', '^[0-9]{10}(-[0-9]{3})?$')), name='enterprise_tax_code_ascii'),
        ),
    ]
