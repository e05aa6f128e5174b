"""LivePair: two LiveRuns, A and B, trained in lockstep for the side-by-side comparison.

The lesson of the playground is a comparison ("same data, same seed, same networks: vanilla
collapses, WGAN-GP does not"), so a pair is one unit: one Play, one Pause, one step counter.
Every iteration steps A once and then B once, so both always show the same step; if either
diverges or reaches its planned length, both pause. It implements the same ``Run`` protocol as
LiveRun (``live.protocol``), so a worker schedules it like any other run.
"""

from __future__ import annotations

import io
import time
import zipfile

from playground.engine.changes import ApplyResult
from playground.engine.checkpoint import load_checkpoint
from playground.engine.checkpoint_bounds import check_pair
from playground.engine.config import TrainConfig
from playground.live.film import FilmReel
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
    def steps_done(self) -> int:
        """Both sides always stand at the same step."""
        return self.runs[0].steps_done

    def _side(self, side: str) -> int:
        if side not in SIDES:
            raise ValueError(f"a pair has sides a and b, not {side!r}")
        return SIDES.index(side)

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
            for run in self.runs:
                run.message = (
                    "diverged: press Reset (and lower its learning rates)" if run.trainer.diverged
                    else f"waiting: {' and '.join(broken)} diverged (press Reset)")
            return
        for run in self.runs:
            run.play()
        self.playing = True
        self._say("playing A and B in lockstep")

    def pause(self) -> None:
        self._stop(f"paused at step {self.steps_done}")

    def step(self, count: int = 1, train_d: bool = True, train_g: bool = True) -> None:
        self.playing = False
        for run in self.runs:
            run.step(count, train_d, train_g)

    def reset(self) -> None:
        for run in self.runs:
            run.reset()
        self._stop("reset: A and B back to step 0")

    def apply(self, config: TrainConfig, side: str = "b") -> ApplyResult:
        """Change one side's config. If that side got new networks, the other starts again
        too, so the two stay at the same step; a live edit leaves the other side alone."""
        index = self._side(side)
        result = self.runs[index].apply(config)
        label = side.upper()
        if result.rebuilt:
            self.runs[1 - index].reset()
            self._stop(f"{result.message}; both back to step 0")
            self.runs[1 - index].message = f"back to step 0 with {label} ({result.message})"
        else:
            self.runs[index].message = result.message  # each status line speaks for its side
        return result

    def set_slow_motion(self, on: bool) -> None:
        self.pacer.slow_motion = bool(on)

    def fault(self, message: str) -> None:
        for run in self.runs:
            run.fault(message)
        self.playing = False

    def checkpoint(self) -> bytes:
        """Both sides' checkpoints in one zip (a.pt and b.pt): a pair continues as a pair."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for side, run in zip(SIDES, self.runs):
                archive.writestr(f"{side}.pt", run.checkpoint())
        return buffer.getvalue()

    def restore(self, data: bytes) -> None:
        """Continue both sides from ``checkpoint()``'s bytes. Both are read before either is
        replaced, and they must stand at the same step, so a bad file changes nothing."""
        check_pair(data)  # two entries, no bigger inflated than the file: then each side
        try:  # is bounded as a single run's checkpoint before its tensors are read
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                trainers = [load_checkpoint(archive.read(f"{side}.pt")) for side in SIDES]
        except (zipfile.BadZipFile, KeyError) as exc:
            raise ValueError(f"not a pair checkpoint (a zip of a.pt and b.pt): {exc}") from None
        if trainers[0].steps_done != trainers[1].steps_done:
            raise ValueError("a pair checkpoint's sides must stand at the same step")
        for run, trainer in zip(self.runs, trainers):
            run.restore_trainer(trainer)
        self.playing = False

    def reel(self) -> tuple[FilmReel, FilmReel]:
        return self.runs[0].reel()[0], self.runs[1].reel()[0]

    # --- training -------------------------------------------------------------------------

    def _lockstep(self) -> bool:
        """One step of A, then one of B; False (and both paused) if either had to stop. Both
        take their step before either stops, so they stay at the same step."""
        for run in self.runs:
            run._one_step()
        stopped = [side.upper() for side, run in zip(SIDES, self.runs) if not run.playing]
        if not stopped:
            return True
        self.playing = False
        for run in self.runs:  # a side that stopped keeps its own words (diverged, reached)
            if run.playing:
                run.playing = False
                run.message = f"paused with {' and '.join(stopped)} at step {run.steps_done:,}"
        return False

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

    def snapshots(self, view: ViewOptions) -> tuple[Snapshot, Snapshot]:
        return self.runs[0].snapshot(view), self.runs[1].snapshot(view)
