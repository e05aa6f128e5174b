"""How a config's values are read: one clear ConfigError for any bad spelling, from any entry.

Every entry point (a preset file, the CLI's ``--set``, the page's controls, a share link, an
uploaded checkpoint) hands raw JSON-ish values to ``TrainConfig``; these turn them into the
field's type or say, naming the field, what was wrong. ``config.py`` holds the fields and their
ranges; this module only reads values, so it knows nothing of TrainConfig.
"""

from __future__ import annotations

import json
import math
import reprlib
from typing import Any

MAX_CUSTOM_POINTS = 2000


def _short_repr() -> reprlib.Repr:
    short = reprlib.Repr()  # keyword arguments only from Python 3.12
    short.maxlevel, short.maxstring, short.maxother, short.maxlong = 3, 60, 60, 40
    short.maxlist = short.maxtuple = 6
    short.maxdict = 4
    return short


_SHORT_REPR = _short_repr()


def shown_value(value: Any) -> str:
    """A bounded repr of a hostile value: reprlib caps depth and length, but Python refuses
    to write an int of over 4,300 digits (ValueError), so such an int is described instead."""
    try:
        return _SHORT_REPR.repr(value)
    except (ValueError, RecursionError, OverflowError):
        if isinstance(value, int):
            return f"<an integer of ~{value.bit_length() * 30103 // 100_000 + 1:,} digits>"
        return f"<{type(value).__name__}>"


MAX_CONFIG_CHARS = 100_000  # a config is ~1 KB; with 2,000 drawn points ~57 KB (to_json)


def parse_json(text: str, field_name: str = "config") -> Any:
    """``json.loads`` that turns everything hostile text can make it raise (bad syntax,
    integers over Python's 4,300-digit limit: ValueError; deep nesting: RecursionError) into a
    ConfigError naming ``field_name``."""
    if len(text) > MAX_CONFIG_CHARS:
        raise ConfigError(field_name, f"{len(text):,} characters",
                          f"at most {MAX_CONFIG_CHARS:,} characters")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(field_name, text[:40], f"valid JSON ({exc})") from None
    except RecursionError:
        raise ConfigError(field_name, text[:40], "JSON nested less deeply") from None
    except ValueError:  # Python's integer-string limit
        raise ConfigError(field_name, text[:40],
                          "numbers of at most 4,300 digits (this one is longer)") from None


class ConfigError(ValueError):
    """A config value is unusable; the message names the field, the value and what is allowed."""

    def __init__(self, field_name: str, value: Any, allowed: str) -> None:
        field_name = (field_name if isinstance(field_name, str) else shown_value(field_name)
                      )[:60] or "(empty name)"
        self.field = field_name
        self.value = value
        self.allowed = allowed
        shown = shown_value(value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        super().__init__(f"{field_name}={shown} is not allowed: {allowed}")


def as_int(name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise ConfigError(name, value, "a whole number")
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    if isinstance(value, int):
        return value
    raise ConfigError(name, value, "a whole number")


def as_float(name: str, value: Any) -> float:
    if isinstance(value, bool):
        raise ConfigError(name, value, "a number")
    if isinstance(value, (int, float)):
        try:
            result = float(value)
        except OverflowError:  # an int beyond float's range
            raise ConfigError(name, value, "a finite number") from None
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            raise ConfigError(name, value, "a number") from None
    else:
        raise ConfigError(name, value, "a number")
    if not math.isfinite(result):
        raise ConfigError(name, value, "a finite number (not NaN or infinity)")
    return result


def as_betas(name: str, value: Any) -> tuple[float, float]:
    if isinstance(value, str):
        value = [v for v in value.replace("(", "").replace(")", "").split(",") if v.strip()]
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ConfigError(name, value, "two numbers (beta1, beta2), each in [0, 1)")
    betas = tuple(as_float(name, v) for v in value)
    if not all(0.0 <= b < 1.0 for b in betas):
        raise ConfigError(name, value, "two numbers (beta1, beta2), each in [0, 1)")
    return betas  # type: ignore[return-value]


def as_bool(name: str, value: Any) -> bool:
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", "on", "off"):
        value = value.strip().lower() in ("true", "1", "on")
    if isinstance(value, int) and not isinstance(value, bool) and value in (0, 1):
        value = bool(value)
    if not isinstance(value, bool):
        raise ConfigError(name, value, "true or false")
    return value


def as_points(value: Any) -> tuple[tuple[float, float], ...]:
    name = "custom_points"
    if not isinstance(value, (list, tuple)):
        raise ConfigError(name, value, "a list of [x, y] points")
    if len(value) > MAX_CUSTOM_POINTS:
        raise ConfigError(name, f"{len(value)} points", f"at most {MAX_CUSTOM_POINTS} points")
    points = []
    for point in value:
        if not isinstance(point, (list, tuple)) or len(point) != 2:
            raise ConfigError(name, point, "a list of [x, y] points")
        x, y = (as_float(name, v) for v in point)
        if abs(x) > 100 or abs(y) > 100:
            raise ConfigError(name, point, "coordinates within [-100, 100]")
        points.append((x, y))
    return tuple(points)


def parse_set_value(text: str, field_name: str = "value") -> Any:
    """A ``--set key=value`` (or share-link) value: JSON where it parses (numbers, lists, true,
    null), else text; JSON that is too deep or holds a too-long integer is a ConfigError naming
    ``field_name``, not plain text (it was meant as JSON, and text would only fail later)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text
    except (ValueError, RecursionError):
        return parse_json(text, field_name)  # raises the named ConfigError
