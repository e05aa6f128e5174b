"""Issue 17: behind a proxy (a Space) the per-client limits count the visitor's address, the
first X-Forwarded-For entry, not the proxy's socket address every request shares."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from playground.engine.config import TrainConfig
from playground.live.session import SessionManager, TooManyAnonymousError
from playground.web.clients import client_of, forwarded_for, trust_proxy

PROXY = "10.0.0.7"


def request(forwarded: str | None, host: str = PROXY) -> SimpleNamespace:
    headers = {} if forwarded is None else {"x-forwarded-for": forwarded}
    return SimpleNamespace(client=SimpleNamespace(host=host), headers=headers)


def test_trust_is_on_for_a_space_and_when_asked_and_off_elsewhere():
    assert trust_proxy({"SPACE_ID": "user/gan-playground"})
    assert trust_proxy({"PLAYGROUND_TRUST_PROXY": "1"})
    assert not trust_proxy({})
    assert not trust_proxy({"SPACE_ID": "user/x", "PLAYGROUND_TRUST_PROXY": "0"})
    with pytest.raises(ValueError, match="PLAYGROUND_TRUST_PROXY"):
        trust_proxy({"PLAYGROUND_TRUST_PROXY": "maybe"})


def test_the_first_forwarded_address_is_the_client_when_trusted():
    on, off = {"PLAYGROUND_TRUST_PROXY": "1"}, {}
    assert client_of(request("203.0.113.9, 10.0.0.1"), on) == "203.0.113.9"
    assert client_of(request("203.0.113.9:5123"), on) == "203.0.113.9"
    assert client_of(request("[2001:db8::1]:443, 10.0.0.1"), on) == "2001:db8::1"
    assert client_of(request("203.0.113.9"), off) == PROXY  # a client could forge it here
    for junk in (None, "", "not-an-address", "9" * 5000, ", 203.0.113.9"):
        assert client_of(request(junk), on) == PROXY
    assert forwarded_for(None) == ""


def test_two_visitors_behind_one_proxy_each_get_their_own_anonymous_share():
    """Before: both counted as the proxy, so one visitor's two API sessions refused the other."""
    env = {"PLAYGROUND_TRUST_PROXY": "1"}
    small = TrainConfig(g_width=16, d_width=16, g_layers=2, d_layers=2, batch_size=32,
                        eval_samples=200)
    m = SessionManager(workers=1, max_sessions=8)
    m.anon_per_client = 2
    try:
        for i in range(2):
            m.open(f"a{i}", small, client=client_of(request("203.0.113.1"), env), claimed=False)
        with pytest.raises(TooManyAnonymousError):
            m.open("a2", small, client=client_of(request("203.0.113.1"), env), claimed=False)
        m.open("b0", small, client=client_of(request("198.51.100.2"), env), claimed=False)
    finally:
        m.shutdown()


def test_a_bad_budget_or_switch_stops_the_app_at_start_with_its_name():
    from playground.web.serve import settings_problem

    assert settings_problem({}) is None
    assert settings_problem({"SPACE_ID": "u/x", "PLAYGROUND_EXPORT_CLIENT_BYTES": "5000"}) is None
    for name, value in (("PLAYGROUND_TRUST_PROXY", "sometimes"),
                        ("PLAYGROUND_WORKER_BUDGET", "-3"),
                        ("PLAYGROUND_EXPORT_BUDGET_BYTES", "1GB"),
                        ("PLAYGROUND_EXPORT_CLIENT_BYTES", "0")):
        problem = settings_problem({name: value})
        assert problem is not None and name in problem, (name, problem)
