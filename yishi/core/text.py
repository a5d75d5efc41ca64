"""Free text a service accepts from a person: trimmed, required or not, within a limit;
titles without invisible characters; and text on its way out into a spreadsheet."""

from __future__ import annotations

from typing import TypeVar

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .exceptions import RuleViolation

TEXT_MAX = 4000
T = TypeVar("T")


def clean_text(value: str | None, label: str, *, required: bool = True,
               limit: int = TEXT_MAX) -> str:
    """The text stripped; refused (``rule="input"``, naming ``label``) when it is missing
    but required, longer than ``limit``, or holds NUL, which PostgreSQL cannot store."""
    value = (value or "").strip()
    if "\x00" in value:
        raise RuleViolation(_("%(field)s contains characters that cannot be stored.")
                            % {"field": label}, rule="input")
    if required and not value:
        raise RuleViolation(_("Please fill in: %(field)s.") % {"field": label}, rule="input")
    if len(value) > limit:
        raise RuleViolation(_("%(field)s may have at most %(n)d characters.")
                            % {"field": label, "n": limit}, rule="input")
    return value



# --- Titles --------------------------------------------------------------------------------

# Characters that show nothing but change how a title reads or compares: bidirectional
# embeddings, overrides, isolates and marks (a U+202E turns "txt.exe" around on screen) and
# zero-width spaces, joiners and the BOM (two titles that look alike would differ).
INVISIBLE = frozenset(
    [chr(c) for c in range(0x202A, 0x202F)]      # LRE RLE PDF LRO RLO
    + [chr(c) for c in range(0x2066, 0x206A)]    # LRI RLI FSI PDI
    + ["\u200e", "\u200f", "\u061c"]             # LRM RLM ALM
    + [chr(c) for c in range(0x200B, 0x200E)]    # ZWSP ZWNJ ZWJ
    + ["\u2060", "\ufeff"]                        # word joiner, BOM / ZWNBSP
)
_INVISIBLE_TABLE = dict.fromkeys(map(ord, INVISIBLE))


def strip_invisible(value: str | None) -> str:
    """``value`` without bidirectional controls and zero-width characters; all else kept."""
    return (value or "").translate(_INVISIBLE_TABLE)


def clean_title(value: str | None, label: str, *, required: bool = True,
                limit: int = TEXT_MAX) -> str:
    """A title as :func:`clean_text` keeps it, with the invisible characters removed first
    (a title of nothing but zero-width spaces is missing)."""
    return clean_text(strip_invisible(value), label, required=required, limit=limit)

# --- Spreadsheet cells ---------------------------------------------------------------------

# A spreadsheet reads a cell that begins with one of these as a formula (or, for tab and
# carriage return, may once the file passes through CSV): "=HYPERLINK(…)" typed into an
# opinion would run on the desk of whoever opens the export.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: T) -> T | str:
    """``value`` as an exported spreadsheet cell may hold it: text that a spreadsheet would
    take for a formula gets a leading apostrophe (shown, never evaluated, and kept as text
    even when the file is saved as CSV); numbers, dates and other text pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def colon() -> str:
    """A label's colon in the active language: 「：」 in Chinese (no space), ": " in English."""
    return "：" if (get_language() or "").startswith("zh") else ": "
