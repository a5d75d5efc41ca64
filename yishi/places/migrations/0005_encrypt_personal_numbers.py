"""Encrypt every phone and ID number already stored and fill their blind indexes (and,
backwards, decrypt them into the plaintext columns again).

The tokens are made with ``yishi.core.crypto`` directly, into plain text columns, so this
migration does not depend on how the model fields behave later. It needs the data key the
server will run with (``YISHI_DATA_KEY``): run it with the production environment.
"""

from django.db import migrations
from django.db.models import Count

PHONE = "places.PersonalData.phone"
ID_NUMBER = "places.PersonalData.id_number"
BATCH = 500


def _batches(model, db):
    last = 0
    while True:
        batch = list(model.objects.using(db).filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def encrypt(apps, schema_editor):
    from yishi.core import crypto

    PersonalData = apps.get_model("places", "PersonalData")
    db = schema_editor.connection.alias
    for batch in _batches(PersonalData, db):
        for pd in batch:
            pd.phone_sealed = crypto.encrypt(pd.phone, context=PHONE) if pd.phone else ""
            pd.phone_index = crypto.blind_index("phone", pd.phone)
            pd.id_number_sealed = (crypto.encrypt(pd.id_number, context=ID_NUMBER)
                                   if pd.id_number else None)
            pd.id_number_index = crypto.blind_index("id_number", pd.id_number)
        PersonalData.objects.using(db).bulk_update(
            batch, ["phone_sealed", "phone_index", "id_number_sealed", "id_number_index"])
    # The plaintext column was unique as spelled; the index is unique as normalised
    # ("...x" and "...X" are one number). Say who, rather than fail on the constraint.
    twice = (PersonalData.objects.using(db).exclude(id_number_index=None)
             .values("id_number_index").annotate(n=Count("pk")).filter(n__gt=1))
    clashes = [sorted(PersonalData.objects.using(db).filter(id_number_index=row["id_number_index"])
                      .values_list("person_id", flat=True)) for row in twice]
    if clashes:
        raise RuntimeError(
            "These people hold the same ID number, spelled differently (person ids): "
            f"{clashes}. Merge or correct them, then migrate again.")


def decrypt(apps, schema_editor):
    from yishi.core import crypto

    PersonalData = apps.get_model("places", "PersonalData")
    db = schema_editor.connection.alias
    for batch in _batches(PersonalData, db):
        for pd in batch:
            pd.phone = crypto.decrypt(pd.phone_sealed, context=PHONE) if pd.phone_sealed else ""
            pd.id_number = (crypto.decrypt(pd.id_number_sealed, context=ID_NUMBER)
                            if pd.id_number_sealed else None)
        PersonalData.objects.using(db).bulk_update(batch, ["phone", "id_number"])


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0004_personal_numbers_sealed_columns'),
    ]

    operations = [
        migrations.RunPython(encrypt, decrypt, elidable=False),
    ]
