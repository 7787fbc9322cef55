"""The portal keeps nothing of its own: wrong-code throttles are counters in the cache
(casework/security/throttle.py)."""
