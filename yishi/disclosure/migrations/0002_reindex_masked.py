"""Notices indexed before the masking caught every spelling of a number (+86, spaces,
dashes, full-width digits, 15-digit IDs) may still be found by one: rebuild their words."""

from django.db import migrations


def reindex(apps, schema_editor):  # type: ignore[no-untyped-def]
    from yishi.disclosure.search import reindex_notices

    reindex_notices(apps.get_model("disclosure", "Notice"))


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_initial")]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop, elidable=True)]
