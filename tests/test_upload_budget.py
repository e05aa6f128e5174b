"""Each client's upload budget over time (issue 17: one request after another filled the disk)."""

import pytest

from playground.web.upload_budget import UploadLedger, scope_client


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_over_its_budget_has_no_room_until_its_uploads_expire():
    clock = Clock()
    ledger = UploadLedger(client_bytes=100, total_bytes=250, window_s=60, clock=clock)
    ledger.charge("a", 70)
    assert ledger.room("a") == 30 and ledger.room("b") == 100
    ledger.charge("a", 40)
    assert ledger.room("a") == 0 and "this address's upload budget" in ledger.refusal("a")
    clock.now += 61
    assert ledger.room("a") == 100 and ledger.used() == 0


def test_everyone_together_is_bounded_too():
    ledger = UploadLedger(client_bytes=100, total_bytes=250, window_s=60, clock=Clock())
    for client in "abc":
        ledger.charge(client, 90)
    assert ledger.room("d") == 0 and "the playground's upload budget" in ledger.refusal("d")


def test_budgets_come_from_the_environment_or_say_what_is_wrong():
    ledger = UploadLedger.from_env({"PLAYGROUND_UPLOAD_CLIENT_BYTES": "5000"})
    assert ledger.client_bytes == 5000 and ledger.total_bytes == 2 << 30
    with pytest.raises(ValueError, match="PLAYGROUND_UPLOAD_BUDGET_BYTES"):
        UploadLedger.from_env({"PLAYGROUND_UPLOAD_BUDGET_BYTES": "-1"})


def test_the_client_of_a_scope_is_the_proxys_visitor_only_when_trusted(monkeypatch):
    scope = {"client": ("10.0.0.1", 5000), "headers": [(b"x-forwarded-for", b"1.2.3.4, 10.0.0.1")]}
    monkeypatch.delenv("SPACE_ID", raising=False)
    monkeypatch.setenv("PLAYGROUND_TRUST_PROXY", "0")
    assert scope_client(scope) == "10.0.0.1"
    monkeypatch.setenv("PLAYGROUND_TRUST_PROXY", "1")
    assert scope_client(scope) == "1.2.3.4"


def test_a_chunked_upload_is_one_entry_and_expires_whole():
    clock = Clock()
    ledger = UploadLedger(client_bytes=10**9, total_bytes=10**9, window_s=60, clock=clock)
    for _ in range(3000):  # a 200 MB upload in 64 KB chunks
        ledger.charge("a", 65536)
    assert len(ledger._log) == 1 and ledger.used("a") == ledger.used() == 3000 * 65536
    clock.now += 61
    assert ledger.used("a") == 0 and ledger.room("a") == 10**9
