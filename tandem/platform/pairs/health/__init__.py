"""Pair health: what the board and the organisations' admins see of pairs (metadata and flags, never texts),
and the board's actions."""
