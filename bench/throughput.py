"""Trainer throughput against a bare PyTorch loop with the same nets, batch and loss.

The loops are interleaved in one process (chunks of steps, alternating, several rounds) so that
machine noise hits all alike; the medians and ratios are printed. Goal: ratio ≥ 0.9. Two bare
loops: the one a person writes by hand (``torch.optim.Adam`` as is), and the same loop with the
Trainer's fused Adam, which isolates the Trainer's own per-step overhead (statistics, checks).
Both keep the average of G's weights when the preset asks for one (``g_ema``) and take the
lazy penalty's schedule (``gp_every``) as the preset sets it.

    python bench/throughput.py [--presets mode-collapse wgan-gp-fix] [--rounds 7] [--chunk 200]

Any 2-D preset whose data is a Gaussian mixture (ring8, grid25, two_clusters, custom) and
whose loss is nonsaturating or WGAN-GP with Adam works: the bare loop draws from the preset's
own centres and spread. Others are refused with the reason (the bare loop would train something
else).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground.engine.config import ConfigError, TrainConfig  # noqa: E402
from playground.engine.data import is_image_dataset, make_sampler  # noqa: E402
from playground.engine.data.toy2d import GaussianMixture  # noqa: E402
from playground.engine.nets import build_discriminator, build_generator  # noqa: E402
from playground.engine.trainer import Trainer  # noqa: E402
from playground.presets import load_preset  # noqa: E402


class BareLoop:
    """The loop a person would write by hand for this config: no stats, no checks."""

    def __init__(self, cfg: TrainConfig, fused: bool = False) -> None:
        torch.manual_seed(cfg.seed)
        self.cfg = cfg
        self.G, self.D = build_generator(cfg), build_discriminator(cfg)
        fast = {"fused": True} if fused else {}
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=cfg.lr_g, betas=cfg.betas_g, **fast)
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=cfg.lr_d, betas=cfg.betas_d, **fast)
        # The preset's own mixture (its centres and spread, data_std included), drawn by hand.
        modes = make_sampler(cfg.dataset, cfg.data_std, cfg.custom_points).modes
        self.centres, self.std = torch.as_tensor(modes.centres), modes.std
        # g_ema: the average of G's weights a person keeps by hand (the headline presets use it).
        self.g_params = list(self.G.parameters())
        self.average = ([p.detach().clone() for p in self.g_params] if cfg.g_ema > 0 else None)
        self.d_updates = 0  # for the lazy penalty (gp_every): every k-th D update, k x as strong

    def real(self) -> torch.Tensor:
        n = self.cfg.batch_size
        return self.centres[torch.randint(len(self.centres), (n,))] + self.std * torch.randn(n, 2)

    def step(self) -> None:
        cfg, G, D = self.cfg, self.G, self.D
        wgan = cfg.loss == "wgan-gp"
        for _ in range(cfg.n_critic):
            real = self.real()
            with torch.no_grad():
                fake = G(torch.randn(cfg.batch_size, cfg.noise_dim))
            d_real, d_fake = D(real), D(fake)
            if wgan:
                loss = d_fake.mean() - d_real.mean()
                if self.d_updates % cfg.gp_every == 0:
                    alpha = torch.rand(cfg.batch_size, 1)
                    mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
                    (grad,) = torch.autograd.grad(D(mixed).sum(), mixed, create_graph=True)
                    gp = ((grad.norm(dim=1) - 1) ** 2).mean()
                    loss = loss + cfg.gp_lambda * cfg.gp_every * gp
            else:
                loss = F.softplus(-d_real).mean() + F.softplus(d_fake).mean()
            self.opt_d.zero_grad()
            loss.backward()
            self.opt_d.step()
            self.d_updates += 1
        score = D(G(torch.randn(cfg.batch_size, cfg.noise_dim)))
        g_loss = -score.mean() if wgan else F.softplus(-score).mean()
        self.opt_g.zero_grad()
        g_loss.backward()
        self.opt_g.step()
        if self.average is not None:
            with torch.no_grad():
                torch._foreach_lerp_(self.average, self.g_params, 1.0 - cfg.g_ema)


def unsupported(cfg: TrainConfig) -> str | None:
    """Why the hand-written BareLoop would not train the same thing as ``cfg`` (None: it
    would): it knows only Gaussian-mixture data, two losses, Adam at fixed rates and
    Gaussian noise."""
    sampler = None if is_image_dataset(cfg.dataset) else make_sampler(
        cfg.dataset, cfg.data_std, cfg.custom_points)
    checks = [
        (isinstance(sampler, GaussianMixture), f"dataset {cfg.dataset!r} is not a 2-D "
         "Gaussian mixture (ring8, grid25, two_clusters, custom)"),
        (cfg.loss in ("nonsaturating", "wgan-gp"), f"loss {cfg.loss!r} is not nonsaturating "
         "or wgan-gp"),
        (cfg.optimizer_g == cfg.optimizer_d == "adam", "the optimisers are not both Adam"),
        (cfg.noise == "gaussian", f"noise {cfg.noise!r} is not gaussian"),
        (not cfg.lr_half_life, "the learning rates follow a half-life"),
    ]
    reasons = [why for ok, why in checks if not ok]
    return "; ".join(reasons) or None


def rate(step, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        step()
    return n / (time.perf_counter() - start)


def bench(name: str, rounds: int, chunk: int) -> tuple[float, float, float]:
    """Medians of (Trainer, hand-written bare loop, bare loop with fused Adam) it/s."""
    cfg = load_preset(name).config
    loops = [Trainer(cfg).step, BareLoop(cfg).step, BareLoop(cfg, fused=True).step]
    for step in loops:
        rate(step, 20)  # warm up
    runs: list[list[float]] = [[], [], []]
    for r in range(rounds):
        for i in range(3):  # rotate the order: no loop always runs first
            k = (i + r) % 3
            runs[k].append(rate(loops[k], chunk))
    return tuple(statistics.median(x) for x in runs)  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="+", default=["mode-collapse", "wgan-gp-fix"])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--chunk", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    for name in args.presets:
        try:
            why = unsupported(load_preset(name).config)
        except ConfigError as exc:
            parser.error(str(exc))
        if why:
            parser.error(f"preset {name!r}: the bare loop cannot train it: {why}")
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {args.threads} thread(s), median of {args.rounds} "
          f"interleaved chunks of {args.chunk} steps")
    print(f"{'preset':<16} {'Trainer it/s':>13} {'bare it/s':>10} {'ratio':>6} "
          f"{'bare+fused Adam':>16} {'ratio':>6}")
    for name in args.presets:
        ours, bare, fused = bench(name, args.rounds, args.chunk)
        print(f"{name:<16} {ours:>13.1f} {bare:>10.1f} {ours / bare:>6.2f} {fused:>16.1f} "
              f"{ours / fused:>6.2f}")

if __name__ == "__main__":
    main()
