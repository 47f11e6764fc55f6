"""What a host calls when it deletes an account: :func:`forget`.

::

    from oncokind_secondop.accounts import forget

    def delete_account(user):
        ...  # the host's own rows
        forget(str(user.id), actor_id=str(admin.id))  # inside an app context

It runs :func:`oncokind_secondop.forget.forget_patient` on the app's own
stores, then sends one audit event (action ``delete``, category
``patient``, the patient id, no content) and the ``patient_forgotten``
signal. ``flask secondop forget-patient ID`` does the same from a shell.

Patient ids must be stable and never reused: the package knows a patient
only by id, so a new account given an old id would see the old account's
packets. Forget the old id before any reuse can happen, or better, never
reuse ids.
"""
from __future__ import annotations

from flask.globals import app_ctx

from .extension import current_secondop
from .forget import Forgotten, forget_patient
from .signals import emit_audit, patient_forgotten


def forget(patient_id: str, *, actor_id: str) -> Forgotten:
    """Remove every record and stored file of ``patient_id`` from the
    current app's stores; audit it and send ``patient_forgotten``.

    ``actor_id`` names who asked, for the audit log: the administrator, the
    person deleting their own account, or the job that runs it.
    Idempotent: a second call removes nothing (and is audited again: it was
    asked again). With Learn alone nothing is stored: nothing to remove."""
    state = current_secondop
    if state.record_store is None:
        forgotten = Forgotten()
    else:
        forgotten = forget_patient(state.record_store, state.file_store, patient_id)
    emit_audit("delete", "patient", actor_id=actor_id, patient_id=patient_id)
    patient_forgotten.send(app_ctx.app, patient_id=patient_id, forgotten=forgotten)
    return forgotten
