"""Personal numbers at rest: SM4-GCM tokens and HMAC-SM3 blind indexes (GB/T 22239 数据保密性, PIPL).

Both are keyed with ``YISHI_DATA_KEY``, which lives outside the database (an environment
variable or a key file) and is never written to a backup. Two subkeys are derived from it
with HKDF-SM3, one per purpose, so the key that indexes cannot decrypt:

- ``encrypt`` / ``decrypt``: SM4 in GCM mode under the encryption subkey. A token is
  ``"v1:" + base64(nonce (12 bytes) + ciphertext + tag (16 bytes))``; the associated data
  names the column (``context``, e.g. ``"places.PersonalData.phone"``), so a token copied
  into another column, edited, or made under another key raises ``DecryptionError``.
- ``blind_index``: HMAC-SM3 of the normalised number under an indexing subkey of its own
  kind, hex: equal numbers, however spelled, have equal indexes, so equality lookups and
  uniqueness work without the database holding the number.

See docs/security.md, "Personal numbers at rest".
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# Used only where DEBUG is on or under the tests; a production start refuses it
# (yishi.core.checks).
DEVELOPMENT_DATA_KEY = "yishi-development-data-key-not-for-production"
VERSION = "v1"
_PREFIX = f"{VERSION}:"
NONCE_BYTES = 12
TAG_BYTES = 16
_SALT = b"yishi data key"


class DecryptionError(Exception):
    """A stored value that does not decrypt: edited, moved from another column, or made
    under another data key. Never answered with garbage."""


def data_key() -> bytes:
    key = getattr(settings, "YISHI_DATA_KEY", "") or DEVELOPMENT_DATA_KEY
    return key.encode() if isinstance(key, str) else bytes(key)


@lru_cache(maxsize=16)
def _derive(key: bytes, label: str, length: int) -> bytes:
    return HKDF(algorithm=hashes.SM3(), length=length, salt=_SALT, info=label.encode()).derive(key)


def _encryption_key() -> bytes:
    return _derive(data_key(), f"yishi:{VERSION}:sm4-gcm", 16)  # SM4 keys are 128 bits


def _index_key(kind: str) -> bytes:
    return _derive(data_key(), f"yishi:{VERSION}:blind-index:{kind}", 32)


def _associated_data(context: str) -> bytes:
    return f"yishi:{VERSION}:{context}".encode()


def is_token(value: object) -> bool:
    return isinstance(value, str) and value.startswith(_PREFIX)


def encrypt(plaintext: str, *, context: str) -> str:
    """The token for ``plaintext`` in the column ``context``; a fresh nonce every time."""
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(_encryption_key()), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(_associated_data(context))
    sealed = encryptor.update(plaintext.encode()) + encryptor.finalize()
    return _PREFIX + base64.b64encode(nonce + sealed + encryptor.tag).decode("ascii")


def decrypt(token: str, *, context: str) -> str:
    """The plaintext of a token made for ``context``; ``DecryptionError`` for anything else."""
    refused = DecryptionError(
        f"A value of {context} does not decrypt: it was edited, copied from another column, "
        f"or encrypted under another YISHI_DATA_KEY.")
    if not is_token(token):
        raise DecryptionError(f"A value of {context} is not a {VERSION} token.")
    try:
        raw = base64.b64decode(token[len(_PREFIX):], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise refused from exc
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise refused
    nonce, sealed, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(_encryption_key()), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(_associated_data(context))
    try:
        plain = decryptor.update(sealed) + decryptor.finalize()
        return plain.decode()
    except (InvalidTag, UnicodeDecodeError) as exc:
        raise refused from exc


# --- Blind indexes --------------------------------------------------------------------------

_PHONE_NOISE = re.compile(r"[\s\-.()]")
_SPACE = re.compile(r"\s")


def normalise_phone(value: str) -> str:
    """11 digits: full-width digits made ASCII; spaces, dashes, dots, brackets and a
    +86 / 0086 / 86 prefix dropped. Anything else is left as it is (and finds nobody)."""
    s = _PHONE_NOISE.sub("", unicodedata.normalize("NFKC", value or ""))
    for prefix in ("+86", "0086", "86"):
        if s.startswith(prefix) and len(s) == len(prefix) + 11:
            return s[len(prefix):]
    return s


def normalise_id_number(value: str) -> str:
    """18 characters, the check character an upper-case X; full-width and spaces undone."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", value or "")).upper()


NORMALISERS: dict[str, Callable[[str], str]] = {
    "phone": normalise_phone,
    "id_number": normalise_id_number,
}


def blind_index(kind: str, value: str | None) -> str | None:
    """HMAC-SM3 (hex) of the normalised ``value`` under the ``kind``'s own subkey; None
    for no value. Raises KeyError for a kind without a normaliser."""
    normalised = NORMALISERS[kind](value or "")
    if not normalised:
        return None
    mac = hmac.HMAC(_index_key(kind), hashes.SM3())
    mac.update(normalised.encode())
    return mac.finalize().hex()


def key_fingerprint() -> str:
    """A short public name for the data key (a backup's manifest records it): an HMAC
    under a subkey of its own, so it reveals nothing about the key or the other subkeys."""
    mac = hmac.HMAC(_derive(data_key(), f"yishi:{VERSION}:fingerprint", 32), hashes.SM3())
    mac.update(b"yishi data key fingerprint")
    return mac.finalize().hex()[:16]
