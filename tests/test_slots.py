"""Issue 17, finding 2: slots need a real visitor. Sessions opened by API calls (no page
load) are capped per client address, expire after ~60 s unseen, and give their slot to a page
that needs one; 12 anonymous POSTs can no longer lock every visitor out."""

from __future__ import annotations

import pytest

from playground.engine.config import TrainConfig
from playground.live.session import PlaygroundFullError, SessionManager, TooManyAnonymousError

SMALL = TrainConfig(g_width=8, d_width=8, g_layers=1, d_layers=1, batch_size=16,
                    eval_samples=100)


def test_anonymous_sessions_are_capped_expire_and_yield_to_pages():
    m = SessionManager(workers=1, max_sessions=4).start()
    m.anon_per_client, m.anon_ttl_s = 2, 60.0
    try:
        opened = 0
        for i in range(12):  # the 12 made-up session hashes from one address
            try:
                m.open(f"fake-{i}", SMALL, client="10.0.0.1", claimed=False)
                opened += 1
            except TooManyAnonymousError as exc:
                assert "open the playground's page" in str(exc)
        assert opened == 2
        m.open("visitor-1", SMALL, client="10.0.0.1")  # a loaded page from the same address
        m.open("other-anon", SMALL, client="10.0.0.2", claimed=False)
        assert len(m) == 4  # full: two of the attacker's, one visitor, one other API user
        m.open("visitor-2", SMALL, client="10.0.0.3")  # takes the stalest anonymous slot
        assert len(m) == 4 and m.get("fake-0") is None and m.get("visitor-2") is not None
        with pytest.raises(PlaygroundFullError):
            m.open("fake-late", SMALL, client="10.0.0.4", claimed=False)
        visitor = m.get("visitor-1")
        for s in (m.get("fake-1"), m.get("other-anon"), visitor, m.get("visitor-2")):
            s.last_seen -= 61
        assert m.reap_idle() == 2  # the unclaimed ones, after 60 s unseen; the pages stay
        assert m.get("visitor-1") is visitor and m.get("fake-1") is None
    finally:
        m.shutdown()
