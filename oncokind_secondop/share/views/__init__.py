"""The sharing pages: the patient's (``patient``: make, list, revoke) and the
receiving team's (``team``: code, read-only packet, downloads), each on its
own ``Routes`` collector; ``capabilities.py`` mounts both with "share"."""

from __future__ import annotations

from .patient import routes as patient_routes
from .team import routes as team_routes

__all__ = ["patient_routes", "team_routes"]
