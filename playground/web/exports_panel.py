"""The Play tab's export / import panel: checkpoint download and upload (continue a run),
the metrics history as CSV, the run as an animated GIF, and a config file upload. Wiring
only; the checks live in ``checkpoint`` (weights_only-safe reading) and ``config``."""

from __future__ import annotations

import csv
import io
import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from playground.engine.checkpoint import read_state
from playground.engine.checkpoint_bounds import max_checkpoint_bytes
from playground.engine.config import ConfigError, TrainConfig
from playground.engine.kinds import kind_of
from playground.live.film import render_gif
from playground.live.snapshot import HISTORY_KEYS, Snapshot
from playground.web.outcome import Outcome

MAX_CONFIG_BYTES = 100_000  # a config is ~1 KB; anything near this is not one
MAX_CHECKPOINT_BYTES = 200 * 2**20  # the parameter cap keeps real checkpoints far below
EXPORT_TTL_S = 600.0  # our copy of a download; Gradio serves its own copy from its cache
EXPORT_BUDGET_BYTES = 1 << 30  # all our export copies together; the oldest go first


def history_csv(snap: Snapshot) -> str:
    """The live run's logged history (the curves' data) as CSV: one row per logged step, with
    the columns this kind of run has (mode metrics for points, class metrics for images)."""
    metrics = kind_of(snap.config.dataset).metric_names(snap.config)
    columns = ["step", "d_loss", "g_loss", *(["wasserstein"] if snap.critic else []),
               *(k for k in metrics if k in HISTORY_KEYS)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in zip(*(snap.history[k] for k in columns)):
        writer.writerow([int(row[0]), *("" if v != v else f"{float(v):.6g}" for v in row[1:])])
    return out.getvalue()


def export_dir() -> Path:
    return Path(tempfile.gettempdir()) / "gan-playground-exports"


def _export_file(name: str, data: bytes | str, folder: Path | None = None) -> str:
    """Write a download into its own unguessable folder under ``export_dir()``. Gradio copies
    it into its cache (which ``delete_cache`` empties), so ours are only needed for moments:
    each export first removes those older than EXPORT_TTL_S, including any left by an app
    that was killed, so a Space that runs for months does not fill its disk."""
    folder = folder or export_dir()
    prune_exports(folder)
    payload = data.encode() if isinstance(data, str) else data
    make_room(folder, len(payload), export_budget())
    path = folder / secrets.token_hex(8) / name
    path.parent.mkdir(parents=True)
    path.write_bytes(payload)
    return str(path)


def export_budget() -> int:
    return int(os.environ.get("PLAYGROUND_EXPORT_BUDGET_BYTES") or EXPORT_BUDGET_BYTES)


def make_room(folder: Path, size: int, budget: int) -> int:
    """Sweep the oldest export folders until ``size`` more bytes fit in ``budget`` (issue 17,
    finding 3: repeated downloads filled the disk); ValueError if one file alone is over it.
    How many folders went."""
    if size > budget:
        raise ValueError(f"this download would be {size / 1e6:,.0f} MB, over the "
                         f"{budget / 1e6:,.0f} MB the playground keeps for downloads")
    entries = []
    for entry in folder.glob("*") if folder.is_dir() else ():
        try:
            used = sum(f.stat().st_size for f in entry.rglob("*") if f.is_file())
            entries.append((entry.stat().st_mtime, used, entry))
        except OSError:  # another process swept it
            continue
    total, removed = sum(e[1] for e in entries), 0
    for _, used, entry in sorted(entries, key=lambda e: e[0]):
        if total + size <= budget:
            break
        shutil.rmtree(entry, ignore_errors=True)
        total -= used
        removed += 1
    return removed


def prune_exports(folder: Path, max_age_s: float = EXPORT_TTL_S) -> int:
    """Remove export folders older than ``max_age_s``; how many went."""
    removed = 0
    cutoff = time.time() - max_age_s
    for entry in folder.glob("*") if folder.is_dir() else ():
        try:
            if entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
                removed += 1
        except OSError:  # another process pruned it first
            continue
    return removed


def _read_upload(file: Any, limit: int) -> bytes:
    path = Path(file if isinstance(file, str) else file.name)
    if path.stat().st_size > limit:
        raise ConfigError("file", path.name, f"at most {limit:,} bytes")
    return path.read_bytes()


def build_export_panel(session_for: Callable, load_into_session: Callable[..., Outcome],
                       loaded_outputs: list[Any], message: Any) -> None:
    """``load_into_session`` returns an Outcome whose updates go to ``loaded_outputs`` (the
    controls, ``message``, ...)."""

    with gr.Row():
        get_checkpoint = gr.Button("Download checkpoint (.pt)", elem_id="btn-checkpoint")
        get_history = gr.Button("Download metrics history (.csv)", elem_id="btn-history")
        get_gif = gr.Button("Download the run as GIF", elem_id="btn-gif")
        put_checkpoint = gr.UploadButton("Continue from a checkpoint…", file_types=[".pt"],
                                         elem_id="upload-checkpoint")
        put_config = gr.UploadButton("Load a config file…", file_types=[".json"],
                                     elem_id="upload-config")
    download = gr.File(label="download", elem_id="export-file", interactive=False)
    gr.Markdown("The plots' camera button saves the current picture as PNG. A checkpoint holds "
                "the nets, optimisers, random states and step: loading it continues the run "
                "exactly where it was.")

    def exporter(make: Callable[[Any], tuple[str, bytes | str, str]]) -> Callable:
        """A download button's handler: ``make(session)`` gives (file name, data, message);
        a missing run or a failure (a worker timeout, no frames yet) becomes a message."""
        def handler(request: gr.Request):
            session = session_for(request)
            if session is None:
                return {message: "⚠ no run yet"}
            try:
                name, data, note = make(session)
            except (TimeoutError, ValueError, RuntimeError) as exc:
                return {message: f"⚠ {exc}"}
            return {download: _export_file(name, data), message: f"✓ {note}"}
        return handler

    def checkpoint_file(session: Any) -> tuple[str, bytes, str]:
        most = max_checkpoint_bytes(session.config)
        if most > MAX_CHECKPOINT_BYTES:  # refused before the worker writes hundreds of MB
            raise ValueError(f"this run's checkpoint would be up to {most / 1e6:,.0f} MB, over "
                             f"the {MAX_CHECKPOINT_BYTES / 1e6:,.0f} MB the playground can "
                             "load back: fewer layers or neurons make it smaller")
        data = session.checkpoint()
        return (f"{session.config.dataset}-{session.config.loss}.pt", data,
                f"checkpoint saved ({len(data) / 1e6:.1f} MB)")

    def history_file(session: Any) -> tuple[str, str, str]:
        snap = session.latest
        if snap is None or isinstance(snap, tuple):
            raise ValueError("no history yet: press Play first")
        return "history.csv", history_csv(snap), "history saved"

    def gif_file(session: Any) -> tuple[str, bytes, str]:
        reel = session.film()
        data = render_gif(reel)
        return (f"{session.config.dataset}-{session.config.loss}.gif", data,
                f"GIF saved: {len(reel.frames)} frames, {len(data) / 1e6:.1f} MB")

    for button, make, api in ((get_checkpoint, checkpoint_file, "checkpoint"),
                              (get_history, history_file, "history"), (get_gif, gif_file, "gif")):
        button.click(exporter(make), None, [download, message], api_name=api)

    def on_checkpoint_upload(file: Any, request: gr.Request):
        try:
            data = _read_upload(file, MAX_CHECKPOINT_BYTES)
            _, config = read_state(data)
        except ConfigError as exc:
            return {message: f"⚠ {exc}"}
        return load_into_session(config, request, "✓ checkpoint loaded: press Play to go on",
                                 checkpoint=data).updates

    put_checkpoint.upload(on_checkpoint_upload, put_checkpoint, loaded_outputs,
                          api_name="restore")

    def on_config_upload(file: Any, request: gr.Request):
        try:
            config = TrainConfig.from_json(_read_upload(file, MAX_CONFIG_BYTES).decode(
                "utf-8", errors="replace"))
        except ConfigError as exc:
            return {message: f"⚠ {exc}"}
        return load_into_session(config, request, "✓ config file loaded: press Play").updates

    put_config.upload(on_config_upload, put_config, loaded_outputs, api_name="upload_config")
