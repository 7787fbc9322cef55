from django.db import models


class LookupAttempt(models.Model):
    """A failed case-number + access-code lookup, counted per client to slow down guessing."""

    client = models.CharField(max_length=64, db_index=True)  # a digest of the address, not the address
    at = models.DateTimeField(auto_now_add=True, db_index=True)
