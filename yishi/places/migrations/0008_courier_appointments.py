# Opinion couriers' appointments (002 一聘): the open recruitment, the one-year appointment
# holding the courier role of its term, and the yearly assessment.

import django.db.models.deletion
from django.db import migrations, models

import yishi.core.models


class Migration(migrations.Migration):

    dependencies = [
        ('places', '0007_referral_departments'),
    ]

    operations = [
        migrations.CreateModel(
            name='CourierRecruitment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('announced_on', models.DateField(verbose_name='announced on')),
                ('announced_where', models.CharField(max_length=200, verbose_name='announced where')),
                ('closes_on', models.DateField(verbose_name='applications close on')),
                ('community', models.ForeignKey(limit_choices_to={'kind': 'community'}, on_delete=django.db.models.deletion.PROTECT, related_name='courier_recruitments', to='places.place', verbose_name='community')),
            ],
            options={
                'verbose_name': 'courier recruitment',
                'verbose_name_plural': 'courier recruitments',
                'ordering': ['-announced_on', '-pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('closes_on__gte', models.F('announced_on'))), name='recruitment_closes_after_announced')],
            },
            bases=(yishi.core.models.CommunityChained, models.Model),
        ),
        migrations.CreateModel(
            name='CourierAppointment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('term_start', models.DateField(verbose_name='appointed from')),
                ('term_end', models.DateField(verbose_name='appointed until')),
                ('subsidy', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, verbose_name='work subsidy (yuan a month)')),
                ('community', models.ForeignKey(limit_choices_to={'kind': 'community'}, on_delete=django.db.models.deletion.PROTECT, related_name='courier_appointments', to='places.place', verbose_name='community')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='courier_appointments', to='places.person', verbose_name='courier')),
                ('previous', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='next_term', to='places.courierappointment', verbose_name='term renewed')),
                ('recruitment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='appointments', to='places.courierrecruitment', verbose_name='recruitment')),
                ('role', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='courier_appointment', to='places.role')),
            ],
            options={
                'verbose_name': 'courier appointment',
                'verbose_name_plural': 'courier appointments',
                'ordering': ['community', 'person', 'term_start'],
                'indexes': [models.Index(fields=['community', 'term_end'], name='courierappointment_term_end')],
                'constraints': [models.CheckConstraint(condition=models.Q(('term_end__gte', models.F('term_start'))), name='courier_term_end_after_start'), models.CheckConstraint(condition=models.Q(('subsidy__isnull', True), ('subsidy__gte', 0), _connector='OR'), name='courier_subsidy_not_negative')],
            },
            bases=(yishi.core.models.CommunityChained, models.Model),
        ),
        migrations.CreateModel(
            name='CourierAssessment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('assessed_on', models.DateField(verbose_name='assessed on')),
                ('result', models.CharField(choices=[('excellent', 'Excellent'), ('competent', 'Competent'), ('basic', 'Basically competent'), ('incompetent', 'Incompetent')], max_length=12, verbose_name='assessment result')),
                ('comment', models.TextField(max_length=1000, verbose_name='assessment comment')),
                ('assessed_by', models.CharField(max_length=100, verbose_name='assessing body')),
                ('appointment', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='assessment', to='places.courierappointment')),
            ],
            options={
                'verbose_name': 'courier assessment',
                'verbose_name_plural': 'courier assessments',
            },
            bases=(yishi.core.models.CommunityChained, models.Model),
        ),
    ]
