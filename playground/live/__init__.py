"""A run in motion: play state, the lockstep pair, worker processes, sessions and snapshots.

Imports ``engine`` only; the web page drives it through ``Session`` and reads ``Snapshot``s.
"""
