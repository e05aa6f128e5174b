"""Presets: named, described TrainConfigs stored as ``presets/NAME.json``.

A preset file is ``{"description": "...", "watch_for": "...", "config": {...}}``. A plain
config (such as a run's ``config.json``) is accepted wherever a preset path is, so any run's
output can be re-run with ``--preset DIR/config.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from playground.config import ConfigError, TrainConfig

PRESET_DIR = Path(__file__).resolve().parent.parent / "presets"


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    watch_for: str
    config: TrainConfig


def preset_names(directory: Path = PRESET_DIR) -> list[str]:
    return sorted(path.stem for path in directory.glob("*.json"))


def load_preset(name_or_path: str, directory: Path = PRESET_DIR) -> Preset:
    """A preset by file stem, or a preset/config JSON file by path; ConfigError if neither."""
    path = Path(name_or_path)
    if not (path.suffix == ".json" and path.is_file()):
        path = directory / f"{name_or_path}.json"
        if not path.is_file():
            known = ", ".join(preset_names(directory)) or "none"
            raise ConfigError("preset", name_or_path, f"a preset name ({known}) or a JSON file")
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError("preset", str(path), f"a readable JSON file ({exc})") from exc
    if not isinstance(data, dict):
        raise ConfigError("preset", str(path), "a JSON object")
    if "config" in data:
        config = TrainConfig.from_dict(data["config"])
        return Preset(
            path.stem, str(data.get("description", "")), str(data.get("watch_for", "")), config
        )
    return Preset(path.stem, "", "", TrainConfig.from_dict(data))


def all_presets(directory: Path = PRESET_DIR) -> list[Preset]:
    return [load_preset(name, directory) for name in preset_names(directory)]
