"""Chinese word search for notices: jieba segments, the database matches whole tokens.

At save time the service stores the notice's words as `` 词 词 词 `` (space on each side);
a query is segmented the same way and each word must appear as `` 词 ``, a LIKE that
SQLite and PostgreSQL run alike. jieba's own dictionary lacks the field's words
(接诉即办, 网格员, 一事一议 …), so ``data/userdict.txt`` ships them.

The index is public: it is built from the text as the board shows it, with mobile and ID
numbers masked, so the digits a page hides never find a notice.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import Any

from .rules import mask_personal_numbers

USER_DICT = Path(__file__).resolve().parent / "data" / "userdict.txt"
QUERY_MAX_CHARS = 100
QUERY_MAX_WORDS = 8

_lock = threading.Lock()
_tokenizer: Any = None
_WORD = re.compile(r"\w", re.UNICODE)


def tokenizer() -> Any:
    """One jieba tokenizer per process, with the field's dictionary loaded (lazily: ~1 s)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.load_userdict(str(USER_DICT))
                _tokenizer = tk
    return _tokenizer


def _keep(word: str) -> bool:
    return bool(_WORD.search(word))


def index_text(*parts: str) -> str:
    """The words of ``parts`` for the search column: fine-grained (垃圾分类 → 垃圾 分类 垃圾分类).

    Each part is masked first (138****5678 gives the words 138 and 5678, never 1234).
    """
    tk = tokenizer()
    seen: dict[str, None] = {}
    for part in parts:
        for word in tk.cut_for_search(mask_personal_numbers(part or "")):
            word = word.strip().lower()
            if word and _keep(word):
                seen.setdefault(word, None)
    return " " + " ".join(seen) + " " if seen else ""


def query_words(q: str) -> list[str]:
    """The words a query asks for, each to be found whole; at most ``QUERY_MAX_WORDS``."""
    tk = tokenizer()
    words: dict[str, None] = {}
    for word in tk.cut((q or "")[:QUERY_MAX_CHARS]):
        word = word.strip().lower()
        if word and _keep(word):
            words.setdefault(word, None)
    return list(words)[:QUERY_MAX_WORDS]


def may_match_title_as_written(word: str) -> bool:
    """Whether ``word`` may also be looked for inside the stored (unmasked) title.

    Only a word without digits: a title's phone number is stored as typed, and its hidden
    digits must not find the notice.
    """
    return not any(c.isdigit() for c in word)


def reindex_notices(notice_model: Any = None, batch: int = 500) -> tuple[int, int]:
    """Rebuild ``search_text`` of every notice with ``index_text``; (checked, changed).

    Reads in batches by primary key and writes only the rows whose words changed, so a
    city's board is re-indexed in bounded memory. ``notice_model`` lets a migration pass
    its historical model.
    """
    if notice_model is None:
        from .models import Notice as notice_model
    checked = changed = 0
    last = 0
    while True:
        rows = list(notice_model.objects.filter(pk__gt=last).order_by("pk")
                    .only("pk", "title", "body", "issuer", "search_text")[:batch])
        if not rows:
            return checked, changed
        stale = []
        for row in rows:
            words = index_text(row.title, row.body, row.issuer)
            if words != row.search_text:
                row.search_text = words
                stale.append(row)
        notice_model.objects.bulk_update(stale, ["search_text"])
        checked += len(rows)
        changed += len(stale)
        last = rows[-1].pk
