"""How a live run is watched, by kind of data: when metrics are taken, what a film frame and a
snapshot hold. Chosen once per run from the data kind (``watch_for``), so LiveRun never asks
whether its data are points or images.

- Points: metrics are cheap (mode counting), so every history row has fresh ones; a snapshot
  holds real and fake points, the discriminator's surface and the requested overlays.
- Images: the classifier costs ~15% of a DCGAN step per image, so metrics are taken on a clock
  (at most every IMAGE_METRICS_EVERY_S) over IMAGE_EVAL_SAMPLES samples, IMAGE_EVAL_CHUNK at a
  time between training steps (a Pause never waits for a whole evaluation); a snapshot holds a
  grid of digits from fixed noise.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

import numpy as np
import torch

from playground.engine.png import encode_png, image_grid
from playground.engine.trainer import Trainer
from playground.live.film import FILM_DIGITS, FILM_POINTS, FILM_SURFACE, PointsFrame
from playground.live.snapshot import Snapshot, ViewOptions, frozen

FAKE_POINTS = 1000  # drawn fake points (the metrics use the full eval batch)
REAL_POINTS = 600
ARROWS = 150
IMAGE_EVAL_SAMPLES = 500  # live class metrics of an image run (the CLI's use all 2,000)
IMAGE_METRICS_EVERY_S = 2.0  # start a classifier evaluation at most this often,
IMAGE_EVAL_CHUNK = 50  # ...done 50 samples (~20 ms) per training step, not 500 (~0.2 s) at once
IMAGE_METRICS_MIN_STEPS = 30  # ...and only after this many training steps since the last one:
# on the clock alone, a run slowed to 2 it/s by a busy worker spent a third of its turns on
# evaluations of a G that had barely moved (bench/mixed_load.py: MNIST runs 0.79 of their fair
# share while 2-D runs beside them got 0.95). A solo run (~17 it/s) passes 30 steps in 2 s.
GRID_COLUMNS = 10


class Watch(Protocol):
    history_stride: int

    def row_metrics(self, last: dict[str, Any], force: bool) -> dict[str, Any]:
        """The metrics for a new history row (``force``: a new run or a stop)."""
        ...

    def between_steps(self) -> dict[str, Any] | None:
        """Work spread over training steps; new metrics when some are ready."""
        ...

    def film_frame(self) -> object: ...

    def film_real(self) -> np.ndarray | None: ...

    def snapshot(self, common: dict[str, Any], view: ViewOptions) -> Snapshot: ...


class PointsWatch:
    """2-D data: fresh mode metrics at every history row; points, surface and overlays."""

    history_stride = 5  # steps between history rows at first

    def __init__(self, trainer: Trainer) -> None:
        self.trainer = trainer
        self.prev_fake: np.ndarray | None = None

    def row_metrics(self, last: dict[str, Any], force: bool) -> dict[str, Any]:
        return self.trainer.evaluate()

    def between_steps(self) -> dict[str, Any] | None:
        return None  # nothing to spread over steps: a row's metrics take ~1 ms

    def film_frame(self) -> object:
        """The fakes and the background, small (the GIF shows what the live plot shows)."""
        trainer = self.trainer
        fake = trainer.generate(trainer.eval_noise[:FILM_POINTS]).astype(np.float16)
        if trainer.diverged:
            return PointsFrame(fake, np.full((FILM_SURFACE, FILM_SURFACE), 128, np.uint8))
        surface = np.nan_to_num(trainer.surface(FILM_SURFACE), nan=0.5)
        if trainer.surface_kind == "critic":  # no fixed scale: this frame's range
            low, high = float(surface.min()), float(surface.max())
            surface = (surface - low) / (high - low) if high > low else surface * 0 + 0.5
        return PointsFrame(fake, np.clip(np.rint(surface * 255), 0, 255).astype(np.uint8))

    def film_real(self) -> np.ndarray | None:
        return self.trainer.eval_real[:FILM_POINTS].astype(np.float16)

    def snapshot(self, common: dict[str, Any], view: ViewOptions) -> Snapshot:
        trainer = self.trainer
        fake = trainer.generate(trainer.eval_noise[:FAKE_POINTS])
        alive = not trainer.diverged
        arrows = trainer.generator_push(ARROWS)[1] if view.arrows and alive else None
        manifold = trainer.manifold() if view.manifold and alive else None
        surface = (trainer.surface(view.resolution) if alive
                   else np.zeros((view.resolution, view.resolution), np.float32))
        snap = Snapshot(
            **common,
            real=frozen(trainer.eval_real[:REAL_POINTS]),
            fake=frozen(fake),
            surface=frozen(surface),
            prev_fake=frozen(self.prev_fake) if view.trails else None,
            arrows=frozen(arrows),
            manifold=frozen(manifold),
        )
        self.prev_fake = fake
        return snap


class ChunkedEvaluation:
    """The live class metrics of ``samples`` eval samples, ``chunk`` at a time."""

    def __init__(self, trainer: Trainer, samples: int = IMAGE_EVAL_SAMPLES,
                 chunk: int = IMAGE_EVAL_CHUNK) -> None:
        # Never more than the eval batch holds: eval_samples may be as few as 100.
        self.judge, self.chunk = trainer.judge, chunk
        self.samples = min(samples, len(trainer.eval_noise))
        self.outputs: list[tuple[torch.Tensor, torch.Tensor]] = []
        self.done = 0

    def advance(self) -> dict[str, Any] | None:
        """Classify the next chunk; the metrics once every sample is in, else None."""
        stop = min(self.done + self.chunk, self.samples)
        self.outputs.append(self.judge.classify(self.done, stop))
        self.done = stop
        if self.done < self.samples:
            return None
        probabilities, features = (torch.cat(parts) for parts in zip(*self.outputs))
        return self.judge.metrics(probabilities, features)


class ImagesWatch:
    """Images: class metrics on a clock, a chunk per step; a grid of digits."""

    history_stride = 10  # losses every 10 steps at first; metrics come on their own clock

    def __init__(self, trainer: Trainer) -> None:
        self.trainer = trainer
        self._evaluation: ChunkedEvaluation | None = None
        self._next_metrics = 0.0
        self._next_metrics_step = 0

    def row_metrics(self, last: dict[str, Any], force: bool) -> dict[str, Any]:
        """A new run or a stop gets its metrics now; the rows between repeat the latest."""
        if not force:
            return last
        trainer = self.trainer
        self._schedule_next()
        return trainer.evaluate(trainer.generate(trainer.eval_noise[:IMAGE_EVAL_SAMPLES]))

    def between_steps(self) -> dict[str, Any] | None:
        """One chunk of the running evaluation (started on the clock); its metrics when the
        last chunk is in. The chunks come from G a few steps apart, which the live curves do
        not resolve anyway."""
        if self._evaluation is None:
            if (time.perf_counter() < self._next_metrics
                    or self.trainer.steps_done < self._next_metrics_step):
                return None
            self._evaluation = ChunkedEvaluation(self.trainer)
        metrics = self._evaluation.advance()
        if metrics is not None:
            self._schedule_next()
        return metrics

    def _schedule_next(self) -> None:
        """The next evaluation starts after IMAGE_METRICS_EVERY_S and IMAGE_METRICS_MIN_STEPS,
        so its cost stays a small part of training however slowly the run is stepped."""
        self._evaluation = None
        self._next_metrics = time.perf_counter() + IMAGE_METRICS_EVERY_S
        self._next_metrics_step = self.trainer.steps_done + IMAGE_METRICS_MIN_STEPS

    def film_frame(self) -> object:
        trainer = self.trainer
        images = trainer.generate(trainer.eval_noise[:FILM_DIGITS])
        return encode_png(image_grid(images, columns=6), level=3)

    def film_real(self) -> np.ndarray | None:
        return None  # a digit film shows the generated grid alone

    def snapshot(self, common: dict[str, Any], view: ViewOptions) -> Snapshot:
        """A grid of digits from fixed noise (the same noise every frame, so change over time
        is visible): 10x10 samples, or for a cGAN one row of ten per requested digit."""
        trainer = self.trainer
        noise = trainer.eval_noise
        if trainer.config.conditional:
            rows = tuple(sorted(set(view.digits))) or tuple(range(10))
            labels = torch.tensor(rows, device=trainer.device).repeat_interleave(GRID_COLUMNS)
            noise = noise[:GRID_COLUMNS].repeat(len(rows), 1)
            images = trainer.generate(noise, labels)
        else:
            rows, labels = (), None
            noise = noise[: GRID_COLUMNS * GRID_COLUMNS]
            images = trainer.generate(noise)
        coarse = None
        stages = getattr(trainer, "stage_images", None)  # a stacked GAN: both stages' grids
        if stages is not None:
            coarse = image_grid(stages(noise[: len(images)], labels)[0].numpy(),
                                columns=GRID_COLUMNS)
        empty = np.zeros((0, 2), np.float32)
        return Snapshot(
            **common,
            real=frozen(empty),
            fake=frozen(empty),
            surface=frozen(np.zeros((1, 1), np.float32)),
            digit_grid=image_grid(images, columns=GRID_COLUMNS),
            coarse_grid=coarse,
            grid_rows=rows,
        )


def watch_for(trainer: Trainer) -> Watch:
    return ImagesWatch(trainer) if trainer.kind.is_image else PointsWatch(trainer)
