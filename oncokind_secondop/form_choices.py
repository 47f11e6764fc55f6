"""Choices for select and radio fields, in the form the installed WTForms wants:
``SelectChoice`` from WTForms 3.3 on (it deprecates ``(value, label)`` tuples),
plain tuples before."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

try:
    # types-WTForms 3.2 predates SelectChoice: drop the ignore once the stubs have it.
    from wtforms import SelectChoice  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - WTForms < 3.3
    SelectChoice = None


def select_choices(pairs: Iterable[tuple[str, object]]) -> list[Any]:
    """``(value, label)`` pairs as choices (a label may be a lazy string)."""
    if SelectChoice is None:  # pragma: no cover - WTForms < 3.3
        return list(pairs)
    return [SelectChoice(value, label) for value, label in pairs]
