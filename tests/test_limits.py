"""The pure rules of ``oncokind_secondop.limits`` (no app needed)."""
from __future__ import annotations

from datetime import date

import pytest

from oncokind_secondop.limits import (
    LimitReached,
    add_days,
    address_problem,
    check_room,
    has_control,
    single_line_label,
)


def test_check_room_refuses_only_past_the_limit() -> None:
    check_room("events", 199, 200)
    with pytest.raises(LimitReached) as caught:
        check_room("events", 200, 200)
    assert (caught.value.kind, caught.value.limit, caught.value.have) == ("events", 200, 200)
    with pytest.raises(LimitReached):
        check_room("documents", 49, 50, adding=2)


def test_adding_days_to_the_calendars_ends_holds_instead_of_overflowing() -> None:
    assert add_days(date(9999, 12, 31), 30) == date.max
    assert add_days(date(1, 1, 1), -30) == date.min
    assert add_days(date(2026, 1, 1), 30) == date(2026, 1, 31)


def test_single_line_label_is_one_trimmed_capped_line_without_controls() -> None:
    assert single_line_label(" City\r\nCenter\t\x1b[2K\u202e\u2028 ") == "City Center [2K"
    long = single_line_label("a" * 500)
    assert len(long) == 100 and long.endswith("…")
    assert single_line_label("مركز \u200fالأورام") == "مركز \u200fالأورام"  # RTL marks are text, kept


def test_control_characters_are_found_but_ordinary_text_is_not() -> None:
    for bad in ("a\nb", "a\rb", "a\tb", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"):
        assert has_control(bad), repr(bad)
    for good in ("Zoë", "مركز", "癌症中心", "\u200f", "👩\u200d⚕️", "a b"):
        assert not has_control(good), repr(good)


def test_address_problem_counts_lines_and_width() -> None:
    assert address_problem("\n".join("x" * 6), 6, 100) is None
    assert address_problem("\n".join("x" * 7), 6, 100) == "lines"
    assert address_problem("x" * 101, 6, 100) == "width"
    assert address_problem("a\n\n\n\n\n\n\nb", 6, 100) is None  # blank lines do not count
