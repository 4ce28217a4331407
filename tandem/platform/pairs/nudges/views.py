"""A person's nudge setting (/me/settings/nudges): anyone signed in, since partners get reminders and
organisation admins and the board get flags. Their own row only, in their own organisation's scope."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from tandem.platform.access import Role, allow
from tandem.platform.clock import club_zone, now
from tandem.platform.database import db_session
from tandem.platform.pairs.nudges.forms import AS_THEY_COME, WEEKLY_DIGEST, NudgeSettingsForm
from tandem.platform.pairs.nudges.operations import set_nudge_preference
from tandem.platform.pairs.nudges.policy import next_chance
from tandem.platform.pairs.nudges.queries import my_setting
from tandem.platform.transaction import request_transaction


@allow(Role.SIGNED_IN)
def settings() -> Response | tuple[str, int]:
    session = db_session()
    mine = my_setting(session, current_user.id)
    form = NudgeSettingsForm(data={"delivery": WEEKLY_DIGEST if mine.weekly_digest else AS_THEY_COME})
    if request.method == "POST":
        form = NudgeSettingsForm()
        if form.validate_on_submit():
            digest = form.delivery.data == WEEKLY_DIGEST
            with request_transaction(form) as outcome:
                set_nudge_preference(session, current_user.id, digest)
                outcome.say(_("Saved: you will receive a weekly digest on Mondays.") if digest
                            else _("Saved: you will receive reminders as they come, at most one e-mail a week."))
            if outcome.committed:
                return redirect(url_for("pairs.nudge_settings"))
    next_day = next_chance(mine.last_mailed_at, mine.weekly_digest, now(), club_zone()) if mine.waiting else None
    return render_template("pairs/nudge_settings.html", form=form, mine=mine, next_day=next_day), \
        (400 if form.errors else 200)
