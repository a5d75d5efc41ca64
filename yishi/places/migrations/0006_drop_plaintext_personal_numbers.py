"""The plaintext phone and ID number columns go; the encrypted ones take their names, and
the blind indexes their index and the ID number's uniqueness."""

from django.db import migrations, models

import yishi.core.fields


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0005_encrypt_personal_numbers'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='personaldata',
            name='phone',
        ),
        migrations.RemoveField(
            model_name='personaldata',
            name='id_number',
        ),
        migrations.RenameField(
            model_name='personaldata',
            old_name='phone_sealed',
            new_name='phone',
        ),
        migrations.RenameField(
            model_name='personaldata',
            old_name='id_number_sealed',
            new_name='id_number',
        ),
        migrations.AlterField(
            model_name='personaldata',
            name='phone',
            field=yishi.core.fields.EncryptedCharField(blank=True, context='places.PersonalData.phone', max_length=11, verbose_name='mobile phone'),
        ),
        migrations.AlterField(
            model_name='personaldata',
            name='id_number',
            field=yishi.core.fields.EncryptedCharField(blank=True, context='places.PersonalData.id_number', max_length=18, null=True, verbose_name='ID number'),
        ),
        migrations.AlterField(
            model_name='personaldata',
            name='phone_index',
            field=yishi.core.fields.BlindIndexField(kind='phone', source='phone'),
        ),
        migrations.AlterField(
            model_name='personaldata',
            name='id_number_index',
            field=yishi.core.fields.BlindIndexField(kind='id_number', source='id_number', verbose_name='ID number'),
        ),
        migrations.AddIndex(
            model_name='personaldata',
            index=models.Index(fields=['phone_index'], name='personaldata_phone_index'),
        ),
        migrations.AddConstraint(
            model_name='personaldata',
            constraint=models.UniqueConstraint(fields=('id_number_index',), name='personaldata_unique_id_number'),
        ),
    ]
