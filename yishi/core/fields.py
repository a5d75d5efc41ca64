"""Model fields for personal numbers at rest: an encrypted column and its blind index.

``EncryptedCharField`` is plaintext in Python and an SM4-GCM token (``yishi.core.crypto``)
in the database, in dumps and in backups. Every token differs, even for equal numbers, so
the field refuses lookups other than ``isnull``; equality goes through a
``BlindIndexField`` beside it, whose value is always computed from its source field
(``blind_index(kind, source)``), whatever was assigned or loaded: a save, ``bulk_create``
or ``bulk_update`` cannot write a stale index. ``BlindIndexQuerySet`` adds the index to a
``bulk_update`` or ``update`` that names only its source.

    phone = EncryptedCharField(max_length=11, blank=True, context="places.PersonalData.phone")
    phone_index = BlindIndexField(source="phone", kind="phone")
    ...
    PersonalData.objects.filter(phone_index=blind_index("phone", "138 0013 8000"))
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core import exceptions
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from . import crypto

_M = TypeVar("_M", bound=models.Model)


class EncryptedCharField(models.CharField):  # type: ignore[type-arg]
    """A short text encrypted at rest. ``max_length`` bounds the plaintext; the column is
    ``text``. ``context`` goes into the token's associated data: it names the column once
    and for all (renaming the field or the model must not make the values unreadable)."""

    description = "Text encrypted at rest (SM4-GCM)"

    def __init__(self, *args: Any, context: str, **kwargs: Any) -> None:
        self.context = context
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["context"] = self.context
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        return "TextField"  # the token is longer than the plaintext

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self.context)

    def to_python(self, value: Any) -> Any:
        # A dump or backup holds the token (value_to_string): loaddata decrypts it here.
        if crypto.is_token(value):
            try:
                return crypto.decrypt(value, context=self.context)
            except crypto.DecryptionError as exc:
                raise exceptions.ValidationError(str(exc), code="undecryptable") from exc
        return super().to_python(value)

    def get_prep_value(self, value: Any) -> Any:
        value = models.Field.get_prep_value(self, value)  # lazy strings, not to_python
        if value is None or value == "":
            return value  # "no number" stays visible, as NULL or blank
        return crypto.encrypt(str(value), context=self.context)

    def value_to_string(self, obj: models.Model) -> Any:
        """The token: a dump or backup holds no plaintext, and needs the key to load."""
        return self.get_prep_value(self.value_from_object(obj))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise exceptions.FieldError(
            f"{self.context} is encrypted: it cannot be looked up with '{lookup_name}'. "
            f"Look it up through its blind index.")


class _ComputedIndex(DeferredAttribute):
    """Reading the index computes it from the source field; what was set is kept only so
    Django counts the field as loaded."""

    field: BlindIndexField

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        return crypto.blind_index(self.field.kind, getattr(instance, self.field.source))

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """HMAC-SM3 (hex) of the normalised value of ``source`` (``crypto.blind_index``); NULL
    when the source is empty. Not editable; index or constrain it in ``Meta``."""

    descriptor_class = _ComputedIndex

    def __init__(self, *args: Any, source: str, kind: str, **kwargs: Any) -> None:
        crypto.NORMALISERS[kind]  # a kind without a normaliser fails here, at import
        self.source, self.kind = source, kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_length", 64), ("null", True), ("blank", True)):
            if kwargs.get(key) == default:
                del kwargs[key]
        kwargs.pop("editable", None)
        kwargs.update(source=self.source, kind=self.kind)
        return name, path, args, kwargs


def _indexes_of(model: type[models.Model]) -> dict[str, BlindIndexField]:
    """Source field name → its blind index field."""
    return {f.source: f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)}


class BlindIndexQuerySet(models.QuerySet[_M]):
    """Keeps the blind indexes of the bulk writes that bypass ``save``."""

    def bulk_update(self, objs: Iterable[_M], fields: Iterable[str], batch_size: int | None = None
                    ) -> int:
        names = list(fields)
        names += [index.name for source, index in _indexes_of(self.model).items()
                  if source in names and index.name not in names]
        return super().bulk_update(objs, names, batch_size=batch_size)

    def update(self, **kwargs: Any) -> int:
        for source, index in _indexes_of(self.model).items():
            if source in kwargs and index.name not in kwargs:
                value = kwargs[source]
                if hasattr(value, "resolve_expression"):
                    raise ValueError(f"{source} is encrypted: update it with a value, not an "
                                     f"expression, so its blind index can be computed.")
                kwargs[index.name] = crypto.blind_index(index.kind, value)
        return super().update(**kwargs)

    update.alters_data = True  # type: ignore[attr-defined]
