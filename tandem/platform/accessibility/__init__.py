"""The accessibility statement (`/accessibility`), the public form to report a barrier, and the board's list
of the reports (`/board/accessibility`)."""
