"""Ways to make a 2-D training step faster on CPU, each against the bare loop of throughput.py.

Every variant trains the same preset (same nets, loss, batch and optimiser settings unless the
variant is about changing them) and is timed in interleaved chunks of steps in one process,
several rounds, in a rotating order, so that machine noise hits all alike; medians are printed
as it/s, samples/s (it/s x batch, the fair measure for the larger-batch variants) and the
ratio of samples/s to the eager bare loop. Variants:

  bare              the eager bare loop of bench/throughput.py (baseline, 1.00)
  trainer           playground.engine.trainer.Trainer.step (what the app runs; it has adopted
                    adam-fused and g-no-d-grads below, so eager-combo is its bare twin)
  compile-mod[...]  torch.compile(G) and torch.compile(D) (inductor) in the bare loop;
                    default, dynamic=False and mode="reduce-overhead"
  compile-mod,eager-gp  WGAN-GP only: compiled D for the scores, the eager D for the penalty
  compile-steps     torch.compile of the whole D update and G update functions (loss, backward
                    and Adam step inside; random draws stay outside, eager, as in the bare loop)
  fused-g           one G forward per iteration: the last critic update's fake is computed with
                    grad, D's loss uses fake.detach() and G's loss reuses the same fake
  simultaneous      n_critic == 1 only: one G forward and one D(fake) for both losses
                    (simultaneous instead of alternating updates: a different algorithm)
  g-no-d-grads      G's backward with inputs=G's parameters: D's weight gradients, which the
                    G update throws away, are not computed (same results as bare)
  adam-foreach / adam-for / adam-fused   Adam(foreach=True) / Adam(foreach=False) / fused=True
  eager-combo       adam-fused + g-no-d-grads (both keep the bare loop's results)
  batch-x2 / -x4    the bare loop at 2x / 4x the batch (compare samples/s, not it/s)

Compile variants also report wall seconds from building the nets and torch.compile until the
first 5 steps are done: "cold" from empty compiler caches (dynamo reset, inductor's in-memory
caches cleared, a fresh on-disk cache folder), "same" for new nets of the same shapes right
after (as after a reset) and "wider" for nets 32 units wider (as after an architecture change).
The process's very first compile also pays for loading inductor; that is printed on its own.
A variant that fails prints "failed: <first line of the error>" and the rest go on.

    python bench/step_trials.py [--presets mode-collapse wgan-gp-fix] [--rounds 7] [--chunk 150]
        [--threads 1] [--only bare trainer ...]
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F
from torch._inductor.utils import clear_inductor_caches

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from throughput import BareLoop, rate  # noqa: E402

from playground.engine.config import TrainConfig  # noqa: E402
from playground.engine.trainer import Trainer  # noqa: E402
from playground.presets import load_preset  # noqa: E402

WARM_STEPS = 5  # steps run (and timed) before the rounds; compiling happens in these
CACHE_ROOT = Path(tempfile.mkdtemp(prefix="step_trials_inductor_"))
atexit.register(shutil.rmtree, CACHE_ROOT, ignore_errors=True)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:160]


class Loop(BareLoop):
    """The bare loop with knobs: Adam options, batch size, compiled nets, G-step gradients.

    ``step`` draws the same random numbers in the same order as ``BareLoop.step``; the loss
    arithmetic is the same, only how it is run changes.
    """

    def __init__(
        self,
        cfg: TrainConfig,
        adam: dict | None = None,
        g_inputs_only: bool = False,
    ) -> None:
        super().__init__(cfg)
        if adam is not None:
            self.opt_g = torch.optim.Adam(self.G.parameters(), lr=cfg.lr_g, betas=cfg.betas_g,
                                          **adam)
            self.opt_d = torch.optim.Adam(self.D.parameters(), lr=cfg.lr_d, betas=cfg.betas_d,
                                          **adam)
        self.g_params = list(self.G.parameters())
        self.g_inputs_only = g_inputs_only
        self.D_gp = self.D  # the net the gradient penalty differentiates twice
        self.wgan = cfg.loss == "wgan-gp"

    def compile_nets(self, eager_gp: bool = False, **kw) -> None:
        if eager_gp:
            self.D_gp = self.D
        self.G, self.D = torch.compile(self.G, **kw), torch.compile(self.D, **kw)
        if not eager_gp:
            self.D_gp = self.D

    def d_loss(self, real: torch.Tensor, fake: torch.Tensor, alpha: torch.Tensor | None):
        D = self.D
        d_real, d_fake = D(real), D(fake)
        if alpha is None:
            return F.softplus(-d_real).mean() + F.softplus(d_fake).mean()
        mixed = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
        (grad,) = torch.autograd.grad(self.D_gp(mixed).sum(), mixed, create_graph=True)
        gp = ((grad.norm(dim=1) - 1) ** 2).mean()
        return d_fake.mean() - d_real.mean() + self.cfg.gp_lambda * gp

    def g_loss(self, fake: torch.Tensor) -> torch.Tensor:
        score = self.D(fake)
        return -score.mean() if self.wgan else F.softplus(-score).mean()

    def d_update(self, real, z, alpha) -> None:
        with torch.no_grad():
            fake = self.G(z)
        self.d_descend(self.d_loss(real, fake, alpha))

    def g_update(self, z) -> None:
        self.g_descend(self.g_loss(self.G(z)))

    def d_descend(self, loss: torch.Tensor) -> None:
        self.opt_d.zero_grad()
        loss.backward()
        self.opt_d.step()

    def g_descend(self, loss: torch.Tensor) -> None:
        self.opt_g.zero_grad()
        loss.backward(inputs=self.g_params if self.g_inputs_only else None)
        self.opt_g.step()

    def draw_d(self):
        cfg = self.cfg
        real = self.real()
        z = torch.randn(cfg.batch_size, cfg.noise_dim)
        alpha = torch.rand(cfg.batch_size, 1) if self.wgan else None
        return real, z, alpha

    def step(self) -> None:
        for _ in range(self.cfg.n_critic):
            self.d_update(*self.draw_d())
        self.g_update(torch.randn(self.cfg.batch_size, self.cfg.noise_dim))


class CompiledSteps(Loop):
    """The D update and the G update, each one torch.compile'd function."""

    def __init__(self, cfg: TrainConfig) -> None:
        super().__init__(cfg)
        self.d_update = torch.compile(self.d_update)
        self.g_update = torch.compile(self.g_update)


