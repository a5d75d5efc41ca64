"""Seed clauses in words: what a refusal or a procedure page cites, as people read it.

The code cites a clause by a short reference, stable for tests and the API:
``"000 §(二)(4)3"`` is seed 000 (Lichuan's implementation plan), part (二), item (4),
point 3. A page never shows that reference; it shows the document by name and the place
in it as the document numbers it, e.g. 依据《利川市城乡社区协商实施方案》（二）4.(3).

``in_words`` knows the five seeds and the two organic laws; a reference it cannot read is
shown with the document's name and the rest as written, never dropped.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The documents the clauses come from, by the key a reference starts with.
DOCUMENTS: dict[str, Any] = {
    "000": _("Lichuan urban–rural community consultation implementation plan"),
    "001": _("Huzhou opinions on furthering urban–rural community consultation"),
    "002": _("Chengdu grassroots governance practice (Wuhou opinion courier system)"),
    "003": _("Township opinions on grassroots consultative democracy"),
    "004": _("Township standardisation documents"),
    "村民委员会组织法": _("Organic Law of the Villagers' Committees"),
    "居民委员会组织法": _("Organic Law of the Urban Residents' Committees"),
}

_SEED = re.compile(r"^(?P<doc>\d{3})(?:\s+(?P<rest>.*))?$")
_LAW = re.compile(r"^(?P<doc>村民委员会组织法|居民委员会组织法)\s*(?P<rest>.*)$")
# "§(二)(4)3" and "§二(一)2(3)": an optional chapter, a part, an item, a point.
_PLACE = re.compile(
    r"^§(?P<chapter>[一二三四五六七八九十]+)?"
    r"\((?P<part>[一二三四五六七八九十]+)\)"
    r"(?:\((?P<item>\d+)\)|(?P<item2>\d+))?"
    r"(?:\((?P<point>\d+)\)|(?P<point2>\d+))?$"
)


def place_in_words(rest: str) -> str:
    """The place in the document as the document numbers it: ``§(二)(4)3`` → （二）4.(3)."""
    m = _PLACE.match(rest.strip())
    if m is None:
        return rest.strip()
    text = m["chapter"] or ""
    text += f"（{m['part']}）"
    item = m["item"] or m["item2"]
    point = m["point"] or m["point2"]
    if item:
        text += item
        if point:
            text += f".({point})"
    return text


def document_of(clause: str) -> tuple[str, str]:
    """(the document's name, the place in it) of a clause reference; ("", clause) if unknown."""
    clause = clause.strip()
    for pattern in (_SEED, _LAW):
        m = pattern.match(clause)
        if m and m["doc"] in DOCUMENTS:
            return str(DOCUMENTS[m["doc"]]), (m["rest"] or "").strip()
    return "", clause


def in_words(clause: str) -> str:
    """``"000 §(二)(4)3"`` → 依据《利川市城乡社区协商实施方案》（二）4.(3); "" for ""."""
    if not clause or not clause.strip():
        return ""
    document, rest = document_of(clause)
    if not document:
        return gettext("under %(clause)s") % {"clause": clause.strip()}
    place = place_in_words(rest) if rest.startswith("§") else rest
    if not place:
        return gettext("under “%(document)s”") % {"document": document}
    return gettext("under “%(document)s” %(place)s") % {"document": document, "place": place}
