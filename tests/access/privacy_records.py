"""Access table of the consent records, who saw my data, the privacy notice and the imprint.

- /me/consents and /me/data/views: a signed-in person's own pages (their own data only, in their own
  organisation's scope): 401 anonymous, 200 to anyone signed in (an admin and a board member are people too).
  They take no id, so there is nothing of another organisation to try.
- /privacy and /imprint: public, the same to everyone.
"""

from __future__ import annotations

OWN_PAGE = (401, 200, 200, 200)
PUBLIC = (200, 200, 200, 200)

ACCESS = {
    ("privacy.my_consents", "GET"): OWN_PAGE,
    ("privacy.who_saw", "GET"): OWN_PAGE,
    ("privacy.notice", "GET"): PUBLIC,
    ("privacy.imprint", "GET"): PUBLIC,
}
