"""The meetings a period of the calendar's cadences, per community, never below the floor
of their clause (yishi.ledger.cadence.CADENCES)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0004_dashboard_figures'),
    ]

    operations = [
        migrations.AddField(
            model_name='ledgersettings',
            name='min_councils',
            field=models.PositiveSmallIntegerField(default=1, verbose_name='deliberation councils a quarter, at least'),
        ),
        migrations.AddField(
            model_name='ledgersettings',
            name='min_representatives',
            field=models.PositiveSmallIntegerField(default=1, verbose_name="representatives' meetings a quarter, at least"),
        ),
        migrations.AddField(
            model_name='ledgersettings',
            name='min_residents',
            field=models.PositiveSmallIntegerField(default=1, verbose_name="residents' meetings at the start and at the end of the year, at least"),
        ),
        migrations.AddConstraint(
            model_name='ledgersettings',
            constraint=models.CheckConstraint(condition=models.Q(('min_councils__gte', 1)), name='ledger_min_councils_floor'),
        ),
        migrations.AddConstraint(
            model_name='ledgersettings',
            constraint=models.CheckConstraint(condition=models.Q(('min_representatives__gte', 1)), name='ledger_min_representatives_floor'),
        ),
        migrations.AddConstraint(
            model_name='ledgersettings',
            constraint=models.CheckConstraint(condition=models.Q(('min_residents__gte', 1)), name='ledger_min_residents_floor'),
        ),
    ]
