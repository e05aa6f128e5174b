"""Fixes for mode collapse side by side: each is the `mode-collapse` preset with one change
(the fix), over the same seeds, as one Markdown table beside the published rows.

    python bench/fixes_table.py [--seeds 10-14] [--processes 2] [--steps N]

Rows: the collapse itself, WGAN-GP (the `wgan-gp-fix` preset: only the loss differs), hinge
loss with spectral normalisation, PacGAN (pack 4) and the unrolled GAN (5 look-ahead steps),
each changing only its own fields. Columns: modes covered (mean and per seed), high-quality
fraction, mode KL (worst seed), median CPU seconds per run (one torch thread, the process's own
time). The published rows are the papers' figures as quoted in issue 12, printed for
comparison, not measured here.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.levers import measure, parse_seeds  # noqa: E402
from playground.presets import load_preset  # noqa: E402

FIXES = (  # (label, preset, changes to it): each row is a shipped preset where one exists
    ("none (mode-collapse)", "mode-collapse", {}),
    ("WGAN-GP (wgan-gp-fix)", "wgan-gp-fix", {}),
    ("hinge + spectral norm", "mode-collapse", {"loss": "hinge", "spectral_norm": True}),
    ("PacGAN, pack 4 (pacgan)", "pacgan", {}),
    ("unrolled GAN, 5 steps (unrolled-gan)", "unrolled-gan", {}),
    # Not a fix but the other model readers ask about: a VAE on the same nets (gan-vs-vae's
    # side B).
    ("VAE, beta 0.1 (vae-ring8)", "vae-ring8", {}),
)
# Published 2-D ring rows (8 modes), as quoted in issue 12: (source, modes, high quality, KL).
PUBLISHED = (
    ("VEEGAN (Srivastava et al. 2017, Table 1, ring)", "8", "52.9%", "–"),
    ("PacGAN4 (Lin et al. 2018, Table 1, 2D-ring)", "7.9", "95.9%", "0.07 (reverse KL)"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="10-14")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--only", nargs="*", default=None, help="labels' first words")
    args = parser.parse_args()
    base = load_preset("mode-collapse").config
    steps = args.steps or base.steps
    seeds = parse_seeds(args.seeds)
    print(f"mode-collapse + one fix, {steps} steps, seeds {args.seeds}")
    print("| fix | modes covered (mean; per seed) | high-quality fraction per seed | "
          "worst mode KL | median CPU s |")
    print("|---|---|---|---|---|")
    chosen = [(label, preset, changes) for label, preset, changes in FIXES
              if not args.only or label.split()[0].strip(",") in args.only]
    jobs = [[(load_preset(preset).config.with_changes(**changes, steps=steps, seed=s).to_dict(),
              [steps], 0) for s in seeds]  # 0: no fresh-sample row (levers.run_to)
            for _, preset, changes in chosen]
    results = measure([job for fix_jobs in jobs for job in fix_jobs], args.processes)
    for (label, _, _), fix_jobs in zip(chosen, jobs):
        runs = [next(results)[0] for _ in fix_jobs]
        modes = [r["modes_covered"] for r in runs]
        quality = " ".join(f"{r['high_quality_frac']:.2f}" for r in runs)
        print(f"| {label} | {statistics.fmean(modes):.1f}; {' '.join(map(str, modes))} | "
              f"{quality} | "
              f"{max(r['mode_kl'] for r in runs):.3f} | "
              f"{statistics.median(r['cpu_s'] for r in runs):.0f} |", flush=True)
    for source, modes, quality, kl in PUBLISHED:
        print(f"| {source} | {modes} | {quality} | {kl} | – |")


if __name__ == "__main__":
    main()