class FusedG(Loop):
    """One G forward per iteration: the last critic update's fake also feeds the G update.

    Compared with the bare loop: one torch.randn fewer per iteration (the noise stream shifts
    from the first G update on), and G's loss is taken on the very noise D was just trained
    against (with D's weights after that update), not on a fresh draw.
    """

    def step(self) -> None:
        cfg = self.cfg
        fake_g = None
        for i in range(cfg.n_critic):
            real, z, alpha = self.draw_d()
            if i == cfg.n_critic - 1:
                fake_g = self.G(z)
                fake = fake_g.detach()
            else:
                with torch.no_grad():
                    fake = self.G(z)
            self.d_descend(self.d_loss(real, fake, alpha))
        self.g_descend(self.g_loss(fake_g))


class Simultaneous(Loop):
    """n_critic == 1, non-saturating: both losses from one G forward and one D(fake).

    G's gradient is taken against D *before* D's update (simultaneous gradient descent),
    not after it as in the bare loop: a different training algorithm, shown as a bound.
    """

    def step(self) -> None:
        cfg, G, D = self.cfg, self.G, self.D
        real = self.real()
        fake = G(torch.randn(cfg.batch_size, cfg.noise_dim))
        d_real, d_fake = D(real), D(fake)
        d_loss = F.softplus(-d_real).mean() + F.softplus(d_fake).mean()
        g_loss = F.softplus(-d_fake).mean()
        d_params = list(D.parameters())
        d_grads = torch.autograd.grad(d_loss, d_params, retain_graph=True)
        self.opt_g.zero_grad()
        g_loss.backward(inputs=self.g_params)
        for p, g in zip(d_params, d_grads):
            p.grad = g
        self.opt_d.step()
        self.opt_g.step()


