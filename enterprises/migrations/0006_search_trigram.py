"""A trigram index on the folded name, so that the enterprise table's name search ("contains") reads
the matching rows instead of every enterprise's name (PostgreSQL only: SQLite has no such index)."""

from django.db import migrations

CREATE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS enterprise_search_trigram ON enterprises_enterprise "
    "USING gin (search_name gin_trgm_ops)",
)
DROP = ("DROP INDEX IF EXISTS enterprise_search_trigram",)


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0005_people")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
