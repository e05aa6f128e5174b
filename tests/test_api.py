"""The app's public API events, through gradio_client against a launched app."""

import json
import time

import pytest
from gradio_client import Client

from tests.api_outputs import predict

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def client(app_url):
    return Client(app_url, verbose=False)


class Viewer:
    """Polls /frame like the page's timer; remembers the last status (unchanged → skipped)."""

    def __init__(self, client):
        self.client = client
        self.status = ""

    def poll(self, arrows=True, manifold=False):
        out = predict(self.client, arrows, manifold, False, api_name="/frame")
        plot, status = out["live-plot"], out["status"]
        # The plots' values are figures as JSON strings (viz.as_json); a skip is a dict.
        plot = json.loads(plot) if isinstance(plot, str) else plot
        curves = json.loads(out["curves"]) if isinstance(out["curves"], str) else out["curves"]
        if isinstance(status, str) and status:
            self.status = status
        if not (isinstance(plot, dict) and "data" in plot):  # skipped: nothing new to draw
            return None, None
        return plot, curves

    def step(self) -> int:
        self.poll()
        return int(self.status.split('data-step="')[1].split('"')[0]) if self.status else -1

    def wait(self, condition, timeout=30.0):
        deadline = time.monotonic() + timeout
        while not condition(self):
            assert time.monotonic() < deadline, f"timed out; last status: {self.status}"
            time.sleep(0.1)
            self.poll()


def test_api_lists_the_public_events(client):
    names = set(client.view_api(return_format="dict", print_info=False)["named_endpoints"])
    assert {"/frame", "/play", "/pause", "/step", "/step_d", "/step_g", "/reset", "/preset",
            "/load_config", "/apply_controls", "/train_drawn"} <= names


def test_play_then_pause_over_the_api(client, app_url):
    viewer = Viewer(client)
    viewer.wait(lambda v: v.step() == 0)
    client.predict(api_name="/play")
    viewer.wait(lambda v: v.step() >= 30)
    client.predict(api_name="/pause")
    viewer.wait(lambda v: "paused" in v.status)
    paused = viewer.step()
    # Proof that the worker kept training while this tab stayed paused: another tab on the
    # same (only) worker process trains 30 steps meanwhile.
    other = Client(app_url, verbose=False)
    other_viewer = Viewer(other)
    other.predict(api_name="/play")
    other_viewer.wait(lambda v: v.step() >= 30)
    other.predict(api_name="/pause")
    # Commands run in order: one Step now lands exactly on paused + 1 unless training went on.
    client.predict(api_name="/step")
    viewer.wait(lambda v: v.step() != paused)
    assert viewer.step() == paused + 1 and "paused" in viewer.status, viewer.status


def test_step_and_frame_figure(client):
    viewer = Viewer(client)
    client.predict(api_name="/step")
    client.predict(api_name="/step")
    viewer.wait(lambda v: v.step() == 2)
    client.predict(api_name="/step")
    plot = None
    deadline = time.monotonic() + 20
    while plot is None:  # a frame is only sent when something changed
        assert time.monotonic() < deadline
        plot, curves = viewer.poll(manifold=True)
    names = [trace["name"] for trace in plot["data"]]
    assert {"discriminator", "real", "fake (G)", "G's push (gradient)",
            "G's manifold (noise grid)"} <= set(names)
    assert len(curves["data"]) >= 4


def test_bad_config_json_is_a_clear_message(client):
    message = predict(client, '{"lr_g": "NaN"}', api_name="/load_config")["message"]
    assert "lr_g" in message and "finite" in message
    assert "valid JSON" in predict(client, "{oops", api_name="/load_config")["message"]


def test_a_config_over_the_cost_budget_is_refused_and_the_run_kept(client):
    """Issue 17, finding 1: this config passed every size cap and said "✓ config loaded";
    one step then took ~138 s and froze every session on its worker."""
    import json

    freezer = {"g_width": 4096, "d_width": 4096, "g_layers": 2, "d_layers": 2,
               "batch_size": 16384}
    out = predict(client, json.dumps(freezer), api_name="/load_config")
    assert out["message"].startswith("⚠") and "one step would take" in out["message"]
    assert "batch_size" in out["message"] and "✓" not in out["message"]
    assert not isinstance(out.get("config-json"), str) or '"g_width": 4096' not in out[
        "config-json"]


def test_preset_loads_config(client):
    out = predict(client, "wgan-gp-fix", api_name="/preset")
    assert "wgan-gp-fix" in out["message"]
    assert '"loss": "wgan-gp"' in out["config-json"]
    assert out["loss"] == "wgan-gp"


def test_choosing_mnist_without_its_files_says_where_to_put_them(tmp_path):
    from tests.conftest import start_app, stop_app

    empty = tmp_path / "empty"
    empty.mkdir()
    process, url = start_app({"MNIST_DIR": str(empty), "PLAYGROUND_OFFLINE": "1",
                              "PLAYGROUND_SHIPPED_MNIST": "0",  # MNIST missing everywhere
                              "XDG_CACHE_HOME": str(tmp_path / "cache")})
    try:
        client = Client(url, verbose=False)
        message = predict(client, "mnist-cgan", api_name="/preset")["message"]
        assert "MNIST not found" in message and "MNIST_DIR" in message
        viewer = Viewer(client)
        client.predict(api_name="/step")
        viewer.wait(lambda v: 'data-step="1"' in v.status)  # the 2-D run is still there
        assert "mode" in viewer.status
    finally:
        stop_app(process)


