"""The tests' settings: config.settings with a fixed secret key and the development defaults.

Only here (and in `make run`, which makes a random key) is there a key nobody had to set. pytest-django
turns DEBUG off while the tests run, whatever DJANGO_DEBUG says. Production never uses this module.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-never-used-in-production-0123456789")
os.environ.setdefault("DJANGO_DEBUG", "1")

from .settings import *  # noqa: E402,F403
