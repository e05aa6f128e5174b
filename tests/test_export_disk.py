"""Issue 17, finding 3: downloads within a per-client and a total disk budget, oldest swept
first, and on disk once (Gradio serves a file already in its cache instead of copying it)."""

from __future__ import annotations

import os
from pathlib import Path

import gradio as gr
import pytest

from playground.web.export_disk import client_folder, export_dir, export_file


def aged(path: str, age: float) -> Path:
    folder = Path(path).parent
    stamp = os.path.getmtime(folder) - age
    os.utime(folder, (stamp, stamp))
    return Path(path)


def test_one_client_sweeps_its_own_downloads_first(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_EXPORT_CLIENT_BYTES", "1000")
    monkeypatch.setenv("PLAYGROUND_EXPORT_BUDGET_BYTES", "5000")
    other = aged(export_file("b.pt", bytes(400), tmp_path, client="198.51.100.2"), 300)
    mine = [aged(export_file(f"{i}.pt", bytes(400), tmp_path, client="203.0.113.1"),
                 200 - i * 10) for i in range(2)]
    newest = Path(export_file("2.pt", bytes(400), tmp_path, client="203.0.113.1"))
    assert not mine[0].exists() and mine[1].exists() and newest.exists()
    assert other.exists()  # older, but another client's: the total budget has room
    assert newest.parent.parent.name == client_folder("203.0.113.1") != "203.0.113.1"
    with pytest.raises(ValueError, match="over the 0 MB the playground keeps for your"):
        export_file("big.pt", bytes(1001), tmp_path, client="203.0.113.1")


def test_everyones_downloads_stay_within_the_total(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_EXPORT_CLIENT_BYTES", "1000")
    monkeypatch.setenv("PLAYGROUND_EXPORT_BUDGET_BYTES", "1200")
    files = [aged(export_file("f.pt", bytes(400), tmp_path, client=f"198.51.100.{i}"),
                  100 - i * 10) for i in range(3)]
    export_file("f.pt", bytes(400), tmp_path, client="203.0.113.9")
    assert [f.exists() for f in files] == [False, True, True]  # the oldest of anyone's
    used = sum(f.stat().st_size for f in tmp_path.rglob("*") if f.is_file())
    assert used <= 1200


def test_a_download_is_on_disk_once(tmp_path, monkeypatch):
    """Written inside Gradio's cache, Gradio serves our file as it is: before, a checkpoint
    was written to the temp folder and copied into the cache (403 MB twice)."""
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    path = export_file("run.pt", bytes(1000), client="203.0.113.1")
    assert Path(path).is_relative_to(export_dir())
    served = gr.File().move_resource_to_block_cache(path)
    assert Path(served).resolve() == Path(path).resolve()
    assert len([f for f in tmp_path.rglob("*") if f.is_file()]) == 1
