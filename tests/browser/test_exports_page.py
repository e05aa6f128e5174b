"""Export and import in the browser: download a checkpoint and the history, upload them back
(a run continues from its checkpoint), and a bad upload gets a message, not a broken page."""

import pytest

from tests.browser.helpers import iteration, message, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


def upload(page, button: str, path) -> None:
    """Click an upload button and pick the file in the chooser, as a user does."""
    with page.expect_file_chooser() as chooser:
        page.click(button)
    chooser.value.set_files(str(path))


def open_panel(page) -> None:
    page.get_by_text("Export / import: checkpoint, history, config file").click()
    wait_until(lambda: page.is_visible("#btn-checkpoint"), what="the export panel")


def test_checkpoint_round_trip_and_history_csv(page, artifacts, tmp_path):
    wait_until(lambda: iteration(page) == 0, timeout=60, what="the run to show step 0")
    for step in (1, 2, 3):  # one click at a time, each seen, as a person steps
        page.click("#btn-step")
        wait_until(lambda step=step: iteration(page) == step, timeout=60, what=f"step {step}")
    open_panel(page)
    with page.expect_download() as download:
        page.click("#btn-checkpoint")
        wait_until(lambda: "checkpoint saved" in message(page), what="the checkpoint")
        page.locator("#export-file a").first.click()
    saved = tmp_path / "run.pt"
    download.value.save_as(saved)
    assert saved.stat().st_size > 1000

    page.click("#btn-reset")
    wait_until(lambda: iteration(page) == 0, what="reset")
    upload(page, "#upload-checkpoint", saved)
    wait_until(lambda: "checkpoint loaded" in message(page), what="the upload")
    wait_until(lambda: iteration(page) == 3, what="the run back at step 3")
    page.click("#btn-step")
    wait_until(lambda: iteration(page) == 4, what="it continues")

    with page.expect_download() as download:
        page.click("#btn-history")
        wait_until(lambda: "history saved" in message(page), what="the history")
        page.locator("#export-file a").first.click()
    text = download.value.path().read_text()
    header = text.splitlines()[0].split(",")
    assert header[:3] == ["step", "d_loss", "g_loss"] and "modes_covered" in header

    page.click("#btn-play")
    wait_until(lambda: iteration(page) > 60, what="training for the film")
    page.click("#btn-pause")
    with page.expect_download() as download:
        page.click("#btn-gif")
        wait_until(lambda: "GIF saved" in message(page), what="the GIF")
        page.locator("#export-file a").first.click()
    gif = download.value.path().read_bytes()
    assert gif[:6] == b"GIF89a" and len(gif) > 2000

    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"this is not a checkpoint")
    upload(page, "#upload-checkpoint", junk)
    wait_until(lambda: "checkpoint" in message(page) and "⚠" in message(page),
               what="a clear message for a bad file")
    assert iteration(page) > 60  # the run is still there
    page.screenshot(path=artifacts / "40-export-panel.png", full_page=True)
    assert not page.js_errors, page.js_errors


def test_config_file_upload_loads_it_and_a_bad_file_is_named(page, tmp_path):
    from playground.presets import load_preset

    open_panel(page)
    good = tmp_path / "mine.json"
    good.write_text(load_preset("wgan-gp-fix").config.with_changes(seed=7).to_json())
    upload(page, "#upload-config", good)
    wait_until(lambda: "config file loaded" in message(page), what="the config file")
    assert page.input_value("#seed input") == "7"
    assert page.input_value("#loss input") == "wgan-gp"
    bad = tmp_path / "bad.json"
    bad.write_text('{"lr_g": "NaN"}')
    upload(page, "#upload-config", bad)
    wait_until(lambda: "lr_g" in message(page) and "⚠" in message(page),
               what="a message naming the bad field")
    huge = tmp_path / "huge.json"
    huge.write_text(" " * 200_000 + "{}")
    upload(page, "#upload-config", huge)
    wait_until(lambda: "at most" in message(page), what="the size limit message")
    assert page.input_value("#seed input") == "7"  # the loaded run is still there
    assert not page.js_errors, page.js_errors
