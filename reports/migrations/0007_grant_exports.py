from django.contrib.auth.management import create_permissions
from django.db import migrations

# Who may download reports and tables by default; an administrator can withdraw it from a role.
GRANTED_TO = ("viewer", "administrator")


def grant_exports(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    export = Permission.objects.get(content_type__app_label="reports", codename="export_reports")
    for name in GRANTED_TO:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(export)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0006_flag_review"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_exports, migrations.RunPython.noop)]
