"""The capabilities a host can mount, by their ``SECONDOP_CAPABILITIES`` name.

Each capability lives in its own subpackage (views, forms, services) and
collects its routes in a :class:`~oncokind_secondop.routes.Routes`; nothing
joins a blueprint at import. The blueprint factory registers the routes and
hub cards of the mounted ones only.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .compare import views as compare_views
from .config import CAPABILITY_NAMES
from .learn import views as learn_views
from .packet import views as packet_views
from .packet.export import views as packet_export_views
from .routes import HubCard, Routes
from .share import views as share_views


@dataclass(frozen=True)
class Capability:
    name: str
    routes: tuple[Routes, ...]
    hub: HubCard | None  # None: no card of its own (sharing lives on the packet's pages)
    needs: frozenset[str]  # the store adapters its pages use: "records", "files"


CAPABILITIES: Mapping[str, Capability] = {
    c.name: c
    for c in (
        # Learn stores nothing: no records, no files (issue 14).
        Capability("learn", (learn_views.routes,), learn_views.HUB, frozenset()),
        Capability("packet", (packet_views.routes, packet_export_views.routes), packet_views.HUB,
                   frozenset({"records", "files"})),
        Capability("compare", (compare_views.routes,), compare_views.HUB, frozenset({"records"})),
        # The team's pages read the packet's files; config.py refuses "share" without "packet".
        Capability("share", (share_views.patient_routes, share_views.team_routes), None,
                   frozenset({"records", "files"})),
    )
}
assert tuple(CAPABILITIES) == CAPABILITY_NAMES, "config.CAPABILITY_NAMES lists these, in this order"


def mounted(names: Iterable[str]) -> list[Capability]:
    """The capabilities named (already validated by config.py), in hub order."""
    chosen = set(names)
    return sorted((c for c in CAPABILITIES.values() if c.name in chosen),
                  key=lambda c: c.hub.order if c.hub else 1000)


def needed_adapters(names: Iterable[str]) -> dict[str, set[str]]:
    """Each store adapter the named capabilities need -> the capabilities needing it."""
    needed: dict[str, set[str]] = {}
    for capability in mounted(names):
        for adapter in capability.needs:
            needed.setdefault(adapter, set()).add(capability.name)
    return needed
