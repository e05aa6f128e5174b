"""A pair preset is a controlled experiment only if its two sides differ where it says they do.

Each pair file names the fields its two runs may differ in (``"differs_in"``); this test diffs
the two resolved configs and fails if anything else differs (someone tuned one side's learning
rate and not the other's) or if a listed field no longer differs (the claim went stale). A
pair whose text claims "only ... differs" must carry such a list. The headline single presets,
``mode-collapse`` and ``wgan-gp-fix``, and the grid's ``grid25-collapse`` and
``grid25-wgan-gp``, are held to the same rule directly.
"""

import json
import re

import pytest

from playground.presets import PRESET_DIR, load_pair, load_preset, pair_names

LOSS_KNOBS = {"loss", "gp_lambda", "gp_every", "clip"}  # the loss and the loss's own settings


def changed_fields(a, b) -> set[str]:
    da, db = a.to_dict(), b.to_dict()
    return {name for name in da if da[name] != db[name]}


def declared(name: str) -> list[str] | None:
    return json.loads((PRESET_DIR / f"{name}.json").read_text()).get("differs_in")


@pytest.mark.parametrize("name", pair_names())
def test_a_pair_differs_exactly_where_it_says(name):
    pair, allowed = load_pair(name), declared(name)
    text = f"{pair.description} {pair.watch_for}".lower()
    claims_only = re.search(r"\bonly\b[^.]*\bdiffer", text) or "loss-only" in text
    if allowed is None:
        assert not claims_only, f"{name} says only something differs but lists no differs_in"
        return
    changed = changed_fields(pair.a, pair.b)
    assert changed <= set(allowed), f"{name}: {sorted(changed - set(allowed))} differ too"
    assert changed, f"{name}: the two sides are identical"
    # Every field named as the difference must differ, except a loss's knobs the other loss
    # ignores (gp_lambda, gp_every, clip), which may or may not differ.
    stale = set(allowed) - changed - (LOSS_KNOBS - {"loss"})
    assert not stale, f"{name}: differs_in names {sorted(stale)} but they are equal"


# (collapse preset, fix preset, the pair that runs them): the ring's headline and the grid's.
LOSS_ONLY = [("mode-collapse", "wgan-gp-fix", "collapse-vs-wgan-gp"),
             ("grid25-collapse", "grid25-wgan-gp", "grid25-collapse-vs-wgan-gp")]


@pytest.mark.parametrize("collapse, fix, _", LOSS_ONLY)
def test_the_collapse_and_its_fix_differ_only_in_the_loss(collapse, fix, _):
    a, b = load_preset(collapse).config, load_preset(fix).config
    assert a.loss == "nonsaturating" and b.loss == "wgan-gp"
    assert changed_fields(a, b) <= LOSS_KNOBS, changed_fields(a, b) - LOSS_KNOBS


@pytest.mark.parametrize("collapse, fix, pair_name", LOSS_ONLY)
def test_the_loss_only_pair_runs_the_two_presets(collapse, fix, pair_name):
    pair = load_pair(pair_name)
    assert pair.a == load_preset(collapse).config
    assert pair.b == load_preset(fix).config
    assert pair.a.steps == pair.b.steps  # both run to the common length


def test_the_check_catches_a_one_sided_edit():
    a, b = load_preset("mode-collapse").config, load_preset("wgan-gp-fix").config
    assert changed_fields(a, b.with_changes(lr_g=b.lr_g * 2)) - LOSS_KNOBS == {"lr_g"}
