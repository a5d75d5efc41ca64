"""Columns for the encrypted phone and ID numbers and their blind indexes, beside the
plaintext ones; 0005 fills them, 0006 drops the plaintext and takes over the names."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0003_residence'),
    ]

    operations = [
        migrations.AddField(
            model_name='personaldata',
            name='phone_sealed',
            field=models.TextField(blank=True, default=''),
        ),
        migrations.AddField(
            model_name='personaldata',
            name='id_number_sealed',
            field=models.TextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='personaldata',
            name='phone_index',
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name='personaldata',
            name='id_number_index',
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
    ]
