"""``python -m playground``: train, sweep, compare and list presets headless, on the engine.

Imports ``engine`` (and ``live`` if ever needed), never ``web``.
"""
