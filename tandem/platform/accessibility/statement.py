"""What the accessibility statement says about the site itself: the standard aimed at, the state of
conformity, the known limitations, how it was checked and when. Pure data, no Flask, no database.

Keep `KNOWN_LIMITATIONS` in step with the allowance file of the automated check (every finding that file
allows is a limitation here, in words a visitor understands) and move `LAST_REVIEWED` with each review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tandem.platform.i18n import LazyText
from tandem.platform.i18n import lazy_gettext as _l

LAST_REVIEWED = date(2026, 12, 6)
STATEMENT_MADE = date(2026, 12, 6)
ANSWER_WITHIN_DAYS = 30


@dataclass(frozen=True)
class Limitation:
    """A part of the site that does not meet the standard yet, or is outside it, and what to do meanwhile."""

    where: LazyText
    what: LazyText
    instead: LazyText


def known_limitations() -> tuple[Limitation, ...]:
    """Built per call: the texts are lazy and read in the visitor's language when shown."""
    return (
        Limitation(
            where=_l("Sign-in through a member organisation's own login page"),
            what=_l("Organisations that use single sign-on send you to their own login page, which they run: it "
                    "is not part of this site and this statement does not cover it."),
            instead=_l("Ask for a sign-in link by e-mail instead: the sign-in page offers it to everyone."),
        ),
        Limitation(
            where=_l("Photos and texts written by participants"),
            what=_l("Stories, quotes and photo descriptions are written by the participants. We ask for a "
                    "description of every photo but cannot check that each one describes it well."),
            instead=_l("Tell us about a photo or text that you cannot use: we ask its authors to improve it."),
        ),
        Limitation(
            where=_l("Downloaded files (calendar entries, spreadsheets, the export of your data)"),
            what=_l("Calendar files (.ics), spreadsheets (CSV, XLSX) and the JSON export are plain data; how "
                    "accessible they are depends on the program that opens them."),
            instead=_l("Every figure and date in these files is also shown on a page of the site."),
        ),
        Limitation(
            where=_l("The board's matching workbench"),
            what=_l("The workbench shows long lists of proposed pairs with several actions each; it works with "
                    "the keyboard alone, but a large cohort takes many steps."),
            instead=_l("Filter the pairs by name or by status to shorten the list."),
        ),
    )


def checks() -> tuple[LazyText, ...]:
    """How the site was checked."""
    return (
        _l("Automated checks with axe-core (WCAG 2.2 A and AA rules) on every page, reached by following the "
           "links as a visitor, a participant, an organisation admin and a board member, on every change of "
           "the software."),
        _l("Keyboard-only journeys through the main tasks (nominating a person, accepting an invitation and "
           "filling in the profile, pairing in the workbench, answering an event invitation, logging a "
           "meeting, confirming a story), checking that the focus is visible and moves in a logical order."),
        _l("A review of the points automated checks miss: error messages tied to their fields, tables with "
           "captions and header cells, text alternatives of charts, zoom to 200 %, narrow screens and reduced "
           "motion."),
    )
