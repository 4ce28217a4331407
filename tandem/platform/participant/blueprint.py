from flask import Blueprint

from tandem.platform.participant import views

participant = Blueprint("participant", __name__, url_prefix="/me")
participant.add_url_rule("/", "home", views.home)
