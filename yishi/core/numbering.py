"""Sequential numbers per scope and year (一事一记: every opinion gets its number)."""

from __future__ import annotations

from collections.abc import Mapping

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


def raise_to(last_numbers: Mapping[tuple[str, int], int]) -> None:
    """Move each (scope, year) counter up to the last number already given out in it.

    For numbers written without ``next_number`` (a bulk load): the next one given out then
    follows them instead of repeating the first. A counter already past its value stays.
    """
    if not last_numbers:
        return
    with transaction.atomic():
        scopes = {scope for scope, _ in last_numbers}
        # Lock the existing rows: a writer numbering meanwhile must not be moved back.
        existing = {(c.scope, c.year): c for c in
                    Counter.objects.select_for_update().filter(scope__in=scopes)}
        raised, new = [], []
        for (scope, year), value in last_numbers.items():
            counter = existing.get((scope, year))
            if counter is None:
                new.append(Counter(scope=scope, year=year, value=value))
            elif counter.value < value:
                counter.value = value
                raised.append(counter)
        Counter.objects.bulk_create(new, batch_size=1000)
        Counter.objects.bulk_update(raised, ["value"], batch_size=1000)
