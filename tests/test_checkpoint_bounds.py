"""Issue 17, findings 4 and 5: an uploaded checkpoint is bounded before its tensors are read,
and one the worker would refuse (NaN, infinite optimiser state, another architecture, a bad RNG
state, an absurd step count) is refused by ``read_state`` too, with the reason."""

from __future__ import annotations

import io
import zipfile

import pytest
import torch

from playground.engine.checkpoint import checkpoint_bytes, load_checkpoint, read_state
from playground.engine.checkpoint_bounds import MAX_RECORD_BYTES, max_checkpoint_bytes
from playground.engine.config import ConfigError, TrainConfig
from playground.engine.models import make_trainer
from playground.engine.trainer import Trainer
from playground.presets import all_presets, load_preset

SMALL = TrainConfig(g_width=8, d_width=8, g_layers=2, d_layers=2, batch_size=16,
                    eval_samples=100)
BOMB_BYTES = 64 * 2**20


@pytest.fixture(scope="module")
def good() -> bytes:
    trainer = Trainer(SMALL)
    trainer.step()
    return checkpoint_bytes(trainer)


def _saved(state: dict) -> bytes:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def _state(good: bytes) -> dict:
    return torch.load(io.BytesIO(good), weights_only=True)


def _deflate_all(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name in source.namelist():
            z.writestr(name, source.read(name))
    return out.getvalue()


def test_a_deflated_entry_is_refused_before_it_is_inflated(good):
    bomb = _with_deflated_bomb(good)
    assert len(bomb) < 2 * 2**20  # a small upload...
    with pytest.raises(ConfigError, match="bytes of tensors"):  # ...that would be 64 MB
        read_state(bomb)
    with pytest.raises(ConfigError, match="bytes of tensors"):
        load_checkpoint(bomb)


def _with_deflated_bomb(good: bytes) -> bytes:
    """The same checkpoint with one tensor's entry swapped for 64 MB of deflated zeros (the
    issue's 1.38 MB file did this with 1.2 GB): the pickle is untouched, only the entry."""
    source = zipfile.ZipFile(io.BytesIO(good))
    victim = next(name for name in source.namelist() if "/data/" in name)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as bomb:
        for info in source.infolist():
            if info.filename != victim:
                bomb.writestr(info, source.read(info.filename))
                continue
            entry_info = zipfile.ZipInfo(victim)
            entry_info.compress_type = zipfile.ZIP_DEFLATED
            with bomb.open(entry_info, "w", force_zip64=True) as entry:
                chunk = bytes(1 << 20)
                for _ in range(BOMB_BYTES // len(chunk)):
                    entry.write(chunk)
    return out.getvalue()


def test_a_big_pickle_entry_is_refused_before_torch_reads_it(good):
    source = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name in source.namelist():
            z.writestr(name, source.read(name))
        z.writestr("archive/extra", bytes(8 * 2**20))
    with pytest.raises(ConfigError, match="would inflate"):
        read_state(out.getvalue())


def test_an_extra_tensor_beyond_the_networks_is_refused(good):
    state = _state(good)
    state["extra"] = torch.zeros(2_000_000)
    with pytest.raises(ConfigError, match="bytes of tensors"):
        read_state(_saved(state))


def test_the_apps_own_checkpoints_still_read_back_deflated_or_not(good):
    for data in (good, _deflate_all(good)):
        state, config = read_state(data)
        assert config == SMALL and state["steps_done"] == 1
    load_checkpoint(good).step()


@pytest.mark.parametrize("preset", [p.name for p in all_presets()])
def test_every_presets_checkpoint_reads_back(preset):
    """The bound counts what a run really saves: a 6-layer G's weight average (g_ema) once
    pushed wgan-gp-fix's checkpoint over it, so the app refused its own download back."""
    config = load_preset(preset).config.with_changes(steps=1, eval_samples=200)
    trainer = make_trainer(config)
    trainer.step()
    data = checkpoint_bytes(trainer)
    assert len(data) <= max_checkpoint_bytes(config) + MAX_RECORD_BYTES, preset
    assert load_checkpoint(data).steps_done == 1


@pytest.mark.parametrize("damage, reason", [
    (lambda s: s.update(steps_done=10**30), "steps_done"),
    (lambda s: s.update(steps_done=1e30), "steps_done"),
    (lambda s: s.update(steps_done=True), "steps_done"),
    (lambda s: next(iter(s["generator"].values())).fill_(float("nan")), "NaN"),
    (lambda s: next(iter(s["opt_d"]["state"].values()))["exp_avg_sq"].fill_(float("inf")),
     "NaN or infinity"),
    (lambda s: s.update(config={**s["config"], "g_width": 16}), "another architecture"),
    (lambda s: s.update(generator={k: v[:1] for k, v in s["generator"].items()}),
     "another architecture"),
    (lambda s: s["rng"].update(data=torch.zeros(3, dtype=torch.uint8)), "data RNG"),
    (lambda s: s["rng"].update(noise=torch.zeros(5056, dtype=torch.float32)), "noise RNG"),
    (lambda s: s.update(rng=None), "random generators"),
    (lambda s: s["opt_g"]["state"][0].pop("exp_avg_sq"), "opt_g state"),  # a flipped byte
    (lambda s: s["opt_d"]["state"][0].update(exp_avg=torch.zeros(3)), "opt_d exp_avg"),
    (lambda s: s["opt_g"]["param_groups"][0].update(epz=s["opt_g"]["param_groups"][0].pop(
        "eps")), "opt_g fits"),  # a flipped byte in a setting's name (found by the fuzz)
    (lambda s: s["opt_d"]["param_groups"][0].update(lr=float("nan")), "opt_d lr is finite"),
])
def test_what_the_worker_would_refuse_is_refused_up_front(good, damage, reason):
    state = _state(good)
    damage(state)
    with pytest.raises(ConfigError, match=reason) as caught:
        read_state(_saved(state))
    assert caught.value.field == "checkpoint"


def test_downloads_sweep_the_oldest_to_stay_in_budget(tmp_path):
    """Issue 17, finding 3: exports are kept within one budget, oldest swept first."""
    import os

    from playground.web.exports_panel import make_room

    for age, name in enumerate(["new", "mid", "old"]):
        (tmp_path / name).mkdir()
        (tmp_path / name / "f").write_bytes(bytes(400))
        os.utime(tmp_path / name, (1e9 - age * 100, 1e9 - age * 100))
    assert make_room(tmp_path, 400, 1000) == 2  # 1,200 + 400 > 1,000: old, then mid, go
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new"]
    with pytest.raises(ValueError, match="over the"):
        make_room(tmp_path, 2000, 1000)
