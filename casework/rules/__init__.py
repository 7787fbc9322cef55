"""The rules core: calendar, statutory clocks and the case lifecycle.

Plain Python on purpose: nothing here imports Django, so the law can be read,
tested and benchmarked on its own. Django code calls in; nothing calls out.
"""
