"""``python -m playground``: train headless, sweep seeds, compare pairs, list presets.

``train-classifier`` trains the MNIST classifier behind the image metrics.

Errors a user can make (an unknown preset, a bad ``--set``) end with exit code 2 and one line
on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

from playground import __version__
from playground.cli.runner import train_run, write_run
from playground.engine.config import ConfigError, TrainConfig, apply_overrides
from playground.engine.cost import over_budget
from playground.engine.data.mnist import MnistError
from playground.presets import all_presets, load_preset


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one clear line, exit 2 (argparse prints usage too)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m playground", description=__doc__.splitlines()[0],
                     epilog="Without a command (`gan-playground`, `python -m playground`) the "
                            "web app starts.")
    parser.add_argument("--version", action="version", version=f"gan-playground {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    train = commands.add_parser("train", help="train a preset headless and write its results")
    train.add_argument("--preset", required=True, help="preset name or path to a JSON file")
    train.add_argument("--steps", type=int, help="override the preset's number of steps")
    train.add_argument("--seed", type=int, help="override the preset's seed")
    train.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override any config field, e.g. --set lr_g=1e-4 (repeatable)",
    )
    train.add_argument("--out", required=True, type=Path, help="output folder")
    train.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    sweep = commands.add_parser("sweep", help="run a preset over seeds (and a grid), in parallel")
    sweep.add_argument("--preset", required=True, help="preset name or path to a JSON file")
    sweep.add_argument("--seeds", type=int, default=5, help="how many seeds (0, 1, ...)")
    sweep.add_argument("--steps", type=int, help="override the preset's number of steps")
    sweep.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    sweep.add_argument("--grid", action="append", default=[], metavar="FIELD=V1,V2",
                       help="sweep a field over values (repeatable: every combination runs, "
                            "each with every seed)")
    sweep.add_argument("--processes", type=int,
                       help="parallel runs (default: the CPUs this process may use)")
    sweep.add_argument("--backend", choices=("local", "ray"), default="local",
                       help="local process pool (default) or Ray (pip install \".[cluster]\")")
    sweep.add_argument("--address", help="Ray cluster address (default: a local Ray instance)")
    sweep.add_argument("--out", required=True, type=Path, help="output folder")
    compare = commands.add_parser("compare", help="train a pair preset's runs A and B")
    compare.add_argument("--preset", required=True, help="pair preset name or JSON file")
    compare.add_argument("--steps", type=int, help="override both runs' number of steps")
    compare.add_argument("--seed", type=int, help="override both runs' seed")
    compare.add_argument("--out", required=True, type=Path, help="output folder")
    commands.add_parser("presets", help="list presets with their descriptions")
    classifier = commands.add_parser(
        "train-classifier",
        help="train the MNIST digit classifier used by the image metrics",
        description="Train the MNIST classifier and write its weights and a JSON record beside "
        "them. Fetches the 60k training set first where the internet is reachable (never with "
        "PLAYGROUND_OFFLINE=1).",
    )
    classifier.add_argument("--epochs", type=int, default=20, help="epochs (default 20)")
    classifier.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    classifier.add_argument("--out", type=Path, help="weights file (default: the shipped one)")
    classifier.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    classifier.add_argument("--limit", type=int, help=argparse.SUPPRESS)  # N images, for tests
    return parser


def _overrides(args: argparse.Namespace) -> list[str]:
    """--set pairs plus --steps and --seed (where the command has them), as key=value."""
    overrides = list(getattr(args, "set", []))
    if args.steps is not None:
        overrides.append(f"steps={args.steps}")
    if getattr(args, "seed", None) is not None:
        overrides.append(f"seed={args.seed}")
    return overrides


def _resolve(args: argparse.Namespace):
    """The preset and its config with --steps/--seed/--set applied (ConfigError if bad)."""
    preset = load_preset(args.preset)
    config = apply_overrides(preset.config, _overrides(args))
    warn_cost(config)
    return preset, config


def warn_cost(config: TrainConfig) -> None:
    """The web app refuses a config over its cost budget; the CLI says so and runs it (a
    local user owns their machine)."""
    problem = over_budget(config)
    if problem:
        print(f"warning: {problem} (the web app would refuse this config; running it here)",
              file=sys.stderr)


def _fetch_mnist(needed: bool = True) -> None:
    """Before an MNIST run from the command line (not a user's request: waiting is fine), fetch
    the 60k training set into the cache, with a progress bar. Offline, one note and the run goes
    on with the MNIST that is here (at least the shipped test set; metrics.json says which)."""
    if not needed:
        return
    from playground.engine.data.mnist import MnistError, fetch_training_set, tqdm_progress

    try:
        fetch_training_set(progress=tqdm_progress() if sys.stderr.isatty() else None)
    except (OSError, MnistError) as exc:
        print(f"note: MNIST training set not fetched ({exc}); using the MNIST that is here",
              file=sys.stderr)


def _check_out(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise ConfigError("--out", str(path), "a folder (this is a file)")


def _sweep(args: argparse.Namespace) -> int:
    from playground.cli.sweep import (
        format_summary,
        grid_configs,
        parse_grid,
        run_configs,
        write_sweep,
    )

    preset, config = _resolve(args)
    if not 1 <= args.seeds <= 1000:
        raise ConfigError("--seeds", args.seeds, "a whole number from 1 to 1,000")
    if args.processes is not None and args.processes < 1:
        raise ConfigError("--processes", args.processes, "a whole number ≥ 1")
    if args.address and args.backend != "ray":
        raise ConfigError("--address", args.address, "used with --backend ray only")
    grid = parse_grid(args.grid)
    configs = grid_configs(config, grid, list(range(args.seeds)))
    _check_out(args.out)
    _fetch_mnist(config.dataset == "mnist")
    bar = _progress_bar(len(configs), f"{preset.name} sweep")
    try:
        results = run_configs(configs, args.processes, args.backend, args.address,
                              progress=(lambda: bar.update(1)) if bar else None)
    finally:
        if bar:
            bar.close()
    fields = tuple(grid)
    summary = write_sweep(results, args.out, fields)
    for result in results:
        params = result.config.to_dict()
        name = " ".join([*(f"{k}={params[k]}" for k in fields), f"seed {result.config.seed}"])
        print(f"{name}: {metric_summary(result.metrics)}, {result.metrics['wall_s']:.1f} s")
    for point in summary.get("points", []):
        params = " ".join(f"{k}={v}" for k, v in point["params"].items())
        print(f"{params}: {format_summary(point['summary'])}")
    total = format_summary(summary)
    if fields:  # the overall line counts runs, not seeds
        total = total.replace(f"{summary['runs']} seeds", f"{summary['runs']} runs", 1)
    print(f"{preset.name}: {total} → {args.out}")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from playground.cli.sweep import comparison, run_configs
    from playground.presets import load_pair

    pair = load_pair(args.preset)
    a, b = (apply_overrides(c, _overrides(args)) for c in (pair.a, pair.b))
    warn_cost(a)
    warn_cost(b)
    _check_out(args.out)
    _fetch_mnist("mnist" in (a.dataset, b.dataset))
    result_a, result_b = run_configs([a, b], processes=2)
    write_run(result_a, args.out / "A")
    write_run(result_b, args.out / "B")
    report = comparison(result_a, result_b)
    (args.out / "comparison.json").write_text(json.dumps(report, indent=2) + "\n")
    for label, m in (("A", result_a.metrics), ("B", result_b.metrics)):
        print(f"{label}: {metric_summary(m) or 'no quality metric'}, {m['wall_s']:.1f} s")
    print(f"{pair.name}: B changes {', '.join(report['changed'])} → {args.out}")
    return 0


def _train(args: argparse.Namespace) -> int:
    preset, config = _resolve(args)
    if args.threads < 1:
        raise ConfigError("--threads", args.threads, "a whole number ≥ 1")
    torch.set_num_threads(args.threads)
    _check_out(args.out)
    _fetch_mnist(config.dataset == "mnist")
    bar = _progress_bar(config.steps, preset.name)
    try:
        result = train_run(config, progress=bar.update if bar else None)
    finally:
        if bar:
            bar.close()
    write_run(result, args.out)
    m = result.metrics
    summary = f"{preset.name}: {m['steps']} steps in {m['wall_s']:.1f} s"
    if metric_summary(m):
        summary += ", " + metric_summary(m)
    if m["diverged"]:
        summary += " — DIVERGED (NaN/inf loss): lower the learning rates"
    print(summary + f" → {args.out}")
    return 0


def metric_summary(m: dict) -> str:
    """A run's quality in words: modes for 2-D mixtures, classes for images."""
    if m.get("classes_covered") is not None:
        text = (f"{m['classes_covered']}/10 classes, confidence {m['mean_confidence']:.2f},"
                f" class KL {m['class_kl']:.2f}, classifier FID {m['fid_classifier']:.0f},"
                f" classifier IS {m['is_classifier']:.2f}"
                f" (real digits {m.get('is_classifier_real', float('nan')):.2f})")
        if m.get("label_accuracy") is not None:
            text += (f", right digit {m['label_accuracy']:.0%}"
                     f" (worst digit {m['worst_digit_accuracy']:.0%})")
        return text
    if m.get("confidence_r") is not None:  # Stacked MNIST: digit triples, one per channel
        return (f"{m['modes_covered']}/{m['modes_total']} modes (digit triples among"
                f" {m['samples']:,} samples), mode KL {m['mode_kl']:.2f},"
                f" confidence {m['mean_confidence']:.2f}")
    if m.get("modes_total"):
        return (f"{m['modes_covered']}/{m['modes_total']} modes,"
                f" high-quality {m['high_quality_frac']:.0%}, mode KL {m['mode_kl']:.2f}")
    return ""


def _progress_bar(total: int, name: str):
    """A tqdm bar on a terminal; None when stderr is piped, so logs stay clean."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=name, unit="it", leave=False)


def _list_presets() -> int:
    from playground.presets import load_pair, pair_names

    rows = [(p.name, p.description) for p in all_presets()]
    rows += [(name, "[pair] " + load_pair(name).description) for name in pair_names()]
    width = max((len(name) for name, _ in rows), default=0)
    for name, description in rows:
        print(f"{name:<{width}}  {description.splitlines()[0] if description else ''}")
    return 0


def _train_classifier(args: argparse.Namespace) -> int:
    from playground.engine.classifier import WEIGHTS, train_classifier
    from playground.engine.data.mnist import load_mnist

    for flag, value in (("--epochs", args.epochs), ("--threads", args.threads),
                        ("--limit", args.limit)):
        if value is not None and value < 1:
            raise ConfigError(flag, value, "a whole number ≥ 1")
    out = args.out or WEIGHTS
    if out.is_dir():
        raise ConfigError("--out", str(out), "a file path (this is a folder)")
    torch.set_num_threads(args.threads)
    _fetch_mnist()
    data = load_mnist(prefer="train")
    model, report = train_classifier(data, args.epochs, args.seed, limit=args.limit)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), out)
    record = out.with_suffix(".json")
    report["weights_bytes"] = out.stat().st_size
    record.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"classifier: {report['accuracy']:.2%} on {report['tested_on']}, "
          f"{report['epochs']} epochs in {report['wall_s']:.0f} s → {out} (record: {record.name})")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "train":
            return _train(args)
        if args.command == "sweep":
            return _sweep(args)
        if args.command == "compare":
            return _compare(args)
        if args.command == "train-classifier":
            return _train_classifier(args)
        return _list_presets()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    except MnistError as exc:  # missing or corrupt data: the message says what to do
        print(f"error: {exc}", file=sys.stderr)
        return 2
