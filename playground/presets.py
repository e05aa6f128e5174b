"""Presets: named, described TrainConfigs stored as ``presets/NAME.json``.

A preset file is ``{"description": "...", "watch_for": "...", "config": {...}}``. A plain
config (such as a run's ``config.json``) is accepted wherever a preset path is, so any run's
output can be re-run with ``--preset DIR/config.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from playground.engine.config import ConfigError, TrainConfig, check_comparable

# Installed (a wheel maps the repository's presets/ to playground/preset_files), else the checkout.
_INSTALLED_PRESETS = Path(__file__).resolve().parent / "preset_files"
PRESET_DIR = (_INSTALLED_PRESETS if _INSTALLED_PRESETS.is_dir()
              else Path(__file__).resolve().parent.parent / "presets")


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    watch_for: str
    config: TrainConfig


@dataclass(frozen=True)
class PairPreset:
    """Two runs to compare side by side: same dataset and seed, each its own config."""

    name: str
    description: str
    watch_for: str
    a: TrainConfig
    b: TrainConfig


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError("preset", str(path), f"a readable JSON file ({exc})") from exc
    if not isinstance(data, dict):
        raise ConfigError("preset", str(path), "a JSON object")
    return data


def _is_pair(path: Path) -> bool:
    try:
        return "pair" in _read(path)
    except ConfigError:
        return False


def preset_names(directory: Path = PRESET_DIR) -> list[str]:
    """Single-run presets (what the playground's dropdown and ``train`` take)."""
    return sorted(p.stem for p in directory.glob("*.json") if not _is_pair(p))


def pair_names(directory: Path = PRESET_DIR) -> list[str]:
    """Pair presets (what ``compare`` takes)."""
    return sorted(p.stem for p in directory.glob("*.json") if _is_pair(p))


def load_preset(name_or_path: str, directory: Path = PRESET_DIR, paths: bool = True) -> Preset:
    """A preset by file stem, or (``paths``: the CLI) a preset/config JSON file by path;
    ConfigError if neither. The web app passes ``paths=False``: a share link must not be able
    to make the server read a file of its choosing."""
    path = _locate(name_or_path, directory, preset_names, paths)
    data = _read(path)
    if "pair" in data:
        raise ConfigError("preset", name_or_path, "a single-run preset (this is a pair: compare)")
    if "config" in data:
        config = TrainConfig.from_dict(data["config"])
        return Preset(
            path.stem, str(data.get("description", "")), str(data.get("watch_for", "")), config
        )
    return Preset(path.stem, "", "", TrainConfig.from_dict(data))


def _locate(name_or_path: str, directory: Path, names, paths: bool = True) -> Path:
    """The preset file. ``names(directory)`` reads every preset, so it is only asked for when
    the answer matters: a name from the web (``paths=False``), or an error message."""
    def unknown() -> ConfigError:
        known = ", ".join(names(directory)) or "none"
        return ConfigError("preset", name_or_path, f"a preset name ({known})" + (
            " or a JSON file" if paths else ""))

    if not isinstance(name_or_path, str) or not name_or_path:
        raise unknown()
    path = Path(name_or_path)
    if paths and path.suffix == ".json" and path.is_file():
        return path
    path = directory / f"{name_or_path}.json"
    if (not paths and name_or_path not in names(directory)) or not path.is_file():
        raise unknown()
    return path


def _side(spec: object, side: str, directory: Path) -> TrainConfig:
    """One side of a pair: ``{"preset": NAME, "changes": {...}}`` or ``{"config": {...}}``."""
    if not isinstance(spec, dict):
        raise ConfigError(side, spec, "an object with a preset or a config")
    if "preset" in spec:
        config = load_preset(str(spec["preset"]), directory).config
    else:
        config = TrainConfig.from_dict(spec.get("config", {}))
    changes = spec.get("changes", {})
    if not isinstance(changes, dict):
        raise ConfigError(f"{side}.changes", changes, "an object of settings")
    return config.with_changes(**changes)


def load_pair(name_or_path: str, directory: Path = PRESET_DIR, paths: bool = True
              ) -> PairPreset:
    """A pair preset; its two sides must share the dataset and the seed. ``paths`` as in
    ``load_preset``."""
    path = _locate(name_or_path, directory, pair_names, paths)
    data = _read(path)
    pair = data.get("pair")
    if not isinstance(pair, dict):
        raise ConfigError("preset", name_or_path, "a pair preset ({'pair': {'a': ..., 'b': ...}})")
    a, b = _side(pair.get("a"), "a", directory), _side(pair.get("b"), "b", directory)
    check_comparable(a, b)
    return PairPreset(path.stem, str(data.get("description", "")), str(data.get("watch_for", "")),
                      a, b)


def all_presets(directory: Path = PRESET_DIR) -> list[Preset]:
    return [load_preset(name, directory) for name in preset_names(directory)]
