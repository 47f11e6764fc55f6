"""Import every capability so its routes join the blueprint.

Each capability lives in its own subpackage (views, forms, services) and
registers its hub card with :func:`oncokind_secondop.blueprint.hub_section`.
"""
from __future__ import annotations

from . import learn  # noqa: E402,F401
from .compare import views as compare_views  # noqa: E402,F401
from .packet import views as packet_views  # noqa: E402,F401
