"""Rebuild every notice's search words from its masked text.

Run after the masking or the search dictionary changed, so that no notice stays findable
by a number the board now masks (PIPL; ``yishi.disclosure.rules.mask_personal_numbers``).
Migration ``disclosure/0002`` runs it once for notices indexed before the masking caught
every spelling. Prints how many notices changed; safe to run again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yishi.disclosure.search import reindex_notices


class Command(BaseCommand):
    help = "Rebuild the public search words of every notice from its masked text."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, changed = reindex_notices()
        self.stdout.write(self.style.SUCCESS(
            f"{checked} notices checked, {changed} re-indexed"))
