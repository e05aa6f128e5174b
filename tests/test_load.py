"""Load: 16 clients at once on a playground capped at 12 sessions, each playing, changing
presets, pausing and polling frames for 60 s over the real HTTP API. Every answer is a frame,
a skip or a clear message (the 4 past the cap are told the playground is full); no error
responses; the server still serves a new visitor afterwards. Bounded: ~75 s."""

import json
import threading
import time

import pytest
from gradio_client import Client

from tests.api_outputs import predict
from tests.conftest import start_app, stop_app

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

CLIENTS, CAP, SECONDS = 16, 12, 60.0
PRESETS = ["wgan-gp-fix", "mode-collapse", "hinge-sn", "ganlab-default"]


def test_sixteen_clients_for_a_minute_get_frames_or_a_clear_full_message():
    process, url = start_app({"PLAYGROUND_MAX_SESSIONS": str(CAP)})
    results: list[dict] = []
    lock = threading.Lock()

    def visitor(index: int) -> None:
        # "steps": the last step seen; "trained": how many frames showed it had gone up (a
        # preset change restarts the run at 0, so the last step alone can be 0 after training)
        record = {"frames": 0, "errors": [], "full": False, "steps": 0, "trained": 0}
        try:
            client = Client(url, verbose=False)
            full = client.predict(api_name="/play")
            record["full"] = "full" in str(full)
            deadline, last_change = time.monotonic() + SECONDS, time.monotonic()
            turn = 0
            while time.monotonic() < deadline:
                frame = predict(client, True, False, False, api_name="/frame")
                plot, status = frame["live-plot"], frame["status"]
                if isinstance(plot, str) and plot.startswith("{"):  # figures travel as JSON
                    plot = json.loads(plot)
                if isinstance(plot, dict) and "data" in plot:
                    record["frames"] += 1
                if isinstance(status, str) and 'data-step="' in status:
                    step = int(status.split('data-step="')[1].split('"')[0])
                    record["trained"] += step > record["steps"]
                    record["steps"] = step
                if "full" in str(status):
                    record["full"] = True
                if time.monotonic() - last_change > 5:  # a person fiddles every few seconds
                    turn += 1
                    client.predict(PRESETS[(index + turn) % len(PRESETS)], api_name="/preset")
                    client.predict(api_name="/play" if turn % 2 else "/pause")
                    last_change = time.monotonic()
                time.sleep(0.2)
        except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
            record["errors"].append(f"{type(exc).__name__}: {exc}")
        with lock:
            results.append(record)

    try:
        threads = [threading.Thread(target=visitor, args=(i,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
            time.sleep(0.1)
        for thread in threads:
            thread.join(timeout=SECONDS + 120)
        errors = [e for r in results for e in r["errors"]]
        assert len(results) == CLIENTS and not errors, errors
        served = [r for r in results if not r["full"]]
        full = [r for r in results if r["full"]]
        print(f"{len(served)} sessions served, {len(full)} told the playground is full; "
              f"frames each: {sorted(r['frames'] for r in served)}; "
              f"frames showing progress: {sorted(r['trained'] for r in served)}")
        assert len(served) == CAP and len(full) == CLIENTS - CAP
        # Every served tab kept getting frames, and its fair share: how many a minute depends
        # on the machine (15-21 each alone on the 2-core CI machine, 9-15 during one clean-clone
        # run), so the floor is low and the check that matters is that no tab starves while
        # the others are served (a starved tab gets 0-2).
        frames = sorted(r["frames"] for r in served)
        assert frames[0] >= 5 and frames[0] >= frames[len(frames) // 2] / 2, frames
        assert all(r["trained"] >= 3 for r in served)  # and its run trained, not just drew
        # A newcomer still gets an answer, and the true one: the 12 tabs (API clients never
        # unload) still hold every slot, so it is told the playground is full.
        late = predict(Client(url, verbose=False), True, False, False, api_name="/frame")
        assert "playground is full" in late["status"] and "try again" in late["status"], late
    finally:
        stop_app(process)
