"""Model fields for personal data at rest: encrypted text, and the blind index that finds it by exact match.

The ORM and ``casework.rows`` both convert values through ``get_db_prep_save`` / ``pre_save``, so every
write encrypts and every read (``from_db_value``) decrypts; raw SQL that reads such a column decrypts with
``keys.decrypt``. An exact match (``person__name="王大"``) goes through the blind index (``BlindExact``); any other
search of an encrypted column is refused (``FieldError``): there is nothing in clear to compare with.
"""

from __future__ import annotations

from django.core.exceptions import FieldError
from django.db import models
from django.db.models import Lookup
from django.db.models.expressions import Col

from . import keys


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token under the newest of ``CASEWORK_DATA_KEYS``; an empty value stays empty.

    ``max_length`` bounds the clear text in forms and validation, not the column (a token is longer).
    """

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return keys.encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return keys.decrypt(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        return value if prepared else self.get_prep_value(value)

    def db_parameters(self, connection):  # a TextField column whatever max_length says
        return models.TextField().db_parameters(connection)


class BlindIndexField(models.CharField):
    """HMAC of another field's value (``keys.blind_index``), computed on every save: exact search, nothing in clear."""

    def __init__(self, *args, source: str = "", purpose: str = "", **kwargs):
        self.source, self.purpose = source, purpose
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, purpose=self.purpose)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = keys.blind_index(self.purpose, getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


def _index_of(field: EncryptedTextField):
    for f in field.model._meta.concrete_fields:
        if isinstance(f, BlindIndexField) and f.source == field.name:
            return f
    return None


@EncryptedTextField.register_lookup
class BlindExact(Lookup):
    """``person__name="王大"`` compares the blind index (``name_index``), the only exact match there is; an empty
    value compares the column itself (an empty value is stored empty)."""

    lookup_name = "exact"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if self.rhs == "":
            lhs_sql, params = compiler.compile(self.lhs)
            return f"{lhs_sql} = %s", [*params, ""]
        index = _index_of(self.lhs.target)
        if index is None or not isinstance(self.rhs, str):
            raise FieldError(f"{self.lhs.target.name} is encrypted: it is found by exact match only through its "
                             "blind index, and has none")
        lhs_sql, params = compiler.compile(Col(self.lhs.alias, index))
        return f"{lhs_sql} = %s", [*params, keys.blind_index(index.purpose, self.rhs)]


class _Refused(Lookup):
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        raise FieldError(f"{self.lhs.target.name} is encrypted at rest: no '{self.lookup_name}' search, only an "
                         "exact match (through its blind index)")


for _name in ("iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith", "in",
              "regex", "iregex", "gt", "gte", "lt", "lte", "range"):
    EncryptedTextField.register_lookup(type(f"Refused_{_name}", (_Refused,), {"lookup_name": _name}))
