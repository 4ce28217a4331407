"""The HTML alternative of a mail: the same words as the text part, in the site's colours, with links made
clickable and no remote images (mail clients block them, and an intranet may not reach them)."""

from __future__ import annotations

import re

from flask import render_template
from markupsafe import Markup, escape

URL = re.compile(r"https?://[^\s<>\"')]+")


def _paragraph(text: str) -> Markup:
    """One paragraph: escaped, URLs as links, line breaks kept."""
    parts: list[str] = []
    position = 0
    for match in URL.finditer(text):
        parts.append(str(escape(text[position:match.start()])))
        url = match.group(0).rstrip(".,;:")
        parts.append(f'<a href="{escape(url)}">{escape(url)}</a>{escape(match.group(0)[len(url):])}')
        position = match.end()
    parts.append(str(escape(text[position:])))
    return Markup("<br>\n".join("".join(parts).split("\n")))


def html_body(body_text: str, *, subject: str, language: str, club_name: str) -> str:
    paragraphs = [_paragraph(block.strip("\n")) for block in re.split(r"\n\s*\n", body_text.strip()) if block.strip()]
    return render_template("mail/_layout.html", paragraphs=paragraphs, subject=subject, language=language,
                           club_name=club_name)
