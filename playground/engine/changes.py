"""What changing a run's config means, decided before anything is built: which edits apply
live, which need new optimisers, and which need new networks (and so a fresh start). The page
says it before the worker does it, and the worker reports what it did as the same ApplyResult.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.engine.config import TrainConfig

# Fields whose change needs new networks (and so a fresh start).
REBUILD_FIELDS = frozenset(
    {
        "dataset",
        "data_std",
        "custom_points",
        "noise_dim",
        "g_layers",
        "g_width",
        "g_init",
        "d_layers",
        "d_width",
        "activation",
        "spectral_norm",
        "architecture",
        "conditional",
        "model",
        "device",
        "seed",
        "pack",
    }
)
# Fields whose change needs new optimisers (their state does not carry over), nets kept.
OPTIMIZER_FIELDS = frozenset({"optimizer_g", "optimizer_d"})



@dataclass(frozen=True)
class ApplyResult:
    rebuilt: bool
    message: str
    changed: tuple[str, ...]


def plan_change(old: TrainConfig, new: TrainConfig) -> ApplyResult:
    """What switching from ``old`` to ``new`` will do, without doing it (the UI says it first)."""
    changed = tuple(old.diff(new))
    rebuild = set(changed) & REBUILD_FIELDS
    if "loss" in changed and _critic_shape(old) != _critic_shape(new):
        rebuild.add("loss")  # a DCGAN critic drops batch norm for WGAN-GP: a new network
    rebuild = sorted(rebuild)
    if rebuild:
        return ApplyResult(True, f"new networks, back to step 0 (changed: {', '.join(rebuild)})",
                           changed)
    message = "applied live: " + ", ".join(changed) if changed else "no change"
    return ApplyResult(False, message, changed)


def _critic_shape(cfg: TrainConfig) -> bool | None:
    """What of D's structure the loss decides: batch norm in a DCGAN critic (None: nothing)."""
    if cfg.architecture not in ("dcgan", "stacked"):  # conv critics: images only
        return None
    from playground.engine.image_nets import critic_batch_norm

    return critic_batch_norm(cfg)
