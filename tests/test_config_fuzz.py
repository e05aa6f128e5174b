"""Hostile configs (from a share link, an upload, the API): valid, or a ConfigError naming a
field; never another exception."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.engine.config import ConfigError, TrainConfig, field_names
from playground.web.controls import config_from_query

# Integers past Python's 4,300-digit int-string limit: repr() and int(str) raise ValueError,
# float() raises OverflowError (finding 6 of issue 17: each reached the user as a bare "Error").
huge_ints = st.integers(4_301, 6_000).map(lambda n: 7 * 10 ** n) | st.integers(310, 400).map(
    lambda n: -(10 ** n))
huge_digits = st.integers(4_301, 6_000).map(lambda n: "7" * n)  # the same, as JSON text
deep_json = st.integers(900, 6_000).map(lambda n: "[" * n + "]" * n)


def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20) | huge_ints | st.integers(1, 3_000).map(nested),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5),
                                                                      children, max_size=3),
    max_leaves=10,
)
keys = st.sampled_from(field_names()) | st.text(max_size=12) | st.integers() | huge_ints


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(keys, values, max_size=6))
def test_any_dict_is_valid_or_a_named_config_error(data):
    try:
        config = TrainConfig.from_dict(data)
    except ConfigError as exc:
        assert exc.field and str(exc).startswith(f"{exc.field}=")
        return
    assert TrainConfig.from_json(config.to_json()) == config


link_values = (st.text(max_size=30) | deep_json | huge_digits
               | st.tuples(huge_digits, st.text(max_size=3)).map(lambda t: f"[{t[0]}, 1{t[1]}]"))


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(field_names()) | st.text(max_size=6), link_values,
                       max_size=5))
def test_any_share_link_is_valid_or_a_named_config_error(params):
    try:
        config_from_query(params)
    except ConfigError as exc:
        assert exc.field


def test_oversized_and_deep_json_are_rejected_cleanly():
    deep = "[" * 100_000 + "]" * 100_000
    for text in (deep, json.dumps({"custom_points": [[0, 0]] * 100_000})):
        try:
            TrainConfig.from_json(text)
        except ConfigError as exc:
            assert exc.field in ("config", "custom_points")
        else:
            raise AssertionError("accepted")


json_texts = (deep_json | huge_digits.map(lambda n: f'{{"seed": {n}}}')
              | huge_digits.map(lambda n: f'{{"custom_points": [[{n}, 0]], "dataset": "custom"}}')
              | st.builds(lambda n: '{"b": ' + "[" * n, st.integers(1, 5_000)))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_texts)
def test_any_pasted_config_text_is_valid_or_a_named_config_error(text):
    try:
        TrainConfig.from_json(text)
    except ConfigError as exc:
        assert exc.field == "config" and str(exc).startswith("config=")
    else:
        raise AssertionError("accepted")


def test_each_hostile_value_of_issue_17_gets_a_message_naming_its_field():
    """The reproduced cases, one by one: each raised ValueError, RecursionError, TypeError or
    OverflowError before (a bare "Error" on the page); each names its field now."""
    from playground.web.compare_tab import pair_from_query
    from playground.web.controls import parse_points

    digits = "9" * 4_400
    cases = {
        "seed": lambda: config_from_query({"seed": digits}),
        "config": lambda: TrainConfig.from_json(f"{{\"seed\": {digits}}}"),
        "custom_points": lambda: parse_points(f"[[{digits}, 1]]"),
        "lr_g": lambda: TrainConfig.from_dict({"lr_g": 10 ** 5_000}),
        "b": lambda: pair_from_query({"b": "[" * 5_000 + "]" * 5_000}, TrainConfig()),
        "1": lambda: TrainConfig.from_dict({1: 2, "x": 3}),  # mixed key types
        "steps": lambda: TrainConfig.from_dict({"steps": 10 ** 5_000}),
    }
    cases["seed "] = lambda: config_from_query({"seed": "[" * 3_000 + "]" * 3_000})
    for field, make in cases.items():
        try:
            make()
        except ConfigError as exc:
            assert exc.field == field.strip(), (field, str(exc))
            assert len(str(exc)) < 300
        else:
            raise AssertionError(f"{field}: accepted")


def test_pasted_config_text_is_capped_at_100_kb_and_drawn_configs_fit():
    points = [[0.123456789, -1.23456789]] * 2_000
    drawn = TrainConfig(dataset="custom", custom_points=points)
    assert len(drawn.to_json()) < 100_000  # the app's own largest config reads back
    assert TrainConfig.from_json(drawn.to_json()) == drawn
    padded = '{"seed": 1' + " " * 100_000 + "}"
    try:
        TrainConfig.from_json(padded)
    except ConfigError as exc:
        assert exc.field == "config" and "100,000 characters" in str(exc)
    else:
        raise AssertionError("accepted")


def test_data_errors_shown_on_the_page_name_no_server_path():
    from playground.engine.data import without_paths
    from playground.engine.data.mnist import cache_dir, where_to_put_files

    shown = without_paths(where_to_put_files())
    assert str(cache_dir()) not in shown and "the MNIST cache" in shown
    assert "https://" in shown  # the mirror's URL is not a server path
