"""Indexes the dashboards read through, on other apps' tables (intake, consult).

They are plain multi-column indexes (``CREATE INDEX IF NOT EXISTS``, the same SQL on SQLite
and PostgreSQL), so the city dashboard reads opinions from the index alone instead of
fetching a million rows. They belong in those apps' ``Meta.indexes``; until then the
ledger app creates them, and a later model index of the same columns makes these
redundant (drop them then).
"""

from django.db import migrations

INDEXES = {
    # The year's opinions per community: counts, answer times, ratings, categories by month.
    "ledger_opinion_dashboard": (
        "intake_opinion", "community_id, year, category, submitted_at, answered_at, rating"),
    # Meetings held in a year per topic, and topics raised in a year per community.
    "ledger_meeting_topic_opened": ("consult_meeting", "topic_id, opened_at"),
    "ledger_topic_community_created": ("consult_topic", "community_id, created_at"),
}


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0001_initial"),
        ("intake", "0001_initial"),
        ("consult", "0003_procedure"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, (table, columns) in INDEXES.items()
    ]
