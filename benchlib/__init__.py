"""Shared pieces of bench/load.py and bench/crash.py (not a benchmark: ``make bench`` runs bench/*.py only)."""
