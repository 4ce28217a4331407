"""accessibility area: the public statement with its barrier report form (/accessibility), and the board's
list of reports with their status and note (/board/accessibility, club scope)."""

from __future__ import annotations

from flask import Blueprint

from tandem.platform.accessibility import views

accessibility = Blueprint("accessibility", __name__)
accessibility.add_url_rule("/accessibility", "statement", views.statement, methods=["GET", "POST"])
accessibility.add_url_rule("/board/accessibility", "board_reports", views.board_reports)
accessibility.add_url_rule("/board/accessibility/<int:report_id>", "board_update", views.board_update,
                           methods=["POST"])
