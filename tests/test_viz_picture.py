"""The live picture tells the story without numbers (issue 14): real points drawn above the
fakes, each real mode ringed covered or empty, gradient arrows with heads."""

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
    # At step 0 G's blob sits at the centre: all 8 ring modes are empty.
    assert [t["name"] for t in rings] == ["mode empty"]
    assert rings[0]["x"]["bdata"]  # eight centres, as float32
    arrows = next(t for t in live_figure(snap)["data"] if t["name"] == "G's push (gradient)")
    assert arrows["marker"]["symbol"] == "arrow" and arrows["marker"]["angleref"] == "previous"


def test_image_runs_get_no_rings():
    run = LiveRun("t", load_preset("mnist-dcgan").config)
    names = [t.get("name") for t in live_figure(run.snapshot(ViewOptions()))["data"]]
    assert not any(str(n).startswith("mode ") for n in names)
