"""The checklist, defined once: what a second-opinion team needs, in order,
and why each piece matters (said plainly, shown in the gaps view).

Keys are stable identifiers stored in the database and used as ZIP folder
names; titles and explanations are translated at display time.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import _l


@dataclass(frozen=True)
class ChecklistEntry:
    key: str
    title: object  # lazy string
    why: object  # lazy string: why it matters, shown when it is missing
    order: int
    #: Shown in a records request letter as the thing to send (None: not asked from a facility).
    letter_line: object | None = None


CHECKLIST: tuple[ChecklistEntry, ...] = (
    ChecklistEntry(
        "pathology_reports",
        _l("Pathology reports"),
        _l(
            "The pathology report says what kind of cancer it is. The new team reads it first. "
            "Without it they cannot confirm the diagnosis."
        ),
        10,
        _l("All pathology reports, including any addenda and outside consults"),
    ),
    ChecklistEntry(
        "slides_blocks",
        _l("Slides and blocks"),
        _l(
            "The new team's own pathologist may want to look at the tissue. Without the slides "
            "or blocks, the team can only talk in general terms about the diagnosis."
        ),
        20,
        _l(
            "The glass slides and paraffin blocks, or recut slides if the lab keeps the "
            "originals, with the lab's accession numbers"
        ),
    ),
    ChecklistEntry(
        "imaging_reports",
        _l("Imaging reports"),
        _l(
            "Scan reports tell the team what the radiologist saw and when. Without them the "
            "team may not know how the cancer has changed."
        ),
        30,
        _l("All imaging reports (CT, MRI, PET, ultrasound, X-ray, mammogram)"),
    ),
    ChecklistEntry(
        "imaging_files",
        _l("Imaging files (scan discs or DICOM sets)"),
        _l(
            "Many teams want to see the scans themselves, not only the reports. Older scans let "
            "them compare. Without the files they may ask you to repeat scans."
        ),
        40,
        _l(
            "The imaging studies as DICOM images (not viewer-only), on a disc or by secure "
            "download, including earlier scans for comparison"
        ),
    ),
    ChecklistEntry(
        "operative_notes",
        _l("Operative notes"),
        _l(
            "If you had surgery, the surgeon's note says what was removed and what was seen. "
            "Without it the team has to guess how much cancer was taken out."
        ),
        50,
        _l("Operative notes and discharge summaries"),
    ),
    ChecklistEntry(
        "clinic_notes",
        _l("Clinic notes"),
        _l(
            "Your doctors' notes show your history, your treatments and how you responded. "
            "Without them the team sees only part of the story."
        ),
        60,
        _l("Recent clinic notes from the oncologist and other specialists"),
    ),
    ChecklistEntry(
        "tumor_biomarkers",
        _l("Tumor biomarker and molecular results"),
        _l(
            "Tests on the tumor can show which treatments might work. Without them the team "
            "may have to order the tests again, which takes time."
        ),
        70,
        _l("Biomarker and molecular test reports done on the tumor"),
    ),
    ChecklistEntry(
        "germline_results",
        _l("Inherited (germline) test results"),
        _l(
            "Tests on your blood or saliva show whether a gene change runs in your family. "
            "It is kept apart from tumor results because it can also matter for relatives."
        ),
        80,
        _l("Inherited (germline) genetic test reports"),
    ),
    ChecklistEntry(
        "medications_allergies",
        _l("Medications and allergies"),
        _l(
            "A list of every medicine with its dose, and your allergies, keeps new advice safe. "
            "Without it the team cannot check for problems between medicines."
        ),
        90,
        _l("The current medication list with doses, and the allergy list"),
    ),
    ChecklistEntry(
        "referring_doctor",
        _l("Referring doctor's contact"),
        _l(
            "The new team may want to talk with your doctor and send the report back. Without "
            "a name, phone and fax they cannot reach them."
        ),
        100,
        None,
    ),
    ChecklistEntry(
        "timeline",
        _l("Timeline of your illness"),
        _l(
            "A short timeline of symptoms, tests and treatments helps the team understand your "
            "case quickly. Without it they have to piece it together from many papers."
        ),
        110,
        None,
    ),
)

BY_KEY: dict[str, ChecklistEntry] = {entry.key: entry for entry in CHECKLIST}

#: Items a facility can be asked to send (the letter's checkboxes).
LETTER_ENTRIES: tuple[ChecklistEntry, ...] = tuple(
    e for e in CHECKLIST if e.letter_line is not None
)

STATUSES: dict[str, object] = {
    "not_started": _l("Not started"),
    "requested": _l("Requested"),
    "received": _l("Received"),
    "not_applicable": _l("Does not apply to me"),
    "cannot_get": _l("Cannot get it"),
}

#: An item counts as ready when it is in hand or does not apply.
READY_STATUSES = frozenset({"received", "not_applicable"})

SLIDE_MATERIALS: dict[str, object] = {
    "original": _l("Original"),
    "recut": _l("Recut"),
    "unknown": _l("Not sure"),
}

EVENT_KINDS: dict[str, object] = {
    "symptom": _l("Symptom"),
    "test": _l("Test or scan"),
    "diagnosis": _l("Diagnosis"),
    "treatment": _l("Treatment"),
    "other": _l("Other"),
}

PRECISIONS = ("day", "month", "year")
