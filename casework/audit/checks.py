"""System checks of the chain keys: a malformed CASEWORK_CHAIN_KEY stops every command at once, and
production is told when its chains are keyed by a key derived from SECRET_KEY."""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from .keys import chain_keys, keys_derived_from_secret_key


@checks.register(checks.Tags.security)
def chain_key_is_valid(app_configs, **kwargs):
    try:
        chain_keys()
    except ImproperlyConfigured as e:
        return [checks.Error(str(e), id="casework.audit.E001")]
    return []


@checks.register(checks.Tags.security, deploy=True)
def chain_key_is_its_own(app_configs, **kwargs):
    if keys_derived_from_secret_key():
        return [checks.Warning(
            "CASEWORK_CHAIN_KEY is not set: the event chains are keyed by a key derived from DJANGO_SECRET_KEY.",
            hint="Set CASEWORK_CHAIN_KEY=id:secret (docs/security.md); changing DJANGO_SECRET_KEY without "
                 "keeping the old one in SECRET_KEY_FALLBACKS would leave every MAC unverifiable.",
            id="casework.audit.W001",
        )]
    return []
