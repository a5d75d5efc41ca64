"""Secret ballots become totals: one ballot box per vote instead of a row per ballot.

A row per ballot could be lined up with the voter marks by physical order (SQLite) or
transaction id (PostgreSQL); the totals carry over and the rows are dropped.
"""

import django.db.models.deletion
from django.db import migrations, models


def ballots_to_totals(apps, schema_editor):
    Vote = apps.get_model("consult", "Vote")
    Ballot = apps.get_model("consult", "Ballot")
    BallotBox = apps.get_model("consult", "BallotBox")
    for vote in Vote.objects.filter(method="ballot").iterator():
        ballots = Ballot.objects.filter(vote=vote)
        BallotBox.objects.create(
            vote=vote,
            yes=ballots.filter(choice="yes").count(),
            no=ballots.filter(choice="no").count(),
            abstain=ballots.filter(choice="abstain").count(),
            paper=ballots.filter(paper=True).count(),
        )


class Migration(migrations.Migration):

    dependencies = [
        ('consult', '0010_assemblies'),
    ]

    operations = [
        migrations.CreateModel(
            name='BallotBox',
            fields=[
                ('vote', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='box', serialize=False, to='consult.vote')),
                ('yes', models.PositiveIntegerField(default=0)),
                ('no', models.PositiveIntegerField(default=0)),
                ('abstain', models.PositiveIntegerField(default=0)),
                ('paper', models.PositiveIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'ballot box',
                'verbose_name_plural': 'ballot boxes',
            },
        ),
        migrations.RunPython(ballots_to_totals, migrations.RunPython.noop, elidable=True),
        migrations.DeleteModel(
            name='Ballot',
        ),
    ]
