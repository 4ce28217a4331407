"""participant area: a person's own participations, invitations and profiles."""
from flask import Blueprint

from tandem.platform.participant import views

participant = Blueprint("participant", __name__, url_prefix="/me")
participant.add_url_rule("/", "home", views.home)
participant.add_url_rule("/participations/<int:participation_id>", "participation", views.participation)
participant.add_url_rule("/participations/<int:participation_id>/accept", "accept", views.accept, methods=["POST"])
participant.add_url_rule("/participations/<int:participation_id>/decline", "decline", views.decline,
                         methods=["POST"])
participant.add_url_rule("/participations/<int:participation_id>/profile", "profile", views.profile,
                         methods=["GET", "POST"])
