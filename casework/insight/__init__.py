"""Routing suggestions and related cases for incoming messages (信访件).

Plain Python, numpy and scikit-learn; nothing here imports Django, so the
benchmarks and tests use it directly. ``router`` suggests a category, ``related``
finds earlier similar messages, ``text`` holds the shared Chinese text handling.
"""