def test_an_upload_over_the_cap_is_refused_as_it_streams_in(tmp_path):
    """A stranger cannot fill the Space's disk with one upload: past PLAYGROUND_MAX_UPLOAD_BYTES
    (default: the 200 MB checkpoint cap) Gradio refuses it with a message; the tab goes on."""
    from gradio_client import handle_file

    from tests.conftest import start_app, stop_app

    process, url = start_app({"PLAYGROUND_MAX_UPLOAD_BYTES": "1000000",
                              "GRADIO_TEMP_DIR": str(tmp_path / "gradio")})
    try:
        import httpx

        # Raw HTTP, as a hostile client would send it: refused with 413 while streaming.
        response = httpx.post(url + "gradio_api/upload", timeout=60,
                              files={"files": ("big.pt", b"\0" * 3_000_000)})
        assert response.status_code == 413 and "maximum" in response.text
        # gradio_client (and the page) read the cap from the app and refuse before sending.
        client = Client(url, verbose=False)
        big = tmp_path / "big.pt"
        big.write_bytes(b"\0" * 3_000_000)
        with pytest.raises(ValueError, match="maximum file size"):
            client.predict(handle_file(str(big)), api_name="/restore")
        stored = [p for p in (tmp_path / "gradio").rglob("*") if p.is_file()]
        assert all(p.stat().st_size < 3_000_000 for p in stored), stored
        # Issue 17, finding 3: many files each under the cap, in one request, were all
        # stored (5 x 100 MB in 3.3 s); the request as a whole is capped now.
        response = httpx.post(url + "gradio_api/upload", timeout=60, files=[
            ("files", (f"part{i}.pt", b"\0" * 900_000)) for i in range(4)])
        assert response.status_code == 413 and "all its files together" in response.text
        stored = [p for p in (tmp_path / "gradio").rglob("*") if p.is_file()]
        assert sum(p.stat().st_size for p in stored) < 1_100_000, stored
        small = tmp_path / "small.pt"
        small.write_bytes(b"not a checkpoint")
        message = predict(client, handle_file(str(small)), api_name="/restore")["message"]
        assert "checkpoint" in message and "⚠" in message
        viewer = Viewer(client)
        client.predict(api_name="/step")
        viewer.wait(lambda v: 'data-step="1"' in v.status)
    finally:
        stop_app(process)


def test_a_checkpoint_the_app_could_not_read_back_is_refused_up_front(client):
    """Issue 17, finding 3: a width-4096 run is cheap per step at batch 1, but its checkpoint
    (~403 MB) is over the app's own upload cap: refused before the worker writes it."""
    import json

    wide = {"g_width": 4096, "d_width": 4096, "g_layers": 2, "d_layers": 2, "batch_size": 1}
    assert "✓" in predict(client, json.dumps(wide), api_name="/load_config")["message"]
    out = predict(client, api_name="/checkpoint")
    assert out["message"].startswith("⚠") and "403 MB" in out["message"]
    assert not isinstance(out.get("export-file"), str)  # no file: an unchanged output
    assert "✓" in predict(client, "mode-collapse", api_name="/preset")["message"]


def test_one_upload_after_another_cannot_fill_the_disk(tmp_path):
    """Issue 17, finding 3: the per-request cap did not stop a client sending request after
    request. Each client's uploads are charged as they stream in; past its budget it gets
    429 and nothing more is stored, while another visitor (behind the proxy) still can."""
    import httpx

    from tests.conftest import start_app, stop_app

    process, url = start_app({"PLAYGROUND_MAX_UPLOAD_BYTES": "1000000",
                              "PLAYGROUND_UPLOAD_CLIENT_BYTES": "2500000",
                              "PLAYGROUND_TRUST_PROXY": "1",
                              "GRADIO_TEMP_DIR": str(tmp_path / "gradio")})
    try:
        def upload(visitor: str) -> httpx.Response:
            return httpx.post(url + "gradio_api/upload", timeout=60,
                              headers={"X-Forwarded-For": visitor},
                              files={"files": ("part.pt", b"\0" * 900_000)})

        statuses = [upload("1.2.3.4").status_code for _ in range(6)]
        assert statuses[:2] == [200, 200] and set(statuses[2:]) == {429}, statuses
        refused = upload("1.2.3.4")
        assert "upload budget" in refused.text and "MB per 120 minutes" in refused.text
        stored = [p for p in (tmp_path / "gradio").rglob("*") if p.is_file()]
        assert sum(p.stat().st_size for p in stored) <= 2_500_000, stored
        assert upload("5.6.7.8").status_code == 200
    finally:
        stop_app(process)


def test_a_huge_request_body_is_refused_not_read_into_memory(app_url):
    """Gradio would read any JSON body whole; BodyLimit answers 413 past 4 MB, whether the
    size is declared or streamed in chunks, and the app goes on serving."""
    import httpx

    from playground.web.body_limit import MAX_BODY_BYTES

    endpoint = app_url + "gradio_api/queue/join"
    headers = {"content-type": "application/json"}
    declared = httpx.post(endpoint, headers=headers, timeout=60,
                          content=b'{"data": ["' + b"x" * (MAX_BODY_BYTES + 10) + b'"]}')

    def chunks():
        for _ in range(MAX_BODY_BYTES // 2**20 + 2):
            yield b"x" * 2**20

    streamed = httpx.post(endpoint, headers=headers, content=chunks(), timeout=60)
    for response in (declared, streamed):
        assert response.status_code == 413 and "too large" in response.text
    client = Client(app_url, verbose=False)
    assert "wgan-gp" in predict(client, "wgan-gp-fix", api_name="/preset")["config-json"]
