"""Train each single 2-D preset for its planned steps and ship a small film of it
(presets/films/NAME.npz): the page shows it on the timeline before the visitor trains anything.

    python bench/preset_films.py [--frames 20] [--points 150] [NAME ...]

Prints each film's size and the total. The films are real training runs of the preset's own
config (same seed as the page's run), thinned to ``--frames`` frames of ``--points`` points, or
of POINTS_PER_MODE per mode of a mixture where that is more: the page rings a mode red when no
drawn fake is on it, and 150 points over the grid's 25 modes (~6 each) once left a mode of a
run that covers all 25 drawn empty.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground.engine.kinds import kind_of  # noqa: E402
from playground.live.film import save_reel, thin_reel  # noqa: E402
from playground.live.run import LiveRun  # noqa: E402
from playground.presets import load_preset, preset_names  # noqa: E402

FILM_DIR = Path(__file__).resolve().parent.parent / "presets" / "films"
POINTS_PER_MODE = 12  # a covered mode holds ~12 drawn fakes: P(none) ~ e^-12 per mode


def film_points(run: LiveRun, floor: int) -> int:
    """How many fakes each frame keeps: ``floor``, or POINTS_PER_MODE per known mode."""
    modes = run.trainer.sampler.modes
    return max(floor, POINTS_PER_MODE * len(modes.centres)) if modes is not None else floor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--frames", type=int, default=20)
    parser.add_argument("--points", type=int, default=150)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    FILM_DIR.mkdir(parents=True, exist_ok=True)
    total = 0
    for name in args.names or preset_names():
        config = load_preset(name).config
        if kind_of(config.dataset).is_image:
            continue  # digit films are PNG grids: too big to ship for every preset
        t0 = time.process_time()
        run = LiveRun("film", config)
        while run.steps_done < config.steps and not run.trainer.diverged:
            run.step(min(1000, config.steps - run.steps_done))
        reel = thin_reel(run.reel()[0], args.frames, film_points(run, args.points))
        path = FILM_DIR / f"{name}.npz"
        save_reel(reel, path, config.to_json())
        size = path.stat().st_size
        total += size
        print(f"{name:32s} {len(reel.frames):3d} frames to step {reel.frames[-1][0]:6,}  "
              f"{size / 1024:6.1f} KB  {time.process_time() - t0:6.1f} CPU s", flush=True)
    print(f"total {total / 1024:.1f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
