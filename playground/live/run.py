"""LiveRun: one session's Trainer plus its play state, history and snapshot building.

It lives inside a worker process (see ``worker``), but it is plain Python with no I/O, so the
same object is exercised directly in tests. ``advance(budget_s)`` trains for a slice of time
when playing; ``snapshot(view)`` draws the current state.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from playground.engine.changes import ApplyResult
from playground.engine.checkpoint import checkpoint_bytes, load_checkpoint
from playground.engine.config import TrainConfig
from playground.engine.metric_names import STAGE_LOSSES
from playground.engine.models import make_trainer
from playground.engine.trainer import Trainer
from playground.live.film import Film, FilmReel
from playground.live.snapshot import HISTORY_KEYS, METRIC_KEYS, Snapshot, ViewOptions, frozen
from playground.live.watch import Watch, watch_for

MAX_HISTORY = 600  # rows kept; past it every other row is dropped and the stride doubles
SLOW_MOTION_STEPS_PER_S = 4.0


class Pacer:
    """How a playing run spends its turn: as many steps as fit in the time slice, or in slow
    motion one step every 1/SLOW_MOTION_STEPS_PER_S seconds (one run or a lockstep pair)."""

    def __init__(self) -> None:
        self.slow_motion = False
        self._next_slow_step = 0.0

    def run(self, budget_s: float, step_once: Callable[[], bool],
            playing: Callable[[], bool]) -> int:
        now = time.perf_counter()
        if self.slow_motion:
            if now < self._next_slow_step:
                return 0
            self._next_slow_step = now + 1.0 / SLOW_MOTION_STEPS_PER_S
            step_once()
            return 1
        deadline, steps = now + budget_s, 0
        while playing() and (steps == 0 or time.perf_counter() < deadline):
            if not step_once():
                break
            steps += 1
        return steps


class LiveRun:
    """A Trainer that plays, pauses, steps and takes live edits, and can draw itself."""

    def __init__(self, session_id: str, config: TrainConfig) -> None:
        self.session_id = session_id
        self.trainer = make_trainer(config)
        self.playing = False
        self.pacer = Pacer()
        self.message = "ready: press Play"
        self.faulted = False  # the worker caught an error in this run (see ``fault``)
        self.seq = 0
        self._new_run()

    def _new_run(self) -> None:
        self.watch: Watch = watch_for(self.trainer)  # points or images: decided once, here
        self.history: dict[str, list[float]] = {key: [] for key in HISTORY_KEYS}
        self.stride = self.watch.history_stride
        self.film = Film()
        self.last_metrics: dict[str, Any] = {}
        self._record_history(force=True)  # evaluates step 0
        self._rate_window: list[tuple[float, int]] = []
        self._last_drawn: tuple | None = None
        self.reached_planned_steps = False
        self.last_phase = ""  # what the last step trained (the page's overview lights it)

    @property
    def steps_done(self) -> int:
        return self.trainer.steps_done

    # --- commands -------------------------------------------------------------------------

    def play(self) -> None:
        if self.faulted:
            self.faulted = False  # Play after a fault tries again; Reset is the sure way
        if self.trainer.diverged:
            self.message = "this run diverged: press Reset (and lower the learning rates)"
            return
        self.playing = True
        self.message = "playing"

    def pause(self) -> None:
        self.playing = False
        self.message = f"paused at step {self.trainer.steps_done}"

    def step(self, count: int = 1, train_d: bool = True, train_g: bool = True) -> None:
        """Manual steps (the Step / Step D / Step G buttons); pauses first."""
        self.playing = False
        for _ in range(max(1, min(count, 1000))):
            if not self._one_step(train_d, train_g):
                break
        if not self.trainer.diverged:
            what = "D and G" if train_d and train_g else ("D only" if train_d else "G only")
            self.message = f"stepped ({what}) to step {self.trainer.steps_done}"

    def reset(self) -> None:
        self.trainer.reset()
        self.playing = False
        self.faulted = False
        self._new_run()
        self.message = "reset: step 0 (same seed, same start)"

    def apply(self, config: TrainConfig, side: str = "a") -> ApplyResult:
        """Switch to ``config``; the result says whether the nets were rebuilt (step 0)."""
        if side != "a":
            raise ValueError(f"a single run has no side {side!r}")
        result = self.trainer.apply(config)
        if result.rebuilt:
            self.playing = False
            self.faulted = False
            self._new_run()
        self.message = result.message
        return result

    def set_slow_motion(self, on: bool) -> None:
        self.pacer.slow_motion = bool(on)

    def fault(self, message: str) -> None:
        """The worker caught an error in this run: pause it and say so (Reset recovers)."""
        self.playing = False
        self.faulted = True
        self.message = message

    def checkpoint(self) -> bytes:
        """Nets, optimisers, RNG states and step as bytes (see ``engine.checkpoint``)."""
        return checkpoint_bytes(self.trainer)

    def restore(self, data: bytes) -> None:
        """Continue from checkpoint bytes: their nets, optimisers, RNGs and step. A checkpoint
        that cannot be restored raises and leaves this run as it was."""
        self.restore_trainer(load_checkpoint(data))

    def restore_trainer(self, trainer: Trainer) -> None:
        self.trainer = trainer
        self.playing = False
        self.faulted = False
        self._new_run()
        self.message = f"checkpoint loaded at step {trainer.steps_done:,}: press Play to go on"

    # --- training -------------------------------------------------------------------------

    def _one_step(self, train_d: bool = True, train_g: bool = True) -> bool:
        stats = self.trainer.step(train_d, train_g)
        self.last_phase = ("D" if train_d else "") + ("G" if train_g else "")
        if stats.diverged:
            self.playing = False
            self.message = (
                f"diverged at step {stats.step} (a loss became NaN/inf): paused. Lower the "
                "learning rates, then press Reset."
            )
            self._record_history(force=True)
            return False
        metrics = self.watch.between_steps()
        if metrics is not None:
            self.last_metrics = metrics
        self._record_history()
        if self.film.due(self.trainer.steps_done):
            self.film.add(self.trainer.steps_done, self.watch.film_frame())
        if not self.reached_planned_steps and self.trainer.steps_done >= self.trainer.config.steps:
            # Pause once at the config's planned length, where the CLI's run of the same config
            # ends, so the page shows the same result; Play again keeps going.
            self.reached_planned_steps = True
            if self.playing:
                self.playing = False
                self.message = (
                    f"reached {self.trainer.steps_done:,} steps, this config's planned length "
                    "(what the CLI would train): press Play to keep going"
                )
        return True

    def advance(self, budget_s: float) -> int:
        """Train for about ``budget_s`` seconds if playing; returns the steps taken."""
        if not self.playing:
            return 0
        steps = self.pacer.run(budget_s, self._one_step, lambda: self.playing)
        self._note_rate(time.perf_counter(), steps)
        return steps

    def _note_rate(self, now: float, steps: int) -> None:
        self._rate_window.append((now, steps))
        while self._rate_window and now - self._rate_window[0][0] > 2.0:
            self._rate_window.pop(0)

    def iters_per_s(self) -> float:
        if not self.playing or len(self._rate_window) < 2:
            return 0.0
        span = self._rate_window[-1][0] - self._rate_window[0][0]
        steps = sum(s for _, s in self._rate_window[1:])
        return steps / span if span > 0 else 0.0

    def _record_history(self, force: bool = False) -> None:
        trainer = self.trainer
        step = trainer.steps_done
        if not force and step % self.stride != 0:
            return
        stats = trainer.last_stats
        self.last_metrics = self.watch.row_metrics(self.last_metrics, force)
        row = {
            "step": step,
            "d_loss": stats.d_loss if stats else np.nan,
            "g_loss": stats.g_loss if stats else np.nan,
            "wasserstein": stats.wasserstein if stats and stats.wasserstein is not None
            else np.nan,
            **{key: _num(self.last_metrics.get(key)) for key in METRIC_KEYS},
            **{key: np.nan for key in STAGE_LOSSES},
            **trainer.extra_losses(),  # a stacked GAN's stage losses
        }
        for key in HISTORY_KEYS:
            self.history[key].append(row[key])
        if len(self.history["step"]) > MAX_HISTORY:
            for key in HISTORY_KEYS:
                self.history[key] = self.history[key][::2]
            self.stride *= 2

    def reel(self) -> tuple[FilmReel]:
        """The run's film (one reel: a single run has one side)."""
        return (FilmReel(list(self.film.frames), self.watch.film_real(),
                         self.trainer.sampler.bounds,
                         {k: np.asarray(v, np.float32) for k, v in self.history.items()}),)

    # --- drawing --------------------------------------------------------------------------

    def changed_since_drawn(self, view: ViewOptions) -> bool:
        return self._state_key(view) != self._last_drawn

    def _state_key(self, view: ViewOptions) -> tuple:
        t = self.trainer
        return (t.steps_done, self.playing, self.message, t.config, view, id(t.generator))

    def snapshots(self, view: ViewOptions) -> tuple[Snapshot]:
        """This run's picture (one: a single run has one side)."""
        return (self.snapshot(view),)

    def snapshot(self, view: ViewOptions) -> Snapshot:
        """Draw the run now; the next ``changed_since_drawn`` compares against this."""
        self.seq += 1
        self._last_drawn = self._state_key(view)
        return self.watch.snapshot(self._common(), view)

    def _common(self) -> dict[str, Any]:
        """Snapshot fields that points and images share."""
        trainer = self.trainer
        return dict(
            session_id=self.session_id,
            seq=self.seq,
            step=trainer.steps_done,
            playing=self.playing,
            diverged=trainer.diverged,
            faulted=self.faulted,
            message=self.message,
            config=trainer.config,
            bounds=trainer.sampler.bounds,
            critic=trainer.surface_kind == "critic",
            surface_kind=trainer.surface_kind,
            history={k: frozen(np.asarray(v, dtype=np.float32)) for k, v in self.history.items()},
            metrics=dict(self.last_metrics),
            iters_per_s=round(self.iters_per_s(), 1),
            device=str(trainer.device),
            modes_total=int(self.last_metrics.get("modes_total") or 0),
            created=time.time(),
            data_note=trainer.sampler.note,
            phase=self.last_phase,
        )


def _num(value: Any) -> float:
    return float("nan") if value is None else float(value)
