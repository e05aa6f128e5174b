"""What an uploaded checkpoint may hold, checked before its tensors are read.

A torch checkpoint is a zip file whose entries torch inflates in full: a 1.38 MB file with one
deflated ``torch.zeros(300_000_000)`` entry became ~1.2 GB in the web process and again in the
worker (issue 17, finding 4). So the zip's directory is read first, the pickle is read with
every tensor on the ``meta`` device (shapes, no data), and the file is refused unless its
tensors are exactly what the config's networks need: the same names and shapes as G and D
built on ``meta``, and entries no bigger than the networks' weights plus the optimisers' state.
Only then are the tensors read; and then every number must be finite and every RNG state one
that torch accepts, so a file that the worker would refuse is refused here too (the web process
says so at once instead of "✓").
"""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path
from typing import Any

import torch

from playground.engine.config import ConfigError, TrainConfig, shown_value

MAX_RECORD_BYTES = 1 << 20  # the pickle and torch's small records: a real one is ~10 KB
MAX_STEPS_DONE = 10**9  # a run at 1,000 steps/s for 11 days; 1e30 is a damaged file
OPTIMISER_COPIES = 3  # weights, plus Adam's two moments (the largest optimiser state here)
SLACK_BYTES = 1 << 16  # step counters, RNG states, spectral-norm vectors


def refuse(why: str) -> ConfigError:
    return ConfigError("checkpoint", "uploaded file", why)


def zip_sizes(handle: io.BytesIO | Path) -> dict[str, int]:
    """Each entry's uncompressed size, from the zip's directory (nothing is inflated)."""
    try:
        with zipfile.ZipFile(handle) as archive:
            return {info.filename: info.file_size for info in archive.infolist()}
    except Exception as exc:  # noqa: BLE001 - a damaged directory raises many kinds
        raise refuse(f"a checkpoint saved by this app (not a torch zip file: {exc})") from None


def check_records(sizes: dict[str, int]) -> None:
    """Every entry but the tensors' data must be small before torch reads the pickle."""
    for name, size in sizes.items():
        if "/data/" not in name and size > MAX_RECORD_BYTES:
            raise refuse(f"a checkpoint saved by this app (its entry {name[-40:]} would "
                         f"inflate to {size:,} bytes)")


def meta_nets(config: TrainConfig) -> dict[str, torch.nn.Module]:
    """The config's G and D built on ``meta``: their shapes, no memory used."""
    from playground.engine.models import build_nets

    with torch.device("meta"):
        return build_nets(config)


def expected_shapes(nets: dict[str, torch.nn.Module]) -> dict[str, dict[str, tuple[int, ...]]]:
    return {key: {name: tuple(t.shape) for name, t in net.state_dict().items()}
            for key, net in nets.items()}


def _slot_keys(name: str, lr: float, betas: tuple[float, float]) -> tuple[set[str], set[str]]:
    """What one parameter's optimiser state holds after a step (Adam: step, exp_avg, ...),
    and the settings its parameter group holds (lr, betas, eps, ...)."""
    from playground.engine.nets import build_optimizer

    weight = torch.zeros(1, requires_grad=True)
    optimiser = build_optimizer(name, [weight], lr, betas)
    weight.grad = torch.zeros(1)
    optimiser.step()
    return set(optimiser.state[weight]), set(optimiser.param_groups[0])


def check_optimiser(key: str, saved: Any, params: list[tuple[int, ...]],
                    expected: tuple[set[str], set[str]]) -> None:
    """An optimiser's state_dict that fits its network: one group over every parameter, and
    each parameter's state complete with tensors of that parameter's shape (a damaged key or
    shape would only fail at the first step, in the worker)."""
    slot, settings = expected
    wanted = list(range(len(params)))
    groups = saved.get("param_groups") if isinstance(saved, dict) else None
    state = saved.get("state") if isinstance(saved, dict) else None
    if (not isinstance(groups, list) or len(groups) != 1 or not isinstance(groups[0], dict)
            or groups[0].get("params") != wanted or not isinstance(state, dict)
            or set(groups[0]) != settings):
        raise refuse(f"a checkpoint whose {key} fits this config's networks")
    for name, value in groups[0].items():
        numbers = value if isinstance(value, (list, tuple)) and name != "params" else [value]
        if any(isinstance(v, float) and not math.isfinite(v) for v in numbers):
            raise refuse(f"a checkpoint whose {key} {name} is finite")
    for index, values in state.items():
        if index not in wanted or not isinstance(values, dict) or set(values) != slot:
            raise refuse(f"a checkpoint whose {key} state fits this config's optimiser")
        for name, value in values.items():
            if not isinstance(value, torch.Tensor) or (
                    name != "step" and tuple(value.shape) != params[index]):
                raise refuse(f"a checkpoint whose {key} {name} fits parameter {index}")


PAIR_SIDES = ("a.pt", "b.pt")