@dataclass
class Variant:
    name: str
    make: Callable[[TrainConfig], Callable[[], object]]  # returns a step function
    batch_factor: int = 1
    compiled: bool = False
    applies: Callable[[TrainConfig], str | None] = lambda cfg: None  # reason it does not
    step: Callable[[], object] | None = None
    batch: int = 0
    warm_s: float | None = None  # compile variants: cold build + compile + first steps
    rebuild_s: float | None = None  # the same for new nets of the same shape
    new_arch_s: float | None = None  # the same for nets 32 units wider
    error: str | None = None
    rates: list[float] = field(default_factory=list)


def _compiled_nets(eager_gp: bool = False, **kw):
    def make(cfg: TrainConfig):
        loop = Loop(cfg)
        loop.compile_nets(eager_gp=eager_gp, **kw)
        return loop.step
    return make


def _batch(factor: int):
    return lambda cfg: BareLoop(cfg.with_changes(batch_size=cfg.batch_size * factor)).step


def _wgan_only(cfg: TrainConfig) -> str | None:
    return None if cfg.loss == "wgan-gp" else "n/a (no gradient penalty)"


def _single_critic(cfg: TrainConfig) -> str | None:
    return None if cfg.n_critic == 1 and cfg.loss == "nonsaturating" else "n/a (n_critic > 1)"


def variants() -> list[Variant]:
    return [
        Variant("bare", lambda cfg: BareLoop(cfg).step),
        Variant("trainer", lambda cfg: Trainer(cfg).step),
        Variant("compile-mod", _compiled_nets(), compiled=True),
        Variant("compile-mod,static", _compiled_nets(dynamic=False), compiled=True),
        Variant("compile-mod,reduce-oh", _compiled_nets(mode="reduce-overhead"), compiled=True),
        Variant("compile-mod,eager-gp", _compiled_nets(eager_gp=True), compiled=True,
                applies=_wgan_only),
        Variant("compile-steps", lambda cfg: CompiledSteps(cfg).step, compiled=True),
        Variant("fused-g", lambda cfg: FusedG(cfg).step),
        Variant("simultaneous", lambda cfg: Simultaneous(cfg).step, applies=_single_critic),
        Variant("g-no-d-grads", lambda cfg: Loop(cfg, g_inputs_only=True).step),
        Variant("adam-foreach", lambda cfg: Loop(cfg, adam={"foreach": True}).step),
        Variant("adam-for", lambda cfg: Loop(cfg, adam={"foreach": False}).step),
        Variant("adam-fused", lambda cfg: Loop(cfg, adam={"fused": True}).step),
        Variant("eager-combo",
                lambda cfg: Loop(cfg, adam={"fused": True}, g_inputs_only=True).step),
        Variant("batch-x2", _batch(2), batch_factor=2),
        Variant("batch-x4", _batch(4), batch_factor=4),
    ]


def timed_build(make, cfg: TrainConfig) -> tuple[Callable[[], object], float]:
    """Build a variant and run its first steps (where compiling happens): (step, seconds)."""
    start = time.perf_counter()
    step = make(cfg)
    for _ in range(WARM_STEPS):
        step()
    return step, time.perf_counter() - start


def compile_times(v: Variant, cfg: TrainConfig, cache: Path) -> None:
    """Cold compile, then a rebuild with the same shapes, then one with wider nets."""
    torch.compiler.reset()
    clear_inductor_caches()
    cache.mkdir(parents=True, exist_ok=True)
    os.environ["TORCHINDUCTOR_CACHE_DIR"] = str(cache)
    v.warm_s = timed_build(v.make, cfg)[1]
    v.rebuild_s = timed_build(v.make, cfg)[1]
    wider = cfg.with_changes(g_width=cfg.g_width + 32, d_width=cfg.d_width + 32)
    v.new_arch_s = timed_build(v.make, wider)[1]


