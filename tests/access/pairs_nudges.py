"""Access table of the nudge setting (/me/settings/nudges): any signed-in person's own (partners get
reminders; organisation admins and the board get flags). An empty form answers 400 (a choice is needed)."""

from __future__ import annotations

ACCESS = {
    ("pairs.nudge_settings", "GET"): (401, 200, 200, 200),
    ("pairs.nudge_settings", "POST"): (401, 400, 400, 400),
}