def check_pair(data: bytes) -> None:
    """A pair checkpoint (the comparison's A and B in one zip, stored as ``LivePair`` writes
    it) holds exactly a.pt and b.pt and inflates to no more than its own size; each side is
    then a checkpoint that ``read_state`` bounds like a single run's before its tensors are
    read. Without this a side deflated 1000:1 inflated in full before any check saw it."""
    sizes = zip_sizes(io.BytesIO(data))
    if sorted(sizes) != list(PAIR_SIDES):
        raise refuse("a pair checkpoint (a zip of a.pt and b.pt, nothing else)")
    if sum(sizes.values()) > len(data):
        raise refuse(f"a pair checkpoint saved by this app (its sides would inflate to "
                     f"{sum(sizes.values()):,} bytes from a {len(data):,}-byte file)")


def max_checkpoint_bytes(config: TrainConfig) -> int:
    """The most tensor data a checkpoint of ``config`` may hold (what ``check_skeleton``
    allows): weights and Adam's two moments of both nets, G's weight average where the config
    keeps one, and slack. The web app refuses to write a checkpoint over its own upload cap,
    so it can always read back what it wrote."""
    shapes = expected_shapes(meta_nets(config))
    net_bytes = {key: sum(math.prod(shape) * 4 for shape in net.values())
                 for key, net in shapes.items()}
    # A run that samples from an average of G's weights (g_ema) saves that average too: one
    # more copy of G. The slack once hid it for small Gs; a 6-layer G's average outgrew it.
    average = net_bytes["generator"] if config.g_ema > 0 else 0
    return OPTIMISER_COPIES * sum(net_bytes.values()) + average + SLACK_BYTES


def check_skeleton(skeleton: dict[str, Any], config: TrainConfig,
                   sizes: dict[str, int]) -> None:
    """The pickle (tensors on meta) against the config: networks of the config's architecture,
    a sane step count, and tensor data no bigger than those networks need."""
    nets = meta_nets(config)
    shapes = expected_shapes(nets)
    for key, wanted in shapes.items():
        got = skeleton.get(key)
        if not isinstance(got, dict) or not all(isinstance(t, torch.Tensor) for t in got.values()):
            raise refuse(f"a checkpoint whose {key} is a table of tensors")
        have = {name: tuple(t.shape) for name, t in got.items()}
        if have != wanted:
            diff = sorted(set(have) ^ set(wanted), key=str) or [
                n for n in wanted if have[n] != wanted[n]]
            raise refuse(f"a checkpoint of this config's {key} (another architecture: "
                         f"{str(diff[0])[:60]} differs)")
    steps = skeleton.get("steps_done")
    if isinstance(steps, bool) or not isinstance(steps, int) or not 0 <= steps <= MAX_STEPS_DONE:
        raise refuse(f"steps_done a whole number from 0 to {MAX_STEPS_DONE:,}")
    for key, net, side in (("opt_g", "generator", "g"), ("opt_d", "discriminator", "d")):
        params = [tuple(p.shape) for p in nets[net].parameters()]
        slot = _slot_keys(getattr(config, f"optimizer_{side}"), getattr(config, f"lr_{side}"),
                          getattr(config, f"betas_{side}"))
        check_optimiser(key, skeleton.get(key), params, slot)
    allowed = max_checkpoint_bytes(config)
    data = {name: size for name, size in sizes.items() if "/data/" in name}
    biggest = max(data.values(), default=0)
    if biggest > allowed or sum(data.values()) > allowed:
        raise refuse(f"at most {allowed:,} bytes of tensors for this config's networks (it "
                     f"holds {sum(data.values()):,}; its largest entry {biggest:,})")


def check_values(state: dict[str, Any]) -> None:
    """Finite weights and optimiser state, and RNG states torch accepts (read tensors)."""
    for key in ("generator", "discriminator", "opt_g", "opt_d"):
        for where, tensor in _tensors(state.get(key), key):
            if tensor.is_floating_point() and not torch.isfinite(tensor).all():
                raise refuse(f"finite numbers ({where[:60]} holds NaN or infinity)")
    rng = state.get("rng")
    if not isinstance(rng, dict):
        raise refuse("a checkpoint with its random generators' states")
    for name in ("data", "noise"):
        saved = rng.get(name)
        if is_cuda_rng_state(saved):
            continue
        try:
            torch.Generator().set_state(saved)
        except (TypeError, RuntimeError, ValueError) as exc:
            raise refuse(f"a usable {name} RNG state ({str(exc)[:60]})") from None


CUDA_RNG_STATE_BYTES = 16  # a CUDA generator's state: its seed and its Philox offset


def is_cuda_rng_state(value: Any) -> bool:
    """Whether ``value`` is a CUDA generator's state (a run trained on a GPU saved it). It
    cannot be tried on a CPU generator, and a machine without a GPU has none to try it on;
    ``checkpoint.restore_rng`` starts fresh streams where it does not fit."""
    return (isinstance(value, torch.Tensor) and value.dtype == torch.uint8
            and value.dim() == 1 and value.numel() == CUDA_RNG_STATE_BYTES)


def _tensors(value: Any, where: str, depth: int = 0) -> list[tuple[str, torch.Tensor]]:
    if depth > 6:
        raise refuse(f"a checkpoint nested less deeply ({where[:40]})")
    if isinstance(value, torch.Tensor):
        return [(where, value)]
    items = value.items() if isinstance(value, dict) else (
        enumerate(value) if isinstance(value, (list, tuple)) else ())
    found = []
    for key, item in items:
        found += _tensors(item, f"{where}.{shown_value(key)[:20]}", depth + 1)
    return found
