"""The authorization table: what every route of the ``secondop`` blueprint
answers, per method, to each of five roles. Review this file when a route is
added: tests/security/test_authorization_matrix.py fails for a route missing
here and for an entry with no route.

Roles (columns), all using Maria's REAL object ids in the URL:
  owner      p-maria herself
  caregiver  c-sam, Maria's caregiver
  revoked    c-sam, logged in, after the host removed his link to Maria
  other      p-lee, another patient
  anonymous  nobody logged in

Outcomes:
  ok       2xx, or a 3xx to one of our own pages (/second-opinion/...)
  login    302 to the host's login page
  404      our "not found" page: another patient's object looks missing
  403      our "not available to you" page: the actor acts for nobody
  refused  the form shown again with an error (200); nothing changes
  code     the receiving team's link (Maria's real token): the page asking for
           the access code (200), whoever asks; it shows nothing of Maria's
  nocode   that page again (400) for a POST without a code; nothing counted
  nogrant  a receiving team's page without a grant in the session (a portal
           login is no grant): our "not found" page (404)

Audit (checked for every cell): a patient-data route emits exactly one event.
  ok       outcome success, actor = the user, patient = Maria (Lee for his own
           pages), on_behalf True only for the caregiver
  login    outcome denied, no actor, no patient
  403      outcome denied, actor c-sam, no patient
  404      outcome not_found, actor and patient p-lee (the object id is Maria's)
  refused  outcome denied, actor = the user, no patient
  code     outcome success, actor share:<id>, patient Maria (the share's)
  nocode   outcome invalid, actor share:<id>, patient Maria
  nogrant  outcome denied, actor share:<id>, no patient (the id alone names nobody)
The team's own roles (code, wrong code, locked, revoked, expired, another
share's grant) are in tests/security/test_share_matrix.py.
Learn pages hold no patient data and emit nothing (LEARN); the exceptions to
the rules above are listed in NO_AUDIT.
"""

from __future__ import annotations

ROLES = ("owner", "caregiver", "revoked", "other", "anonymous")

OK, LOGIN, NOT_FOUND, FORBIDDEN, REFUSED = "ok", "login", "404", "403", "refused"
SHARE_CODE, SHARE_NO_CODE, NO_GRANT = "code", "nocode", "nogrant"

_MARIA_ONLY = (OK, OK, FORBIDDEN, NOT_FOUND, LOGIN)  # a route taking one of Maria's ids
_OWN_LIST = (OK, OK, FORBIDDEN, OK, LOGIN)  # a route on the acting patient's own records
_PUBLIC = (OK, OK, OK, OK, OK)

