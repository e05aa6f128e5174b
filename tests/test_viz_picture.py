"""The live picture tells the story without numbers (issue 14): real points drawn above the
fakes, each real mode ringed covered or empty, gradient arrows with heads."""

import base64

from playground.live.run import LiveRun
from playground.live.snapshot import ViewOptions
from playground.presets import load_preset
from playground.web.viz import live_figure


def test_real_points_sit_above_fakes_and_modes_are_ringed():
    run = LiveRun("t", load_preset("mode-collapse").config)
    snap = run.snapshot(ViewOptions(arrows=True))
    names = [t["name"] for t in live_figure(snap)["data"]]
    assert names.index("real") > names.index("fake (G)")  # drawn later: on top
    rings = [t for t in live_figure(snap)["data"] if t["name"].startswith("mode ")]
    # At step 0 G's blob sits at the centre: all 8 ring modes are empty (both traces are
    # always there, so the legend keeps still; the covered one holds no centre).
    assert [t["name"] for t in rings] == ["mode covered", "mode empty"]
    assert [len(base64.b64decode(t["x"]["bdata"])) // 4 for t in rings] == [0, 8]
    arrows = next(t for t in live_figure(snap)["data"] if t["name"] == "G's push (gradient)")
    assert arrows["marker"]["symbol"] == "arrow" and arrows["marker"]["angleref"] == "previous"


def test_image_runs_get_no_rings():
    run = LiveRun("t", load_preset("mnist-dcgan").config)
    names = [t.get("name") for t in live_figure(run.snapshot(ViewOptions()))["data"]]
    assert not any(str(n).startswith("mode ") for n in names)


def test_a_critics_colour_range_is_smoothed_from_frame_to_frame():
    from playground.web.tab_state import TabView

    view = TabView()
    assert view.critic_scale("", (-1.0, 1.0)) == (-1.0, 1.0)
    low, high = view.critic_scale("", (-3.0, 0.5))
    assert low == -3.0 and 0.95 < high < 1.0  # widens at once (no saturation), narrows slowly
    low, high = view.critic_scale("", (-0.1, 0.1))  # a calm frame narrows it only a little
    assert -3.0 < low < -2.5 and 0.9 < high < 1.0
    assert view.critic_scale("", None) is None  # not a critic: no range kept


def test_the_surface_uses_the_smoothed_range():
    import base64

    import numpy as np

    from playground.web.viz import critic_range, surface_trace

    run = LiveRun("t", load_preset("wgan-gp-fix").config)
    snap = run.snapshot(ViewOptions())
    low, high = critic_range(snap)
    wide = surface_trace(snap, (low - 10 * (high - low), high + 10 * (high - low)))
    z = np.frombuffer(base64.b64decode(wide["z"]["bdata"]), np.uint8)
    assert 100 < z.min() and z.max() < 155  # this frame's scores use a sliver of the range
    own = np.frombuffer(base64.b64decode(surface_trace(snap)["z"]["bdata"]), np.uint8)
    assert own.min() == 0 and own.max() == 255
