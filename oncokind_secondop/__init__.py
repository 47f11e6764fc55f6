"""OncoKind Second Opinion: a Flask extension that helps people with cancer,
and their caregivers, get a second opinion.

Public API::

    from oncokind_secondop import SecondOpinion
    SecondOpinion(app, auth=..., records=..., files=...)
"""
from .adapters import (
    Actor,
    AuthAdapter,
    FileStore,
    PatientRef,
    RecordStore,
    StaleVersion,
    StoredFile,
)
from .config import ConfigError
from .extension import SecondOpState, current_secondop
from .mount import SecondOpinion
from .signals import AuditEvent, audit_event

__all__ = [
    "Actor",
    "AuditEvent",
    "AuthAdapter",
    "ConfigError",
    "FileStore",
    "PatientRef",
    "RecordStore",
    "SecondOpState",
    "SecondOpinion",
    "StaleVersion",
    "StoredFile",
    "audit_event",
    "current_secondop",
]

__version__ = "0.1.0"
