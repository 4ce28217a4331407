from flask import Blueprint

from tandem.platform.board import views

board = Blueprint("board", __name__, url_prefix="/board")
board.add_url_rule("/", "overview", views.overview)
board.add_url_rule("/organisations", "organisations", views.organisations)
board.add_url_rule("/organisations/<int:organisation_id>/admins", "invite_admin", views.invite_admin,
                   methods=["POST"])
