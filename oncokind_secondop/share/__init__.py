"""Sharing a packet with the receiving team (issue 15).

A patient (or a caregiver acting for them) makes a *share* of one packet: a
link with a 128-bit random token and, given separately, an access code. The
team opens the link without a portal account, enters the code, and gets a
read-only view of what the share includes, for as long as the share is
active. Only hashes of the token and the code are stored.

The rows (``Share``, ``ShareAccess``) live in :mod:`..packet.models` with
the packet they belong to (deleting a packet deletes them). Here:
``services`` (the rules, without a request), ``views.patient`` (making,
listing and revoking shares) and ``views.team`` (the receiving team's pages).
"""
