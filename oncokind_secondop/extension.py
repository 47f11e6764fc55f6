"""Per-app state (``app.extensions["secondop"]``) and the ``current_secondop`` proxy.

The lowest layer every view and service may import; the wiring that fills it
(``SecondOpinion.init_app``) is in :mod:`oncokind_secondop.mount`.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from flask import current_app
from werkzeug.local import LocalProxy

from .adapters import AuthAdapter, FileStore, RecordStore

EXTENSION_KEY = "secondop"
STANDALONE_LAYOUT = "secondop/_standalone.html"


@dataclass(frozen=True)
class SecondOpState:
    """Everything the package knows about one application. Frozen: set once
    in ``init_app``; two apps in one process each have their own."""

    config: Mapping[str, Any]
    auth: AuthAdapter
    record_store: RecordStore | None  # None only when no mounted capability stores rows
    file_store: FileStore | None  # None only when no mounted capability stores files
    translation_directories: tuple[str, ...]
    translations_cache: dict[Any, Any] = field(default_factory=dict, compare=False)

    @property
    def base_template(self) -> str:
        return cast(str, self.config["SECONDOP_BASE_TEMPLATE"] or STANDALONE_LAYOUT)

    @property
    def capabilities(self) -> frozenset[str]:
        """The mounted capabilities (``SECONDOP_CAPABILITIES``)."""
        return frozenset(self.config["SECONDOP_CAPABILITIES"])

    @property
    def records(self) -> RecordStore:
        if self.record_store is None:
            raise RuntimeError("init_app got no records= (no mounted capability stores rows)")
        return self.record_store

    @property
    def files(self) -> FileStore:
        if self.file_store is None:
            raise RuntimeError("init_app got no files= (the packet is not mounted)")
        return self.file_store


def _state() -> SecondOpState:
    try:
        return cast(SecondOpState, current_app.extensions[EXTENSION_KEY])
    except KeyError:
        raise RuntimeError("SecondOpinion.init_app(app, ...) was not called for this app") from None


#: The current app's :class:`SecondOpState`.
current_secondop: SecondOpState = cast(SecondOpState, LocalProxy(_state))




def secondop_mounted(capability: str) -> bool:
    """Whether this app mounts ``capability`` (a Jinja global): a page links
    to another capability only when it is there."""
    return capability in current_secondop.capabilities
