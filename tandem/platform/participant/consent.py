"""The consent a participant gives when accepting an invitation.

The text is `templates/participant/_consent.html` (with the cohort's dates filled in). Whenever that text
changes, CONSENT_VERSION changes too, and CONSENT_TEXT_SHA256 is set to the new text's hash: a test
compares the hash with the template, so the text cannot change without a new version.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

CONSENT_VERSION = "2026-11"
CONSENT_TEMPLATE = "participant/_consent.html"
CONSENT_TEXT_SHA256 = "f95f585d8be4c2714b1921ba5f9152caf360bb9b765a9c90270d2932ed961942"


def consent_text_sha256() -> str:
    """The hash of the consent template's source, as stored in the repository."""
    path = Path(__file__).resolve().parents[2] / "templates" / CONSENT_TEMPLATE
    return hashlib.sha256(path.read_bytes()).hexdigest()
