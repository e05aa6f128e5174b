"""Every preset over several seeds, as the Markdown table in README.md's Presets section.

    python bench/presets_table.py [--seeds 5] [--processes 2] [--presets NAME ...]

Runs each preset with seeds 0..N-1 (in parallel processes, one torch thread each) and prints
one row per preset: modes covered per seed, high-quality fraction per seed, median wall and
CPU seconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playground.cli.sweep import run_seeds  # noqa: E402
from playground.engine.data import is_image_dataset  # noqa: E402
from playground.presets import load_preset, preset_names  # noqa: E402


def row(name: str, seeds: int, processes: int) -> str:
    preset = load_preset(name)
    results = run_seeds(preset.config, list(range(seeds)), processes)
    metrics = [r.metrics for r in results]
    total = metrics[0]["modes_total"]
    if total:
        modes = " ".join(str(m["modes_covered"]) for m in metrics) + f" (of {total})"
        quality = " ".join(f"{m['high_quality_frac']:.2f}" for m in metrics)
    else:
        modes = quality = "–"
    wall = statistics.median(m["wall_s"] for m in metrics)
    cpu = statistics.median(m["cpu_s"] for m in metrics)
    cfg = preset.config
    return (f"| `{name}` | {cfg.dataset} | {cfg.loss}{' + SN' if cfg.spectral_norm else ''} | "
            f"{cfg.steps} | {modes} | {quality} | {wall:.0f} s / {cpu:.0f} s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--presets", nargs="*", default=None)
    args = parser.parse_args()
    print(f"| preset | data | loss | steps | modes covered, seeds 0-{args.seeds - 1} | "
          "high-quality fraction | median wall / CPU |")
    print("|---|---|---|---|---|---|---|")
    # The 2-D presets by default: MNIST's have their own table (README, `playground sweep`).
    two_d = [n for n in preset_names() if not is_image_dataset(load_preset(n).config.dataset)]
    for name in args.presets or two_d:
        print(row(name, args.seeds, args.processes), flush=True)


if __name__ == "__main__":
    main()
