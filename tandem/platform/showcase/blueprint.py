"""showcase area: every route of the stories, their consents and reviews, the symposium and the public pages.

- the two partners, under /me/pairs/<pair_id>/story (the pair loaded through the membership check of
  `pairs/loading.py`, 404 to anyone else): write the story, confirm it, consent item by item, the photo;
- the board, under /board/cohorts/<cohort_id>/showcase (club scope): choose, order and feature stories, read
  them, the symposium's programme;
- organisation admins, under /o/<org_slug>/stories: their people's stories, approval where the organisation
  asks for it, the neutral descriptions, the organisation's showcase settings;
- the public, under /showcase/ (cacheable: ETag and a short max-age), /robots.txt and /sitemap.xml.
"""

from __future__ import annotations

from flask import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from tandem.platform.cohorts.loading import load_url_cohort
from tandem.platform.pairs.loading import load_url_pair
from tandem.platform.showcase.curation import board_views as board
from tandem.platform.showcase.curation import organisation_views as organisation
from tandem.platform.showcase.public import fast_path
from tandem.platform.showcase.public import views as public
from tandem.platform.showcase.stories import views as stories
from tandem.tenants.resolution import resolve_organisation
from tandem.tenants.views import add_org_slug

showcase = Blueprint("showcase", __name__)
load_url_cohort(showcase)
load_url_pair(showcase)
showcase.url_value_preprocessor(resolve_organisation)
showcase.url_defaults(add_org_slug)

# The partners (stories/views.py).
STORY = "/me/pairs/<int:pair_id>/story"
showcase.add_url_rule(STORY, "story", stories.story)
showcase.add_url_rule(f"{STORY}/edit", "edit_story", stories.edit_story, methods=["GET", "POST"])
showcase.add_url_rule(f"{STORY}/confirm", "confirm_story", stories.confirm_story, methods=["POST"])
showcase.add_url_rule(f"{STORY}/consent", "consent", stories.consent, methods=["GET", "POST"])
showcase.add_url_rule(f"{STORY}/photo", "upload_photo", stories.upload_photo, methods=["POST"])
showcase.add_url_rule(f"{STORY}/photo/remove", "remove_photo", stories.remove_photo, methods=["POST"])
showcase.add_url_rule(f"{STORY}/photo.jpg", "story_photo", stories.story_photo)
# An upload over MAX_CONTENT_LENGTH: a page that names the limit (stories/views.py), not the bare 413.
showcase.register_error_handler(RequestEntityTooLarge, stories.too_large)

# The board (curation/board_views.py).
BOARD = "/board/cohorts/<int:cohort_id>/showcase"
showcase.add_url_rule(BOARD, "board_stories", board.stories, methods=["GET", "POST"])
showcase.add_url_rule(f"{BOARD}/stories/<int:story_id>", "board_story", board.story)
showcase.add_url_rule(f"{BOARD}/stories/<int:story_id>/photo.jpg", "board_story_photo", board.story_photo)
showcase.add_url_rule(f"{BOARD}/symposium", "symposium", board.symposium, methods=["GET", "POST"])
showcase.add_url_rule(f"{BOARD}/symposium/<int:slot_id>", "edit_slot", board.edit_slot, methods=["GET", "POST"])
showcase.add_url_rule(f"{BOARD}/symposium/<int:slot_id>/delete", "delete_slot", board.delete_slot,
                      methods=["POST"])

# Organisation admins (curation/organisation_views.py).
ORG = "/o/<org_slug>/stories"
showcase.add_url_rule(ORG, "organisation_stories", organisation.stories)
showcase.add_url_rule(f"{ORG}/settings", "organisation_settings", organisation.settings, methods=["POST"])
showcase.add_url_rule(f"{ORG}/<int:story_id>", "organisation_story", organisation.story, methods=["GET", "POST"])
showcase.add_url_rule(f"{ORG}/<int:story_id>/photo.jpg", "organisation_story_photo", organisation.story_photo)

# The public (public/views.py).
showcase.add_url_rule("/showcase/", "index", public.index)
PUBLIC = "/showcase/<cohort_slug>"
showcase.add_url_rule(f"{PUBLIC}/", "cohort", public.cohort)
showcase.add_url_rule(f"{PUBLIC}/stories/<int:story_id>", "public_story", public.story)
showcase.add_url_rule(f"{PUBLIC}/stories/<int:story_id>/photo-<int:photo_version>-<size>.jpg", "public_photo",
                      public.photo)
showcase.add_url_rule(f"{PUBLIC}/symposium.ics", "symposium_file", public.symposium_file)
showcase.add_url_rule("/robots.txt", "robots", public.robots)
showcase.add_url_rule("/sitemap.xml", "sitemap", public.sitemap)
# Cached public pages answered to visitors without cookies before the app's request machinery.
showcase.record_once(lambda state: fast_path.install(state.app))
