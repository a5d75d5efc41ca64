"""Sequential numbers per scope and year (一事一记: every opinion gets its number)."""

from __future__ import annotations

from django.db import transaction

from .models import Counter


def next_number(scope: str, year: int) -> int:
    """The next number in ``scope`` for ``year``; gap-free under concurrent writers."""
    with transaction.atomic():
        Counter.objects.get_or_create(scope=scope, year=year)
        # Lock the counter row: two opinions filed at once must not share a number.
        counter = Counter.objects.select_for_update().get(scope=scope, year=year)
        counter.value += 1
        counter.save(update_fields=["value"])
        return counter.value
