"""三务公开 on the calendar (004 第一篇 四.4): each disclosure's contents checklist, the
supervisory committee's review before publication, the report of an overdue item to the
township, and a community's choice of monthly finances."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import yishi.disclosure.models


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0002_reindex_masked"),
        ("places", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="disclosureitem",
            name="escalated_at",
            field=models.DateTimeField(blank=True, null=True,
                                       verbose_name="reported to the township at"),
        ),
        migrations.AddField(
            model_name="disclosureitem",
            name="contents_revision",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.CreateModel(
            name="DisclosureContent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=40, verbose_name="content")),
                ("ticked", models.BooleanField(default=False,
                                               verbose_name="covered in the text")),
                ("file", models.FileField(blank=True, max_length=255,
                                          upload_to=yishi.disclosure.models.content_file_path)),
                ("name", models.CharField(blank=True, max_length=120, verbose_name="file name")),
                ("content_type", models.CharField(blank=True, max_length=40)),
                ("size", models.PositiveIntegerField(default=0)),
                ("recorded_at", models.DateTimeField(verbose_name="recorded at")),
                ("item", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                           related_name="contents",
                                           to="disclosure.disclosureitem")),
                ("recorded_by", models.ForeignKey(null=True,
                                                  on_delete=django.db.models.deletion.PROTECT,
                                                  related_name="+",
                                                  to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "disclosure content",
                "verbose_name_plural": "disclosure contents",
                "ordering": ["item", "id"],
                "constraints": [models.UniqueConstraint(fields=("item", "code"),
                                                        name="disclosure_content_once")],
            },
        ),
        migrations.CreateModel(
            name="DisclosureReview",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("decision", models.CharField(choices=[("approve", "Agreed to publish"),
                                                       ("return", "Returned for changes")],
                                              max_length=8, verbose_name="decision")),
                ("reason", models.TextField(blank=True, verbose_name="reason")),
                ("revision", models.PositiveIntegerField(default=0)),
                ("reviewed_at", models.DateTimeField(verbose_name="reviewed at")),
                ("item", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                           related_name="reviews",
                                           to="disclosure.disclosureitem")),
                ("reviewer", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                               related_name="+", to=settings.AUTH_USER_MODEL,
                                               verbose_name="reviewer")),
            ],
            options={
                "verbose_name": "disclosure review",
                "verbose_name_plural": "disclosure reviews",
                "ordering": ["item", "-reviewed_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="DisclosureSettings",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("finance_cadence", models.CharField(
                    choices=[("quarterly", "Every quarter"), ("monthly", "Every month")],
                    default="quarterly", max_length=10, verbose_name="finances disclosed")),
                ("community", models.OneToOneField(
                    limit_choices_to={"kind": "community"},
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="disclosure_settings", to="places.place",
                    verbose_name="community")),
            ],
            options={
                "verbose_name": "disclosure settings",
                "verbose_name_plural": "disclosure settings",
                "constraints": [models.CheckConstraint(
                    condition=models.Q(("finance_cadence__in", ["quarterly", "monthly"])),
                    name="disclosure_finance_at_least_quarterly")],
            },
        ),
    ]
