"""Every record model of the package, imported in one place so the
metadata (``oncokind_secondop.db.Base.metadata``) is complete for
``create_all`` and Alembic."""
from __future__ import annotations

from .compare.models import Opinion, Worksheet  # noqa: F401
from .db import Base

__all__ = ["Base"]

from .packet import models as packet_models  # noqa: E402,F401
