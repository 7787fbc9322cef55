"""Model fields for personal data at rest: encrypted text, and the blind index that finds it by exact match.

The ORM and ``casework.rows`` both convert values through ``get_db_prep_save`` / ``pre_save``, so every
write encrypts and every read (``from_db_value``) decrypts; raw SQL that reads such a column decrypts with
``keys.decrypt``. An encrypted column cannot be filtered or ordered by its content: search through the blind
index instead.
"""

from __future__ import annotations

from django.db import models

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
