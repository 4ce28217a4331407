from flask import Blueprint

from tandem.platform.public import alternates, views

public = Blueprint("public", __name__)
public.add_url_rule("/", "landing", views.landing)
public.add_url_rule("/language", "choose_language", views.choose_language, methods=["POST"])
public.add_url_rule("/healthz", "health", views.health)
public.app_context_processor(alternates.language_alternates)
