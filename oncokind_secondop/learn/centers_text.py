# ruff: noqa: E501  (the texts must match the data file exactly, one per line)
"""The shipped programs' names and notes and the sources' titles, marked for
translation. ``data/centers.json`` stays plain English data a host can replace;
the finder passes each of these texts through the package's catalog, so the
shipped ones read in the patient's language and a host's own entries show as
the host wrote them. Keep this list in step with the data file (a test checks).
"""
from __future__ import annotations

from ..i18n import _l

SHIPPED_TEXTS = (
    _l("MyConsult online second opinion"),
    _l("You ask online yourself. A nurse team helps gather records; a pathologist reads slides when the diagnosis depends on them. Not open to people in every state or country. Cost and insurance cover vary: ask before you start."),
    _l("eConsult through the Mayo Clinic Care Network"),
    _l("Your own doctor asks a Mayo Clinic specialist, if your doctor's hospital is a member of the network. You keep your care close to home. Ask your care team whether they are a member."),
    _l("Remote second opinion"),
    _l("Specialists review your records, scans and slides without a visit. The page we checked describes it for patients outside the US; ask what is open to you. Cost and insurance cover vary."),
    _l("Second opinion visit"),
    _l("You can ask for a visit yourself. They may ask for reports and pathology slides before the visit. We could not confirm an online-only program in the public pages we checked, so ask them whether one is open to you. Cost and insurance cover vary."),
    _l("NCI-Designated Cancer Centers (National Cancer Institute)"),
    _l("Find an NCI-Designated Cancer Center (National Cancer Institute)"),
)
