"""System checks of the data keys: without them, or with a malformed one, no command and no server starts."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from . import keys


@checks.register(checks.Tags.security)
def data_keys_are_set(app_configs, **kwargs):
    try:
        keys.validate()
    except ImproperlyConfigured as e:
        return [checks.Error(str(e), hint="docs/security.md, 'Personal data at rest'", id="casework.privacy.E001")]
    return []
