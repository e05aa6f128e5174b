"""LivePair: two LiveRuns, A and B, trained in lockstep for the side-by-side comparison.

The lesson of the playground is a comparison ("same data, same seed, same networks: vanilla
collapses, WGAN-GP does not"), so a pair is one unit: one Play, one Pause, one step counter.
Every iteration steps A once and then B once, so both always show the same step; if either
diverges or reaches its planned length, both pause. It has LiveRun's interface, so a worker
schedules it like any other run; its snapshot is the pair of both runs' snapshots.
"""

from __future__ import annotations

import time

from playground.engine.config import TrainConfig
from playground.live.run import LiveRun, Pacer
from playground.live.snapshot import Snapshot, ViewOptions

SIDES = ("a", "b")


class LivePair:
    def __init__(self, session_id: str, config_a: TrainConfig, config_b: TrainConfig) -> None:
        self.session_id = session_id
        self.runs = (LiveRun(f"{session_id}:A", config_a), LiveRun(f"{session_id}:B", config_b))
        self.playing = False
        self.pacer = Pacer()
        self._say("ready: press Play to train A and B side by side")

    @property
    def trainer(self):
        """A's trainer: both always stand at the same step (the worker reads steps_done)."""
        return self.runs[0].trainer

    def _say(self, message: str) -> None:
        for run in self.runs:
            run.message = message

    def _stop(self, message: str) -> None:
        self.playing = False
        for run in self.runs:
            run.playing = False
        self._say(message)

    # --- commands -------------------------------------------------------------------------

    def play(self) -> None:
        broken = [side.upper() for side, run in zip(SIDES, self.runs) if run.trainer.diverged]
        if broken:
            self._say(f"{' and '.join(broken)} diverged: press Reset (and lower its learning "
                      "rates)")
            return
        for run in self.runs:
            run.play()
        self.playing = True
        self._say("playing A and B in lockstep")

    def pause(self) -> None:
        self._stop(f"paused at step {self.trainer.steps_done}")

    def step(self, count: int = 1, train_d: bool = True, train_g: bool = True) -> None:
        self.playing = False
        for run in self.runs:
            run.step(count, train_d, train_g)

    def reset(self) -> None:
        for run in self.runs:
            run.reset()
        self._stop("reset: A and B back to step 0")

    def apply(self, config: TrainConfig, side: str = "b") -> str:
        """Change one side's config. If that side needs new networks, both start again, so the
        two stay at the same step."""
        index = SIDES.index(side)
        message = self.runs[index].apply(config)
        if self.runs[index].trainer.steps_done == 0:
            self.runs[1 - index].reset()
            self._stop(f"{side.upper()}: {message}; both back to step 0")
        else:
            self.runs[index].message = f"{side.upper()}: {message}"
        return message

    def set_slow_motion(self, on: bool) -> None:
        self.pacer.slow_motion = bool(on)

    # --- training -------------------------------------------------------------------------

    def _lockstep(self) -> bool:
        """One step of A, then one of B; False (and both paused) if either had to stop."""
        for side, run in zip(SIDES, self.runs):
            run._one_step()
            if not run.playing:  # diverged, or reached its planned length
                self._stop(f"{side.upper()}: {run.message}")
                return False
        return True

    def advance(self, budget_s: float) -> int:
        if not self.playing:
            return 0
        steps = self.pacer.run(budget_s, self._lockstep, lambda: self.playing)
        for run in self.runs:
            run._note_rate(time.perf_counter(), steps)
        return steps

    # --- drawing --------------------------------------------------------------------------

    def changed_since_drawn(self, view: ViewOptions) -> bool:
        return any(run.changed_since_drawn(view) for run in self.runs)

    def snapshot(self, view: ViewOptions) -> tuple[Snapshot, Snapshot]:
        return self.runs[0].snapshot(view), self.runs[1].snapshot(view)
