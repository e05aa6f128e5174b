"""The typed protocol between the web process and a worker: commands in, replies out.

Each message is a small frozen dataclass naming the session it is for, so a worker dispatches
on the message's type (not on a string tag in a tuple), a type checker sees what every field
holds, and a new command is one class plus one branch. Messages cross a process boundary by
pickle: they hold configs, numpy snapshots and bytes, never live objects.

``Run`` is what a worker schedules: one run (``LiveRun``) or a lockstep pair (``LivePair``).
Both implement every method, so the worker never asks which it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

from playground.engine.changes import ApplyResult
from playground.engine.config import TrainConfig
from playground.live.film import FilmReel
from playground.live.snapshot import Snapshot, ViewOptions

Side = Literal["a", "b"]  # a pair's runs; a single run is side "a"


# --- commands: web → worker ------------------------------------------------------------------

@dataclass(frozen=True)
class Command:
    session: str  # the session id the command is for ("" for the worker itself)


@dataclass(frozen=True)
class OpenRun(Command):
    config: TrainConfig
    ticket: int = 0  # non-zero: the session waits for Opened or OpenFailed with this ticket


@dataclass(frozen=True)
class OpenPair(Command):
    config_a: TrainConfig
    config_b: TrainConfig
    ticket: int = 0


@dataclass(frozen=True)
class Close(Command):
    pass


@dataclass(frozen=True)
class DrawFrame(Command):
    view: ViewOptions


@dataclass(frozen=True)
class Play(Command):
    pass


@dataclass(frozen=True)
class Pause(Command):
    pass


@dataclass(frozen=True)
class Step(Command):
    count: int = 1
    train_d: bool = True
    train_g: bool = True


@dataclass(frozen=True)
class Reset(Command):
    pass


@dataclass(frozen=True)
class Apply(Command):
    config: TrainConfig
    side: Side = "a"
    fresh: bool = False  # start from step 0 even if the nets are kept (loading a config)
    ticket: int = 0  # echoed in Applied / ApplyFailed, so the session matches its answer


@dataclass(frozen=True)
class SlowMotion(Command):
    on: bool


@dataclass(frozen=True)
class TakeCheckpoint(Command):
    pass


@dataclass(frozen=True)
class TakeFilm(Command):
    pass


@dataclass(frozen=True)
class Restore(Command):
    data: bytes  # checkpoint bytes, already checked by the web process
    ticket: int = 0  # echoed in Restored / RestoreFailed


@dataclass(frozen=True)
class AskStats(Command):
    pass


@dataclass(frozen=True)
class Shutdown(Command):
    pass


# --- replies: worker → web -------------------------------------------------------------------

@dataclass(frozen=True)
class Reply:
    session: str


@dataclass(frozen=True)
class Frame(Reply):
    snapshots: tuple[Snapshot, ...]  # one per side: (run,) or (A, B)


@dataclass(frozen=True)
class Unchanged(Reply):
    """Nothing changed since the last frame: no new snapshot was built."""


@dataclass(frozen=True)
class Applied(Reply):
    side: Side
    result: ApplyResult  # what the worker did, not what the web process guessed
    config: TrainConfig | None = None  # the config the run now has (the session takes it)
    ticket: int = 0


@dataclass(frozen=True)
class ApplyFailed(Reply):
    """The new config could not be built (MNIST vanished, out of memory): the run is as it
    was, and so must the page be."""

    side: Side
    reason: str
    ticket: int = 0


@dataclass(frozen=True)
class Restored(Reply):
    steps_done: int
    ticket: int = 0


@dataclass(frozen=True)
class RestoreFailed(Reply):
    reason: str  # the run is as it was
    ticket: int = 0


@dataclass(frozen=True)
class Opened(Reply):
    ticket: int = 0


@dataclass(frozen=True)
class Fault(Reply):
    """The worker raised while handling this session: it is paused, the others go on."""

    traceback: str


@dataclass(frozen=True)
class OpenFailed(Reply):
    reason: str  # e.g. MNIST vanished between the page's check and the worker
    ticket: int = 0


@dataclass(frozen=True)
class Closed(Reply):
    pass


@dataclass(frozen=True)
class CheckpointData(Reply):
    data: bytes


@dataclass(frozen=True)
class FilmData(Reply):
    reels: tuple[FilmReel, ...]  # one per side


@dataclass(frozen=True)
class Stats(Reply):
    runs: int
    rss_mb: float
    pid: int


# --- what a worker schedules -----------------------------------------------------------------

class Run(Protocol):
    """One run or a lockstep pair, as a worker drives it."""

    session_id: str
    playing: bool

    @property
    def steps_done(self) -> int: ...

    def play(self) -> None: ...

    def pause(self) -> None: ...

    def step(self, count: int = 1, train_d: bool = True, train_g: bool = True) -> None: ...

    def reset(self) -> None: ...

    def apply(self, config: TrainConfig, side: Side = "a") -> ApplyResult: ...

    def set_slow_motion(self, on: bool) -> None: ...

    def fault(self, message: str) -> None: ...

    def checkpoint(self) -> bytes: ...

    def restore(self, data: bytes) -> None: ...

    def reel(self) -> tuple[FilmReel, ...]: ...

    def advance(self, budget_s: float) -> int: ...

    def changed_since_drawn(self, view: ViewOptions) -> bool: ...

    def snapshots(self, view: ViewOptions) -> tuple[Snapshot, ...]: ...


def describe(message: Any) -> str:
    """A message's kind for logs and errors ("Play", "Frame")."""
    return type(message).__name__
