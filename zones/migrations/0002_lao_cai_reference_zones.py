"""The province's four zones are reference data: every installation for Lao Cai starts with them."""

from django.db import migrations

PROVINCE = ("lao-cai", "Lào Cai")
ZONES = [
    ("BDH", "KCN Bắc Duyên Hải", "industrial_zone"),
    ("DPM", "KCN Đông Phố Mới", "industrial_zone"),
    ("TL", "KCN Tằng Loỏng", "industrial_zone"),
    ("BEZ", "Khu kinh tế cửa khẩu Lào Cai", "border_economic_zone"),
]


def create(apps, schema_editor):
    Province = apps.get_model("zones", "Province")
    Zone = apps.get_model("zones", "Zone")
    province, _ = Province.objects.get_or_create(code=PROVINCE[0], defaults={"name": PROVINCE[1]})
    for code, name, kind in ZONES:
        Zone.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "province": province})


def remove(apps, schema_editor):
    Zone = apps.get_model("zones", "Zone")
    Province = apps.get_model("zones", "Province")
    Zone.objects.filter(code__in=[code for code, _n, _k in ZONES]).delete()
    Province.objects.filter(code=PROVINCE[0], zones__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("zones", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
