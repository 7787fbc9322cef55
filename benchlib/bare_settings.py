"""The bare-ORM ceiling of bench/load.py: Casework's settings, one throwaway URLconf."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchlib.bare_urls"
