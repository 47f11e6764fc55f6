"""The one conflict row both capabilities' "someone else saved this" panels use."""

from __future__ import annotations

from datetime import date

from oncokind_secondop.conflicts import ConflictRow


def test_a_row_is_changed_only_when_saved_and_typed_differ() -> None:
    assert ConflictRow("Notes", saved="old", yours="new").changed
    assert ConflictRow("Date", saved=date(2024, 5, 1), yours=date(2024, 5, 2)).changed
    assert not ConflictRow("Date", saved=date(2024, 5, 1), yours=date(2024, 5, 1)).changed


def test_blank_is_blank_however_it_is_stored() -> None:
    assert not ConflictRow("Notes", saved=None, yours="").changed
    assert not ConflictRow("Notes", saved="same ", yours=" same").changed
    assert ConflictRow("Notes", saved=None, yours="typed").changed
