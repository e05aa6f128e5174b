"""The web layer's shape: handlers return named updates, outcomes are values, and a tab's
page state is one typed object (issue 13). The source checks fail if the old patterns return."""

import gc
import re
from pathlib import Path

from playground.web.tab_state import TabView, TabViews

WEB = Path(__file__).resolve().parent.parent / "playground" / "web"


def web_sources() -> dict[str, str]:
    return {p.name: p.read_text() for p in WEB.glob("*.py")}


def test_no_handler_pads_its_outputs_by_count():
    for name, text in web_sources().items():
        assert not re.search(r"\[gr\.skip\(\)\]\s*\*", text), name
        assert "len(control_list)" not in text and "len(started)" not in text, name


def test_no_control_flow_reads_a_message_back():
    for name, text in web_sources().items():
        assert not re.search(r"""\.startswith\(\s*["'](✓|⚠|error)""", text), name


def test_no_page_state_is_stuck_onto_sessions():
    for name, text in web_sources().items():
        assert not re.search(r"session\.ui_\w+\s*=|setattr\(session", text), name


def test_a_tab_view_sends_each_frame_and_notice_once():
    view = TabView()
    assert view.is_new(3) and not view.is_new(3) and view.is_new(4)
    assert view.notice_is_new("⚠ no MNIST") and not view.notice_is_new("⚠ no MNIST")


def test_tab_views_go_with_their_sessions():
    class Session:  # any object the registry hands out
        pass

    views = TabViews()
    session = Session()
    views(session).is_new(1)
    assert not views(session).is_new(1)  # the same state on the next tick
    del session
    gc.collect()
    assert len(views._views) == 0
