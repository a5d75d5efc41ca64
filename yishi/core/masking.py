"""Masking as Chinese public notices show personal data."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """张三 → 张*, 张三丰 → 张*丰, 欧阳娜娜 → 欧**娜."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    """13812341234 → 138****1234; a shorter number shows at most its last four digits."""
    phone = (phone or "").strip()
    if len(phone) >= 11:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    # A landline or a partial number: never shown in full, at least four digits hidden.
    return _keep_last_four(phone)


def mask_id_number(id_number: str) -> str:
    """110101199001011234 → 110101********1234 (region and last four)."""
    s = (id_number or "").strip()
    if len(s) >= 15:  # 18 digits, or the old 15
        return s[:6] + "*" * (len(s) - 10) + s[-4:]
    # Another document (passport, permit): never shown in full, at least four hidden.
    return _keep_last_four(s)


def _keep_last_four(s: str) -> str:
    if len(s) < 8:
        return "*" * len(s)
    return "*" * (len(s) - 4) + s[-4:]
