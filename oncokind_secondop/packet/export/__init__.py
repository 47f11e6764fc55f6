"""The packet's exports: the summary PDF, the ZIP for the receiving team, and
their routes. Built on the generic ``exports.pdf``, ``exports.zipstream`` and
``exports.budget``, which know nothing of packets."""