def bench(name: str, rounds: int, chunk: int, only: list[str] | None) -> list[Variant]:
    cfg = load_preset(name).config
    assert cfg.loss in ("nonsaturating", "wgan-gp") and cfg.optimizer_g == "adam", cfg
    chosen = [v for v in variants() if only is None or v.name in only or v.name == "bare"]
    for v in chosen:
        v.batch = cfg.batch_size * v.batch_factor
        v.error = v.applies(cfg)
    # Phase 1: compile times, each from empty compiler caches (in memory and on disk).
    for v in chosen:
        if v.compiled and not v.error:
            try:
                compile_times(v, cfg, CACHE_ROOT / f"{name}-{v.name}")
            except Exception as exc:  # noqa: BLE001 - a failing variant is a result
                v.error = "failed: " + first_line(exc)
            note = v.error or f"{v.warm_s:.1f} s cold"
            print(f"  {name}: compiled {v.name} ({note})", file=sys.stderr, flush=True)
    # Phase 2: build everything once more (compiled ones from their disk cache) and time it.
    torch.compiler.reset()
    live = []
    for v in chosen:
        if v.error:
            continue
        try:
            os.environ["TORCHINDUCTOR_CACHE_DIR"] = str(CACHE_ROOT / f"{name}-{v.name}")
            v.step = timed_build(v.make, cfg)[0]
            rate(v.step, 15)  # past the warm-up: allocator, caches
            live.append(v)
        except Exception as exc:  # noqa: BLE001
            v.error = "failed: " + first_line(exc)
    for r in range(rounds):
        shift = r % len(live)
        for v in live[shift:] + live[:shift]:
            if v.error:
                continue
            try:
                v.rates.append(rate(v.step, chunk))
            except Exception as exc:  # noqa: BLE001
                v.error = "failed: " + first_line(exc)
    return chosen


def report(name: str, results: list[Variant]) -> None:
    base = next(v for v in results if v.name == "bare")
    base_sps = statistics.median(base.rates) * base.batch
    print(f"\n{name}")
    print(f"{'variant':<22} {'it/s':>7} {'samples/s':>9} {'ratio':>5} {'min-max it/s':>12} "
          f"{'cold s':>6} {'same s':>6} {'wider s':>7}")
    for v in results:
        if v.error or not v.rates:
            print(f"{v.name:<22} {v.error or 'no result'}")
            continue
        its = statistics.median(v.rates)
        sps = its * v.batch
        spread = f"{min(v.rates):.0f}-{max(v.rates):.0f}"
        times = (f" {v.warm_s:>6.1f} {v.rebuild_s:>6.1f} {v.new_arch_s:>7.1f}"
                 if v.compiled else "")
        print(f"{v.name:<22} {its:>7.1f} {sps:>9.0f} {sps / base_sps:>5.2f} {spread:>12}{times}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="+", default=["mode-collapse", "wgan-gp-fix"])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--chunk", type=int, default=150)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--only", nargs="+", help="variant names to run (bare always runs)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch._dynamo.config.cache_size_limit = 256  # many nets share Sequential.forward
    torch._dynamo.config.accumulated_cache_size_limit = 4096
    warnings.filterwarnings("ignore", module="torch")
    start = time.perf_counter()  # the process's first compile pays for loading inductor
    torch.compile(torch.nn.Linear(2, 2))(torch.ones(1, 2)).sum().backward()
    first = time.perf_counter() - start
    print(f"torch {torch.__version__}, {args.threads} thread(s), median of {args.rounds} "
          f"interleaved chunks of {args.chunk} steps; ratio = samples/s over the bare loop's; "
          f"compile times = build + compile + first {WARM_STEPS} steps: cold (empty caches), "
          f"same (new nets, same shapes), wider (nets 32 units wider); the process's first "
          f"compile (a 2x2 Linear) took {first:.1f} s")
    for name in args.presets:
        report(name, bench(name, args.rounds, args.chunk, args.only))


if __name__ == "__main__":
    main()
