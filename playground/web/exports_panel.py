"""The Play tab's export / import panel: checkpoint download and upload (continue a run),
the metrics history as CSV, the run as an animated GIF, and a config file upload. Wiring
only; the checks live in ``checkpoint`` (weights_only-safe reading) and ``config``."""

from __future__ import annotations

import csv
import io
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
from playground.web.clients import client_of
from playground.web.export_disk import (  # noqa: F401 - tests import the sweep from here
    EXPORT_TTL_S,
    export_file,
    make_room,
    prune_exports,
)
from playground.web.outcome import Outcome

MAX_CONFIG_BYTES = 100_000  # a config is ~1 KB; anything near this is not one
MAX_CHECKPOINT_BYTES = 200 * 2**20  # the parameter cap keeps real checkpoints far below


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
            try:
                path = export_file(name, data, client=client_of(request))
            except ValueError as exc:  # over this client's or everyone's download budget
                return {message: f"⚠ {exc}"}
            return {download: path, message: f"✓ {note}"}
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
