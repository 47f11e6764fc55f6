"""The patient's side of sharing: make a share of a packet, see each share
with what the team opened, revoke or delete it."""

from __future__ import annotations

from ...routes import Routes

routes = Routes()
