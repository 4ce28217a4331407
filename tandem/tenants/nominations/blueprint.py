from flask import Blueprint

from tandem.tenants.nominations import views
from tandem.tenants.resolution import resolve_organisation
from tandem.tenants.views import add_org_slug

nominations = Blueprint("nominations", __name__, url_prefix="/o/<org_slug>/nominations")
nominations.url_value_preprocessor(resolve_organisation)
nominations.url_value_preprocessor(views.allow_large_confirm_form)
nominations.url_defaults(add_org_slug)
nominations.add_url_rule("/", "index", views.index)
nominations.add_url_rule("/new", "nominate", views.nominate, methods=["GET", "POST"])
nominations.add_url_rule("/nominations-template.csv", "csv_template", views.csv_template)
nominations.add_url_rule("/import", "upload", views.upload, methods=["GET", "POST"])
nominations.add_url_rule("/import/confirm", "confirm_import", views.confirm_import, methods=["POST"])
nominations.add_url_rule("/<int:participation_id>/withdraw", "withdraw", views.withdraw, methods=["POST"])
nominations.add_url_rule("/<int:participation_id>/invite", "invite", views.invite, methods=["POST"])
