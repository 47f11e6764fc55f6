"""The receiving team's side: the link asks for the access code, then shows a
read-only view of what the share includes, with its downloads. No portal
account: the grant lives in the team's session and ends with the share."""

from __future__ import annotations

from ...routes import Routes

routes = Routes()
