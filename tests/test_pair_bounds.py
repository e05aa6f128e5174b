"""Issue 17: a pair checkpoint obeys the bounds a single run's does: its sides are not
inflated before they are checked (a deflated side was read in full, whatever its size)."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest

from playground.engine.config import ConfigError, TrainConfig
from playground.live.pair import LivePair

A = TrainConfig(g_width=16, d_width=16, g_layers=2, d_layers=2, batch_size=32, eval_samples=200)


def zip_of(entries: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_deflated_side_is_refused_before_it_is_inflated():
    pair = LivePair("p", A, A.with_changes(loss="hinge"))
    pair.step(3)
    good = pair.checkpoint()
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        b_side = archive.read("b.pt")
    bomb = zip_of({"a.pt": bytes(60_000_000), "b.pt": b_side}, zipfile.ZIP_DEFLATED)
    assert len(bomb) < 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(ConfigError, match="would inflate to 60"):
            pair.restore(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000, f"{peak:,} bytes allocated reading a {len(bomb):,}-byte file"
    assert pair.steps_done == 3


def test_only_a_and_b_and_what_this_app_writes_still_loads():
    pair = LivePair("p", A, A)
    pair.step(4)
    data = pair.checkpoint()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sides = {name: archive.read(name) for name in ("a.pt", "b.pt")}
    with pytest.raises(ConfigError, match=r"a\.pt and b\.pt, nothing else"):
        pair.restore(zip_of({**sides, "c.pt": b"x"}))
    other = LivePair("q", A, A)
    other.restore(data)
    assert other.steps_done == 4
