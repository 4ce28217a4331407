"""The one place that ends a request's transaction.

Operations flush and never commit. A view runs its change inside `request_transaction()`:

    with request_transaction(form) as outcome:
        cohort = create_cohort(session, ...)
        outcome.say(_("The cohort %(name)s is created.", name=cohort.name))
    if outcome.committed:
        return redirect(url_for("cohorts.show", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form), 400

On success the session commits and what the view said is flashed. On `OperationRefused` the session rolls
back and the refusal is shown: beside its fields when the form has them, else as an error message (the
refusal's reason, or `refused(reason)`: `lambda reason: _("Not saved: %(reason)s", reason=reason)`).
When the database refuses a write that two people made at once (`IntegrityError`), the session rolls back
and the person is asked to try again. Any other exception rolls back and propagates (an HTTP error from
`abort()` included).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import flash
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError

from tandem.platform.database import db_session
from tandem.platform.refusals import OperationRefused


@dataclass
class Outcome:
    """What became of a view's change; the view decides what to show next."""

    committed: bool = False
    refusal: OperationRefused | None = None
    conflict: bool = False
    _messages: list[tuple[str, str]] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.refusal is not None or self.conflict

    def say(self, message: str, category: str = "success") -> None:
        """A message to flash once the change is committed (nothing is said when it is refused)."""
        self._messages.append((message, category))


@contextmanager
def request_transaction(form: FlaskForm | None = None, *,
                        refused: Callable[[str], str] | None = None,
                        show_refusal: Callable[[OperationRefused], bool] | None = None) -> Iterator[Outcome]:
    """Commit the change made in the block, or roll it back and show why it was refused.

    `show_refusal(refusal)` is for a view that shows a refusal its own way (in its page, or beside a part
    of the form that is not a field): it returns True when it did, and nothing more is shown.
    """
    session = db_session()
    outcome = Outcome()
    try:
        yield outcome
    except OperationRefused as refusal:
        session.rollback()
        outcome.refusal = refusal
        if show_refusal is None or not show_refusal(refusal):
            _show_refusal(refusal, form, refused)
    except IntegrityError:
        session.rollback()
        outcome.conflict = True
        message = _("Someone changed the same data at the same time. Please check and send again.")
        if form is not None:
            form.form_errors.append(message)
        else:
            flash(message, "error")
    except BaseException:
        session.rollback()
        raise
    else:
        session.commit()
        outcome.committed = True
        for message, category in outcome._messages:
            flash(message, category)


def _show_refusal(refusal: OperationRefused, form: FlaskForm | None, refused: Callable[[str], str] | None) -> None:
    fields = refusal.field_messages
    if form is not None and fields and all(name in form for name in fields):
        for name, message in fields.items():
            form[name].errors.append(str(message))
        return
    flash(refused(refusal.reason) if refused else refusal.reason, "error")
