"""Demo-only pages. Registered by create_app only when TANDEM_ENV=demo: elsewhere these routes do not exist."""

from flask import Blueprint

from tandem.platform.demo import views

demo = Blueprint("demo", __name__, url_prefix="/dev")
demo.add_url_rule("/sign-in-as", "sign_in_as", views.sign_in_as, methods=["GET", "POST"])
demo.add_url_rule("/mail", "mailbox", views.mailbox)
demo.add_url_rule("/mail/<int:message_id>", "message", views.message)
demo.add_url_rule("/mail/<int:message_id>/attachments/<int:index>", "attachment", views.attachment)
