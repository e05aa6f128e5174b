"""The run as a film: small frames kept while training, rendered to an animated GIF on export.

Frames are cheap to keep (a 2-D frame is 500 fake points as float16, 2 KB; an image frame a
6x6 digit grid as PNG, ~8 KB) and bounded: one every ``every`` steps, at most MAX_FRAMES; past
that every other frame is dropped and the interval doubles, so a long run still fits and its
film still spans the whole run. Rendering (Pillow, a Gradio dependency) happens only when the
user asks for the GIF, in the web process.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np

MAX_FRAMES = 300
FILM_POINTS = 500
FILM_DIGITS = 36  # a 6x6 grid
SIZE = 260  # pixels, square
REAL_RGB, FAKE_RGB = (26, 152, 80), (123, 50, 148)


@dataclass
class Film:
    every: int = 10
    frames: list[tuple[int, object]] = field(default_factory=list)

    def due(self, step: int) -> bool:
        return step % self.every == 0

    def add(self, step: int, frame: object) -> None:
        self.frames.append((step, frame))
        if len(self.frames) > MAX_FRAMES:
            self.frames = self.frames[1::2]
            self.every *= 2


@dataclass(frozen=True)
class PointsFrame:
    """One 2-D frame: the fake points and the background (D's opinion, a critic's score
    scaled to this frame's range, or a VAE's density) as uint8 0 = fake .. 255 = real."""

    fake: np.ndarray  # (FILM_POINTS, 2) float16
    surface: np.ndarray  # (FILM_SURFACE, FILM_SURFACE) uint8, row = y


FILM_SURFACE = 32  # background cells per side: 1 KB a frame, upscaled smoothly in the GIF
FAKE_TINT, MIDDLE_TINT, REAL_TINT = (214, 184, 221), (247, 247, 247), (166, 219, 160)


@dataclass(frozen=True)
class FilmReel:
    """What the web process needs to render: the frames, plus the real points and plot range
    for 2-D runs, and the run's curves (history key → values, one per recorded step), so a
    replayed frame can show the curves up to its step."""

    frames: list[tuple[int, object]]
    real: np.ndarray | None
    bounds: tuple[float, float]
    history: dict[str, np.ndarray] | None = None


FILM_HISTORY_ROWS = 200  # a shipped film's curves: enough points for a 4-panel plot


def history_until(history: dict[str, np.ndarray] | None, step: int) -> dict[str, np.ndarray]:
    """The curves as they stood at ``step`` (the rows recorded at or before it); {} if none."""
    if not history or "step" not in history:
        return {}
    keep = np.asarray(history["step"]) <= step
    return {key: np.asarray(values, np.float32)[keep] for key, values in history.items()}


def _thin_history(history: dict[str, np.ndarray] | None,
                  rows: int) -> dict[str, np.ndarray] | None:
    """At most ``rows`` rows spread evenly (the first and the last kept)."""
    if not history or "step" not in history:
        return None
    count = len(history["step"])
    picks = np.unique(np.rint(np.linspace(0, count - 1, min(rows, count))).astype(int))
    return {key: np.asarray(values, np.float32)[picks] for key, values in history.items()}


def render_gif(reel: FilmReel, frame_ms: int = 80) -> bytes:
    """An animated, looping GIF of the reel; ValueError if it has no frames yet."""
    from PIL import Image, ImageDraw

    if not reel.frames:
        raise ValueError("no frames yet: press Play first")
    pictures = []
    for step, frame in reel.frames:
        if isinstance(frame, bytes):  # a PNG digit grid
            picture = Image.open(io.BytesIO(frame)).convert("RGB").resize((SIZE, SIZE))
        else:
            fake = frame.fake if isinstance(frame, PointsFrame) else frame
            picture = (_background(frame.surface) if isinstance(frame, PointsFrame)
                       else Image.new("RGB", (SIZE, SIZE), "white"))
            draw = ImageDraw.Draw(picture)
            for points, colour in ((fake, FAKE_RGB), (reel.real, REAL_RGB)):  # real on top
                for x, y in _to_pixels(np.asarray(points, np.float32), reel.bounds):
                    draw.rectangle((x - 1, y - 1, x + 1, y + 1), fill=colour)
        ImageDraw.Draw(picture).text((4, 4), f"step {step:,}", fill=(90, 90, 90))
        pictures.append(picture.quantize(colors=64))
    out = io.BytesIO()
    pictures[0].save(out, format="GIF", save_all=True, append_images=pictures[1:],
                     duration=frame_ms, loop=0, optimize=False)
    return out.getvalue()


def _background(surface: np.ndarray):
    """The frame's surface as the live plot colours it (purple: fake, white, green: real),
    upscaled smoothly to the GIF's size, y growing upwards."""
    from PIL import Image

    level = np.asarray(surface, np.float32)[::-1] / 255.0  # row 0 is the bottom of the plot
    low = np.clip(1.0 - 2.0 * level, 0.0, 1.0)[..., None]  # weight of the "fake" tint
    high = np.clip(2.0 * level - 1.0, 0.0, 1.0)[..., None]  # weight of the "real" tint
    rgb = (low * FAKE_TINT + high * REAL_TINT + (1.0 - low - high) * MIDDLE_TINT)
    image = Image.fromarray(np.rint(rgb).astype(np.uint8), "RGB")
    return image.resize((SIZE, SIZE), Image.BILINEAR)


