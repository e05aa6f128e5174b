"""Checkpoints: a run's whole state in a file that ``torch.load(weights_only=True)`` accepts.

Nets, optimisers, the config, the step count and every RNG's state, so a loaded run continues
exactly as the uninterrupted one would have (tested on the CPU).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import torch

from playground import __version__
from playground.engine import checkpoint_bounds as bounds
from playground.engine.config import ConfigError, TrainConfig
from playground.engine.models import make_trainer
from playground.engine.trainer import Trainer

FORMAT = 1


def trainer_state(trainer: Trainer) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": __version__,
        "config": trainer.config.to_dict(),
        "steps_done": trainer.steps_done,
        "generator": trainer.generator.state_dict(),
        "discriminator": trainer.discriminator.state_dict(),
        "opt_g": trainer.opt_g.state_dict(),
        "opt_d": trainer.opt_d.state_dict(),
        "rng": {"data": trainer.data_rng.get_state(), "noise": trainer.noise_rng.get_state()},
        **({"g_average": trainer.g_average.state_dict()} if trainer.g_average else {}),
    }


def save_checkpoint(trainer: Trainer, path: Path) -> None:
    """Write atomically: a half-written checkpoint must never replace a good one."""
    path = Path(path)
    tmp = path.with_suffix(path.suffix + ".part")
    torch.save(trainer_state(trainer), tmp)
    tmp.replace(path)


def checkpoint_bytes(trainer: Trainer) -> bytes:
    """The checkpoint as bytes (the live app sends it from a worker to the browser)."""
    buffer = io.BytesIO()
    torch.save(trainer_state(trainer), buffer)
    return buffer.getvalue()


def read_state(source: Path | bytes) -> tuple[dict[str, Any], TrainConfig]:
    """A checkpoint's state and its validated config, without building any networks (the web
    process checks an upload this way before a worker restores it). Bounded before it is
    opened: the zip directory, then the pickle with tensors on ``meta`` against the config's
    networks (``checkpoint_bounds``); only then are the tensors read, and checked."""
    name = "uploaded file" if isinstance(source, bytes) else str(source)

    def handle() -> io.BytesIO | Path:
        return io.BytesIO(source) if isinstance(source, bytes) else Path(source)

    def load(where: str) -> Any:
        try:
            return torch.load(handle(), map_location=where, weights_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable file gets one clear message
            raise ConfigError("checkpoint", name, f"a checkpoint saved by this app ({exc})"
                              ) from None

    sizes = bounds.zip_sizes(handle())
    bounds.check_records(sizes)
    skeleton = load("meta")  # reads the pickle only: every tensor is a shape, no data
    if not isinstance(skeleton, dict) or skeleton.get("format") != FORMAT:
        raise ConfigError("checkpoint", name, f"a format-{FORMAT} checkpoint")
    config = TrainConfig.from_dict(skeleton.get("config"))
    bounds.check_skeleton(skeleton, config, sizes)
    state = load("cpu")
    bounds.check_values(state)
    return state, config


def steps_done_of(state: dict[str, Any]) -> int:
    return int(state.get("steps_done", 0))


def restore_rng(generator: torch.Generator, saved: torch.Tensor, seed: int,
                steps_done: int) -> bool:
    """Put a generator back where the checkpoint left it; True if it could be. A checkpoint
    saved on a GPU and opened on a CPU (or the other way) holds the other kind's state, which
    this generator cannot take: the run then goes on with fresh streams seeded from the config
    and the step (reproducible, but not the draws the other machine would have made)."""
    try:
        generator.set_state(saved)
        return True
    except (RuntimeError, ValueError, TypeError):
        if saved.numel() == generator.get_state().numel():
            raise  # the same kind of state and still refused: a damaged file
        generator.manual_seed(seed * 1_000_003 + steps_done)
        return False


def load_checkpoint(path: Path | bytes) -> Trainer:
    """A Trainer restored from ``path`` (or a checkpoint's bytes); ConfigError with a clear
    reason if it is unusable."""
    state, config = read_state(path)
    trainer = make_trainer(config)
    try:
        trainer.generator.load_state_dict(state["generator"])
        trainer.discriminator.load_state_dict(state["discriminator"])
        trainer.opt_g.load_state_dict(state["opt_g"])
        trainer.opt_d.load_state_dict(state["opt_d"])
        restore_rng(trainer.data_rng, state["rng"]["data"], config.seed, steps_done_of(state))
        restore_rng(trainer.noise_rng, state["rng"]["noise"], config.seed + 1,
                    steps_done_of(state))
        if trainer.g_average is not None and "g_average" in state:
            trainer.g_average.load_state_dict(state["g_average"])
        steps_done = int(state["steps_done"])
        if steps_done < 0:
            raise ValueError(f"steps_done={steps_done}")
        _check_numbers(trainer)
    except Exception as exc:  # noqa: BLE001 - an upload can be any shape: one clear message
        raise ConfigError("checkpoint", "uploaded file" if isinstance(path, bytes) else str(path),
                          f"a matching checkpoint ({type(exc).__name__}: {exc})") from None
    trainer.steps_done = steps_done
    return trainer


MAX_OPTIMIZER_STEP = 1e9  # Adam raises 0.9 to this power; a damaged file can hold anything


def _check_numbers(trainer: Trainer) -> None:
    """Weights and optimiser state must be finite, and step counters sane: a damaged file can
    load cleanly and only fail (OverflowError in Adam) or go NaN on the first step."""
    for net in (trainer.generator, trainer.discriminator):
        for name, tensor in [*net.named_parameters(), *net.named_buffers()]:
            if tensor.is_floating_point() and not torch.isfinite(tensor).all():
                raise ValueError(f"{name} holds NaN or infinite values")
    for opt in (trainer.opt_g, trainer.opt_d):
        for slot in opt.state.values():
            for key, value in slot.items():
                if not isinstance(value, torch.Tensor) or not value.is_floating_point():
                    continue
                if not torch.isfinite(value).all():
                    raise ValueError(f"optimiser state {key} holds NaN or infinite values")
                if key == "step" and not 0 <= float(value) <= MAX_OPTIMIZER_STEP:
                    raise ValueError(f"optimiser step {float(value):g}")