#: (endpoint, method) -> expected outcome for (owner, caregiver, revoked, other, anonymous)
EXPECTED: dict[tuple[str, str], tuple[str, str, str, str, str]] = {
    # hub and patient chooser
    ("secondop.hub", "GET"): _PUBLIC,
    ("secondop.choose_patient", "GET"): (OK, OK, OK, OK, LOGIN),
    ("secondop.choose_patient", "POST"): (OK, OK, REFUSED, REFUSED, LOGIN),  # chooses Maria
    # learn: public information
    ("secondop.learn_index", "GET"): _PUBLIC,
    ("secondop.learn_topic", "GET"): _PUBLIC,
    ("secondop.learn_scripts", "GET"): _PUBLIC,
    ("secondop.learn_centers", "GET"): _PUBLIC,
    ("secondop.learn_selfcheck", "GET"): _PUBLIC,
    ("secondop.learn_selfcheck", "POST"): _PUBLIC,
    ("secondop.learn_letter", "GET"): _PUBLIC,
    ("secondop.learn_letter", "POST"): _PUBLIC,
    # packet
    ("secondop.packet_index", "GET"): _OWN_LIST,
    ("secondop.packet_new", "GET"): _OWN_LIST,
    ("secondop.packet_new", "POST"): _OWN_LIST,
    ("secondop.packet_detail", "GET"): _MARIA_ONLY,
    ("secondop.packet_edit", "GET"): _MARIA_ONLY,
    ("secondop.packet_edit", "POST"): _MARIA_ONLY,
    ("secondop.packet_delete", "GET"): _MARIA_ONLY,
    ("secondop.packet_delete", "POST"): _MARIA_ONLY,
    ("secondop.packet_gaps", "GET"): _MARIA_ONLY,
    ("secondop.packet_item", "GET"): _MARIA_ONLY,
    ("secondop.packet_item", "POST"): _MARIA_ONLY,
    ("secondop.packet_upload", "POST"): _MARIA_ONLY,
    ("secondop.packet_slide_add", "POST"): _MARIA_ONLY,
    ("secondop.packet_slide_delete", "POST"): _MARIA_ONLY,
    ("secondop.packet_document_download", "GET"): _MARIA_ONLY,
    ("secondop.packet_document_delete", "GET"): _MARIA_ONLY,
    ("secondop.packet_document_delete", "POST"): _MARIA_ONLY,
    ("secondop.packet_timeline", "GET"): _MARIA_ONLY,
    ("secondop.packet_event_add", "POST"): _MARIA_ONLY,
    ("secondop.packet_event_edit", "GET"): _MARIA_ONLY,
    ("secondop.packet_event_edit", "POST"): _MARIA_ONLY,
    ("secondop.packet_event_delete", "POST"): _MARIA_ONLY,
    ("secondop.packet_requests", "GET"): _MARIA_ONLY,
    ("secondop.packet_request_new", "GET"): _MARIA_ONLY,
    ("secondop.packet_request_new", "POST"): _MARIA_ONLY,
    ("secondop.packet_request_edit", "GET"): _MARIA_ONLY,
    ("secondop.packet_request_edit", "POST"): _MARIA_ONLY,
    ("secondop.packet_request_letter", "GET"): _MARIA_ONLY,
    ("secondop.packet_request_letter_pdf", "GET"): _MARIA_ONLY,
    ("secondop.packet_request_received", "POST"): _MARIA_ONLY,
    ("secondop.packet_request_delete", "POST"): _MARIA_ONLY,
    ("secondop.packet_export_pdf", "GET"): _MARIA_ONLY,
    ("secondop.packet_export_zip", "GET"): _MARIA_ONLY,
    ("secondop.packet_export_fhir", "GET"): _MARIA_ONLY,
    # sharing, the patient's side (the team's pages have their own roles)
    ("secondop.packet_shares", "GET"): _MARIA_ONLY,
    ("secondop.packet_share_new", "GET"): _MARIA_ONLY,
    ("secondop.packet_share_create", "POST"): _MARIA_ONLY,
    ("secondop.packet_share_revoke", "POST"): _MARIA_ONLY,
    ("secondop.packet_share_delete", "POST"): _MARIA_ONLY,
    # compare
    ("secondop.compare_index", "GET"): _OWN_LIST,
    ("secondop.compare_new", "GET"): _OWN_LIST,
    ("secondop.compare_new", "POST"): _OWN_LIST,
    ("secondop.compare_worksheet", "GET"): _MARIA_ONLY,
    ("secondop.compare_edit", "GET"): _MARIA_ONLY,
    ("secondop.compare_edit", "POST"): _MARIA_ONLY,
    ("secondop.compare_delete", "GET"): _MARIA_ONLY,
    ("secondop.compare_delete", "POST"): _MARIA_ONLY,
    ("secondop.compare_opinion_new", "GET"): _MARIA_ONLY,
    ("secondop.compare_opinion_new", "POST"): _MARIA_ONLY,
    ("secondop.compare_opinion_edit", "GET"): _MARIA_ONLY,
    ("secondop.compare_opinion_edit", "POST"): _MARIA_ONLY,
    ("secondop.compare_opinion_move", "POST"): _MARIA_ONLY,
    ("secondop.compare_opinion_remove", "GET"): _MARIA_ONLY,
    ("secondop.compare_opinion_remove", "POST"): _MARIA_ONLY,
    ("secondop.compare_side_by_side", "GET"): _MARIA_ONLY,
    ("secondop.compare_save_marks", "POST"): _MARIA_ONLY,
    ("secondop.compare_letter", "GET"): _MARIA_ONLY,
    ("secondop.compare_pdf", "GET"): _MARIA_ONLY,
    ("secondop.compare_letter_pdf", "GET"): _MARIA_ONLY,
    # the receiving team's pages (share.views.team): no portal role opens them
    ("secondop.shared_entry", "GET"): (SHARE_CODE,) * 5,
    ("secondop.shared_entry", "POST"): (SHARE_NO_CODE,) * 5,
    ("secondop.shared_packet", "GET"): (NO_GRANT,) * 5,
    ("secondop.shared_document", "GET"): (NO_GRANT,) * 5,
    ("secondop.shared_summary_pdf", "GET"): (NO_GRANT,) * 5,
    ("secondop.shared_zip", "GET"): (NO_GRANT,) * 5,
}

#: Pages that hold no patient data: no audit event, whoever asks.
LEARN = frozenset(endpoint for endpoint, _ in EXPECTED if endpoint.startswith("secondop.learn_"))

#: Cells that show no patient record, so emit no audit event: the hub of
#: someone acting for nobody, and the chooser's form (the actor's own list).
NO_AUDIT: frozenset[tuple[str, str, str]] = frozenset({
    ("secondop.hub", "GET", "revoked"),
    ("secondop.hub", "GET", "anonymous"),
    ("secondop.choose_patient", "GET", "owner"),
    ("secondop.choose_patient", "GET", "caregiver"),
    ("secondop.choose_patient", "GET", "revoked"),
    ("secondop.choose_patient", "GET", "other"),
})