def _to_pixels(points: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    lo, hi = bounds
    finite = points[np.isfinite(points).all(axis=1)]
    scaled = (finite - lo) / (hi - lo) * (SIZE - 1)
    scaled[:, 1] = SIZE - 1 - scaled[:, 1]  # y grows upwards in the plot
    inside = ((scaled >= 0) & (scaled < SIZE)).all(axis=1)
    return np.rint(scaled[inside]).astype(int)


def thin_reel(reel: FilmReel, frames: int, points: int) -> FilmReel:
    """At most ``frames`` 2-D frames spread evenly over the reel (the first and the last
    kept), each with at most ``points`` fakes, and ``points`` real points: a film small enough
    to ship with a preset."""
    kept = [frame for frame in reel.frames if isinstance(frame[1], PointsFrame)]
    if len(kept) > frames:
        picks = np.unique(np.rint(np.linspace(0, len(kept) - 1, frames)).astype(int))
        kept = [kept[i] for i in picks]
    small = [(step, PointsFrame(frame.fake[:points], frame.surface)) for step, frame in kept]
    real = None if reel.real is None else reel.real[:points]
    return FilmReel(small, real, reel.bounds, _thin_history(reel.history, FILM_HISTORY_ROWS))


def save_reel(reel: FilmReel, path: object, config_json: str) -> None:
    """A 2-D reel as a compressed .npz with the config it was trained from (the page shows a
    shipped film only while the run has exactly that config)."""
    frames = [frame for _, frame in reel.frames]
    if not frames or not all(isinstance(f, PointsFrame) for f in frames):
        raise ValueError("only a 2-D reel with frames can be saved")
    np.savez_compressed(
        path, steps=np.array([step for step, _ in reel.frames], np.int64),
        fake=np.stack([f.fake for f in frames]).astype(np.float16),
        surface=np.stack([f.surface for f in frames]).astype(np.uint8),
        real=np.asarray(reel.real if reel.real is not None else np.zeros((0, 2)), np.float16),
        bounds=np.asarray(reel.bounds, np.float64), config=np.array(config_json),
        **_history_arrays(reel.history))


def _history_arrays(history: dict[str, np.ndarray] | None) -> dict[str, np.ndarray]:
    """The curves as two arrays an .npz holds without pickling: key names and a table."""
    if not history:
        return {}
    keys = sorted(history)
    return {"history_keys": np.array(keys),
            "history": np.stack([np.asarray(history[k], np.float32) for k in keys])}


def load_reel(path: object) -> tuple[FilmReel, str]:
    """The reel and config JSON that ``save_reel`` wrote; ValueError if the file is not one."""
    try:
        with np.load(path, allow_pickle=False) as data:
            steps, fake, surface = data["steps"], data["fake"], data["surface"]
            real, bounds, config = data["real"], data["bounds"], str(data["config"])
            keys, table = ((data["history_keys"], data["history"]) if "history" in data.files
                           else (np.zeros(0, str), np.zeros((0, 0), np.float32)))
    except (OSError, KeyError, ValueError) as exc:
        raise ValueError(f"not a film file: {exc}") from exc
    if not (len(steps) == len(fake) == len(surface)) or fake.ndim != 3 or bounds.shape != (2,):
        raise ValueError("not a film file: its arrays do not fit together")
    if table.ndim != 2 or len(keys) != len(table):
        raise ValueError("not a film file: its curves do not fit together")
    frames = [(int(s), PointsFrame(f, m)) for s, f, m in zip(steps, fake, surface, strict=True)]
    history = {str(k): row for k, row in zip(keys, table, strict=True)} or None
    return FilmReel(frames, real, (float(bounds[0]), float(bounds[1])), history), config
