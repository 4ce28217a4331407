from flask import Blueprint

from tandem.platform.board import views

board = Blueprint("board", __name__, url_prefix="/board")
board.add_url_rule("/", "overview", views.overview)
