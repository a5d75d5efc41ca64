"""误工补贴 (000 (四)(3)): the subsidies paid to those who organise consultations,
registered and posted with the quarter's village-affairs disclosure."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0003_contents_review_escalation"),
        ("places", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LostWorkSubsidy",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("payee", models.CharField(max_length=50, verbose_name="paid to")),
                ("purpose", models.CharField(max_length=200,
                                             verbose_name="consultation organised")),
                ("amount", models.DecimalField(decimal_places=2, max_digits=9,
                                               verbose_name="amount (yuan)")),
                ("paid_on", models.DateField(verbose_name="paid on")),
                ("recorded_at", models.DateTimeField(verbose_name="recorded at")),
                ("community", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                related_name="lost_work_subsidies",
                                                to="places.place", verbose_name="community")),
                ("disclosure", models.ForeignKey(blank=True, null=True,
                                                 on_delete=django.db.models.deletion.PROTECT,
                                                 related_name="subsidies",
                                                 to="disclosure.disclosureitem",
                                                 verbose_name="posted with")),
                ("recorded_by", models.ForeignKey(null=True,
                                                  on_delete=django.db.models.deletion.PROTECT,
                                                  related_name="+",
                                                  to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "lost-work subsidy",
                "verbose_name_plural": "lost-work subsidies",
                "ordering": ["community", "paid_on", "id"],
                "indexes": [models.Index(fields=["community", "paid_on"],
                                         name="subsidy_community_paid_on")],
                "constraints": [models.CheckConstraint(condition=models.Q(("amount__gt", 0)),
                                                       name="subsidy_amount_positive")],
            },
        ),
    ]
