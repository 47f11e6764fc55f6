"""Packet: the records a second-opinion team needs, gathered, tracked and exported."""
