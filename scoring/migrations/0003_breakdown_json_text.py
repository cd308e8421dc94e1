"""PostgreSQL: score breakdowns as `json` (checked text) instead of `jsonb`.

Converting each ~3 kB breakdown to jsonb took most of a national evaluation's write time
(bench/RESULTS.md, 2026-12-05). The column is read whole, or by path (KT), which `json`
supports as well. A no-op on SQLite. The lz4 compression of 0002 is set again: changing a
column's type rewrites it (in either direction)."""

from django.db import migrations, transaction

import scoring.models

TABLE = "scoring_scoresnapshot"


def _set_compression(method):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql" or connection.pg_version < 140000:
            return
        try:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute(
                    f"ALTER TABLE {TABLE} ALTER COLUMN breakdown SET COMPRESSION {method}"
                )
        except Exception:  # a server built without lz4 keeps its default
            return

    return run


class Migration(migrations.Migration):
    dependencies = [("scoring", "0002_breakdown_lz4")]

    operations = [
        # Reversed last: back on jsonb, lz4 again.
        migrations.RunPython(migrations.RunPython.noop, _set_compression("lz4"), elidable=True),
        migrations.AlterField(
            model_name="scoresnapshot",
            name="breakdown",
            field=scoring.models.TextJSONField(
                default=dict,
                encoder=scoring.models.PreEncodedJSONEncoder,
                verbose_name="得分明细",
            ),
        ),
        migrations.RunPython(_set_compression("lz4"), migrations.RunPython.noop, elidable=True),
    ]
