"""Meetings: planned (with a calendar entry mailed to the partner), logged, not held, cancelled; private
notes; check-ins."""
