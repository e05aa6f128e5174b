"""Where downloads are written and how much disk they may take (issue 17, finding 3).

Each download (checkpoint, history CSV, GIF) gets its own unguessable folder under
``export_dir()``, itself inside Gradio's file cache: Gradio serves a file already in its cache
as it is, and copies one from anywhere else, so a 403 MB checkpoint written to the system's
temp folder was on disk twice. Downloads are kept within two budgets: each client's
(``PLAYGROUND_EXPORT_CLIENT_BYTES``, default 256 MB: its address as ``web.clients`` sees it)
and everyone's (``PLAYGROUND_EXPORT_BUDGET_BYTES``, default 1 GB), the oldest swept first,
so one visitor clicking "Download" over and over sweeps their own files before anyone
else's. Anything older than EXPORT_TTL_S goes at the next export, including what a killed
app left; Gradio's ``delete_cache`` sweeps the cache hourly as well.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import time
from collections.abc import Mapping
from pathlib import Path

EXPORT_TTL_S = 600.0  # a download link works for ten minutes
EXPORT_BUDGET_BYTES = 1 << 30  # every client's downloads together
EXPORT_CLIENT_BYTES = 256 << 20  # one client's


def export_dir() -> Path:
    from gradio.utils import get_upload_folder

    return Path(get_upload_folder()) / "gan-playground-exports"


def bytes_setting(env: Mapping[str, str] | None, name: str, default: int) -> int:
    """A byte budget from the environment variable ``name`` (``default`` when unset); a
    ValueError naming the variable when it is not a whole number of bytes >= 1. Shared by
    the download budgets here and the upload budgets (``upload_budget``)."""
    raw = ((os.environ if env is None else env).get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"{name} must be a whole number of bytes, got {raw[:20]!r}")
    return int(raw)


def export_budget(env: Mapping[str, str] | None = None) -> int:
    return bytes_setting(env, "PLAYGROUND_EXPORT_BUDGET_BYTES", EXPORT_BUDGET_BYTES)


def client_budget(env: Mapping[str, str] | None = None) -> int:
    return bytes_setting(env, "PLAYGROUND_EXPORT_CLIENT_BYTES", EXPORT_CLIENT_BYTES)


def client_folder(client: str) -> str:
    """A client's folder name: a hash, so no address (or forged header) becomes a path."""
    return hashlib.sha256(client.encode("utf-8", "replace")).hexdigest()[:16]


def export_file(name: str, data: bytes | str, folder: Path | None = None,
                client: str = "") -> str:
    """Write one download for ``client`` and return its path; ValueError (a message for the
    page) when it is over either budget on its own."""
    folder = folder or export_dir()
    prune_exports(folder)
    payload = data.encode() if isinstance(data, str) else data
    mine = folder / client_folder(client)
    make_room(mine, len(payload), client_budget(), "your downloads")
    make_room(folder, len(payload), export_budget(), "downloads", depth=2)
    path = mine / secrets.token_hex(8) / name
    path.parent.mkdir(parents=True)
    path.write_bytes(payload)
    return str(path)


def _downloads(folder: Path, depth: int) -> list[tuple[float, int, Path]]:
    """(mtime, bytes, path) of each download folder ``depth`` levels under ``folder``."""
    out = []
    for entry in folder.glob("/".join("*" * depth)) if folder.is_dir() else ():
        try:
            used = sum(f.stat().st_size for f in entry.rglob("*") if f.is_file())
            out.append((entry.stat().st_mtime, used + (entry.stat().st_size
                                                        if entry.is_file() else 0), entry))
        except OSError:  # another process swept it
            continue
    return out


def make_room(folder: Path, size: int, budget: int, whose: str = "downloads",
              depth: int = 1) -> int:
    """Sweep the oldest download folders (``depth`` levels under ``folder``) until ``size``
    more bytes fit in ``budget``; ValueError if one file alone is over it. How many went."""
    if size > budget:
        raise ValueError(f"this download would be {size / 1e6:,.0f} MB, over the "
                         f"{budget / 1e6:,.0f} MB the playground keeps for {whose}")
    entries = _downloads(folder, depth)
    total, removed = sum(e[1] for e in entries), 0
    for _, used, entry in sorted(entries, key=lambda e: e[0]):
        if total + size <= budget:
            break
        _remove(entry)
        total -= used
        removed += 1
    return removed


def prune_exports(folder: Path, max_age_s: float = EXPORT_TTL_S) -> int:
    """Remove download folders older than ``max_age_s`` (and emptied client folders); how
    many went."""
    removed = 0
    cutoff = time.time() - max_age_s
    for mtime, _, entry in _downloads(folder, 2):
        if mtime < cutoff:
            _remove(entry)
            removed += 1
    for client in folder.glob("*") if folder.is_dir() else ():
        try:
            if client.stat().st_mtime < cutoff:  # not one an export is writing into now
                client.rmdir()  # only if empty
        except OSError:
            continue
    return removed


def _remove(entry: Path) -> None:
    try:
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    except OSError:  # another process swept it first
        pass
