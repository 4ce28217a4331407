"""Board area routes (club scope), and the public logos of member organisations."""
from flask import Blueprint
from flask.sansio.blueprints import BlueprintSetupState

from tandem.platform.board import views

board = Blueprint("board", __name__, url_prefix="/board")
board.add_url_rule("/", "overview", views.overview)
board.add_url_rule("/organisations", "organisations", views.organisations)
board.add_url_rule("/organisations/<int:organisation_id>/admins", "invite_admin", views.invite_admin,
                   methods=["POST"])
board.add_url_rule("/organisations/new", "organisation_new", views.organisation_new, methods=["GET", "POST"])
board.add_url_rule("/organisations/<int:organisation_id>/edit", "organisation_edit", views.organisation_edit,
                   methods=["GET", "POST"])
board.add_url_rule("/organisations/<int:organisation_id>/suspend", "organisation_suspend",
                   views.organisation_suspend, methods=["POST"])
board.add_url_rule("/organisations/<int:organisation_id>/reactivate", "organisation_reactivate",
                   views.organisation_reactivate, methods=["POST"])
board.add_url_rule("/organisations/domains/<int:domain_id>/approve", "domain_approve", views.domain_approve,
                   methods=["POST"])
board.add_url_rule("/organisations/domains/<int:domain_id>/refuse", "domain_refuse", views.domain_refuse,
                   methods=["POST"])
board.add_url_rule("/exclusions", "exclusions", views.exclusions, methods=["GET", "POST"])
board.add_url_rule("/exclusions/<int:exclusion_id>/remove", "exclusion_remove", views.exclusion_remove,
                   methods=["POST"])
board.add_url_rule("/topics", "topics", views.topics, methods=["GET", "POST"])
board.add_url_rule("/topics/<int:topic_id>/edit", "topic_edit", views.topic_edit, methods=["GET", "POST"])
board.add_url_rule("/topics/<int:topic_id>/deactivate", "topic_deactivate", views.topic_deactivate,
                   methods=["POST"])
board.add_url_rule("/topics/<int:topic_id>/reactivate", "topic_reactivate", views.topic_reactivate,
                   methods=["POST"])

# Logos are public (the showcase shows them too), outside /board: a small blueprint of their own,
# registered together with the board's.
logos = Blueprint("logos", __name__)
logos.add_url_rule("/organisations/<organisation_slug>/logo", "show", views.organisation_logo)


@board.record_once
def _register_logos(state: BlueprintSetupState) -> None:
    state.app.register_blueprint(logos)
