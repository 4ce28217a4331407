"""The personal-data registry: every table of `tandem.models`, declared once.

Each table is either `NoPersonalData(reason)` or `PersonalData(subject, columns)`: how a row leads to its
person (`Subject`) and, for each column that holds personal data, what it is, why it is kept, whether the
person's export contains it and what erasure does with it (`Column`). Identifiers and purely technical
columns need not be declared; a reference to a person may be, where erasure must treat it.

Pure declarations: no Flask, no database, no work at import. The self-service export, erasure and retention
(issue 15) are built on this table; `tests/unit/privacy/test_registry.py` fails when a table of the metadata
is missing here, when a declared column does not exist, or when a column whose name suggests personal data
is neither declared nor explicitly allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import MetaData


class Erasure(StrEnum):
    """What erasing the person does with a column's value."""

    DELETE_ROW = "delete_row"          # the row goes with the person
    CLEAR = "clear"                    # the value is emptied (NULL, empty text); the row stays for others
    ANONYMISE = "anonymise"            # the link to the person is cut (an anonymous placeholder), the row stays
    PSEUDONYMISE = "pseudonymise"      # kept, with the person replaced by a stable pseudonym (the audit log)
    KEEP_AGGREGATE = "keep_aggregate"  # kept as is for figures, once the row no longer leads to the person


@dataclass(frozen=True, slots=True)
class Column:
    """One column that holds personal data."""

    what: str
    why: str
    export: bool  # part of the person's own export (`/me/data`)
    erasure: Erasure


@dataclass(frozen=True, slots=True)
class Subject:
    """How a row leads to its person: the columns that do, and the path from them to `users`."""

    columns: tuple[str, ...]
    path: str


@dataclass(frozen=True, slots=True)
class PersonalData:
    subject: Subject
    columns: Mapping[str, Column]
    note: str = ""


@dataclass(frozen=True, slots=True)
class NoPersonalData:
    reason: str


TableDeclaration = PersonalData | NoPersonalData

# Paths to the person, shared by several tables.
_USER = "user_id -> users.id"
_PARTICIPATION = "participation_id -> participations.user_id"
_PAIR = ("pair_id -> pairs.mentor_participation_id and pairs.mentee_participation_id -> participations.user_id "
         "(both partners)")
_STORY = "story_id -> stories.pair_id -> " + _PAIR

# Reasons for keeping data, shared by several columns.
_ACCOUNT = "the person's account and sign-in"
_SECURITY = "security: ending sessions, spotting misuse"
_PARTICIPATION_WHY = "taking part in a cohort (nomination, invitation, consent)"
_MATCHING = "matching mentors and mentees"
_PAIR_SPACE = "the pair's own space: kept for the two partners only"
_SHOWCASE = "the pair's story for the symposium and the public showcase, as each partner consented"
_PROGRAMME = "the cohort's programme: invitations and answers (RSVP, capacity, waiting list)"
_NUDGES = "the pair's meeting rhythm and its reminders"
_MAIL = "delivering the club's mails (the outbox), and proof of what was sent"
_SURVEYS = ("the cohort's surveys: securing the programme's results, reported only in groups of at least "
            "REPORT_MIN_GROUP")
_RESPONSE = ("respondent_key = HMAC(SECRET_KEY, survey and participation) -> participations.user_id, only while "
             "the survey is open (closing clears the key; from then on the answers lead to nobody)")
_RIGHTS = "the person's rights over their data: export and erasure"
_BARRIERS = "the accessibility statement's feedback: removing the barrier and answering the reporter"
_AUDIT = "accountability: who did or saw what, when (also shown to the person concerned)"


def _col(what: str, why: str, erasure: Erasure = Erasure.DELETE_ROW, *, export: bool = True) -> Column:
    return Column(what=what, why=why, export=export, erasure=erasure)


_C = Erasure.CLEAR
_A = Erasure.ANONYMISE
_P = Erasure.PSEUDONYMISE
_K = Erasure.KEEP_AGGREGATE

REGISTRY: dict[str, TableDeclaration] = {
    # --- tenants and the board -------------------------------------------------------------------------------
    "organisations": NoPersonalData("member organisations (legal persons): name, slug, logo, showcase settings"),
    "organisation_domains": NoPersonalData("an organisation's e-mail domains and their approval status"),
    "organisation_sso": NoPersonalData(
        "an organisation's OpenID Connect client settings; `updated_by_user_id` (the admin who changed them) "
        "is an id set to NULL when that person goes, the change itself is in the audit log"),
    "organisation_exclusions": NoPersonalData(
        "two organisations whose people are never paired, with the board's reason about the organisations"),
    "topics": NoPersonalData("the topic catalogue: labels in every site language"),
    "cohorts": NoPersonalData("programme rounds: name, dates, venue, cadence, matching weights"),
    "cohort_quotas": NoPersonalData("numbers of mentors and mentees an organisation may nominate for a cohort"),
    "programme_events": NoPersonalData(
        "the cohort's events as the board wrote them (titles, descriptions, venue, online link); who is invited "
        "and what they answered is in event_invitations"),
    "symposium_slots": NoPersonalData(
        "the symposium's programme as the board wrote it (time, title, room); the presenting pairs are linked "
        "in symposium_slot_stories"),
    "organisation_admins": PersonalData(
        subject=Subject(("user_id",), _USER),
        columns={
            "user_id": _col("that the person administers their organisation", "access rights"),
            "granted_at": _col("when the role was granted", "access rights"),
        },
    ),
    "board_members": PersonalData(
        subject=Subject(("user_id",), _USER),
        columns={
            "user_id": _col("that the person is a member of the club board", "access rights"),
            "since": _col("since when", "access rights"),
        },
    ),
    # --- identity ----------------------------------------------------------------------------------------------
    "users": PersonalData(
        subject=Subject(("id",), "the row is the person"),
        columns={
            "email": _col("work e-mail address", _ACCOUNT + ", mail"),
            "display_name": _col("name as shown to others", _ACCOUNT + ", the pair, the board"),
            "preferred_language": _col("language chosen on the site", "pages and mails in that language"),
            "organisation_id": _col("the member organisation the person belongs to (their employer)",
                                    "tenancy, matching across organisations"),
            "is_active": _col("whether the account may sign in", _ACCOUNT),
            "created_at": _col("when the account was created", _ACCOUNT),
        },
    ),
    "identities": PersonalData(
        subject=Subject(("user_id",), _USER),
        columns={
            "issuer": _col("the sign-in provider", _ACCOUNT),
            "subject": _col("the provider's identifier of the person", _ACCOUNT),
            "created_at": _col("when the identity was linked", _ACCOUNT),
            "last_used_at": _col("when it last signed the person in", _ACCOUNT),
        },
    ),
    "sign_in_links": PersonalData(
        subject=Subject(("user_id",), _USER),
        columns={
            "token_hash": _col("hash of a single-use sign-in link", _ACCOUNT, export=False),
            "created_at": _col("when a sign-in link was asked for", _SECURITY),
            "used_at": _col("when it was used to sign in", _SECURITY),
        },
    ),
    "user_sessions": PersonalData(
        subject=Subject(("user_id",), _USER),
        columns={
            "token_hash": _col("hash of the session's secret", _ACCOUNT, export=False),
            "method": _col("how the person signed in", _SECURITY),
            "created_at": _col("when the session began", _SECURITY),
            "last_seen_at": _col("when the person was last active", _SECURITY),
            "ended_at": _col("when the session ended", _SECURITY),
            "ip_address": _col("IP address of the person's browser", _SECURITY),
        },
    ),
    # --- cohorts and participation -----------------------------------------------------------------------------
    "participations": PersonalData(
        subject=Subject(("user_id",), _USER),
        columns={
            "user_id": _col("the person taking part", _PARTICIPATION_WHY, _A),
            "role": _col("mentor or mentee", _PARTICIPATION_WHY + ", " + _MATCHING, _K),
            "status": _col("nominated, invited, active, declined or withdrawn", _PARTICIPATION_WHY, _K),
            "note": _col("the nominating admin's note about the person", _PARTICIPATION_WHY, _C),
            "nominated_at": _col("when the person was nominated (a date only; the participation stays, on a "
                                 "placeholder account)", _PARTICIPATION_WHY, _K),
            "invited_at": _col("when the person was invited", _PARTICIPATION_WHY, _C),
            "consent_at": _col("when the person consented to take part", "consent record", _C),
            "consent_version": _col("the version of the text consented to", "consent record", _C),
            "answered_at": _col("when the person accepted or declined", _PARTICIPATION_WHY, _C),
            "withdrawn_at": _col("when the person withdrew", _PARTICIPATION_WHY, _C),
            "mentor_capacity": _col("how many mentees the mentor may take", _MATCHING, _K),
        },
        note="erasure keeps an anonymous participation where a cohort's figures count it",
    ),
    # --- the participant's profile ------------------------------------------------------------------------------
    "profiles": PersonalData(
        subject=Subject(("participation_id",), _PARTICIPATION),
        columns={
            "languages": _col("languages the person speaks", _MATCHING),
            "format": _col("in person, remote or both", _MATCHING),
            "city": _col("where the person works or lives", _MATCHING),
            "weekdays": _col("days the person can meet", _MATCHING),
            "career_band": _col("years of experience (a band)", _MATCHING),
            "bio": _col("what the person wrote about themselves", _MATCHING + ", the partner card"),
            "aims": _col("a mentee's goals or what a mentor hopes to give", _MATCHING + ", the partner card"),
            "updated_at": _col("when the profile last changed", _MATCHING),
        },
    ),
    "profile_topics": PersonalData(
        subject=Subject(("participation_id",), _PARTICIPATION),
        columns={
            "topic_id": _col("a topic the person offers or wants", _MATCHING),
            "rank": _col("its rank among the person's first three", _MATCHING),
        },
    ),
    "profile_reminders": PersonalData(
        subject=Subject(("participation_id",), _PARTICIPATION),
        columns={
            "step": _col("which reminder about an incomplete profile was sent", "sending each reminder once",
                         export=False),
            "sent_at": _col("when it was sent", "sending each reminder once", export=False),
        },
        note="the reminder mails themselves are in outbox_messages (exported there)",
    ),
    # --- matching --------------------------------------------------------------------------------------------------
    "matching_runs": PersonalData(
        subject=Subject(("unmatched",), "each entry's `id` -> participations.user_id"),
        columns={
            "unmatched": _col("why each unmatched participant got no partner (participation id, role, reason "
                              "code and its parameters)", "the board's review of a run", _A),
        },
        note="`parameters` and `figures` hold weights, options and aggregates only",
    ),
    "pairs": PersonalData(
        subject=Subject(("mentor_participation_id", "mentee_participation_id"),
                        "mentor_participation_id and mentee_participation_id -> participations.user_id"),
        columns={
            "mentor_participation_id": _col("the mentor of the pair", _MATCHING, _A),
            "mentee_participation_id": _col("the mentee of the pair", _MATCHING, _A),
            "status": _col("proposed, locked, active or ended", _MATCHING, _K),
            "score": _col("how well the two fit", _MATCHING, _K),
            "explanation": _col("the score per criterion (shared topics, languages, format, days, ...)",
                                _MATCHING, _C),
            "activated_at": _col("when the tandem began", _MATCHING, _K),
            "ended_at": _col("when it ended", _MATCHING, _K),
        },
        note="erasure keeps an anonymous pair where a cohort's figures count it",
    ),
    "matching_separations": PersonalData(
        subject=Subject(("participation_a_id", "participation_b_id"),
                        "participation_a_id and participation_b_id -> participations.user_id (both people)"),
        columns={
            "participation_a_id": _col("one of two people the board keeps apart", _MATCHING, export=False),
            "participation_b_id": _col("the other", _MATCHING, export=False),
            "reason": _col("the board's reason for keeping the two apart", _MATCHING, export=False),
        },
        note="not exported: the row names the other person and holds the board's note about both",
    ),
    "rematch_requests": PersonalData(
        subject=Subject(("participation_id",), _PARTICIPATION),
        columns={
            "reason": _col("why the person asked for another partner", "the board's decision on the request"),
            "status": _col("open, accepted or declined", "the board's decision on the request"),
            "created_at": _col("when the person asked", "the board's decision on the request"),
            "decided_at": _col("when the board decided", "the board's decision on the request"),
            "board_note": _col("the board's note to the person on its decision", "the board's decision"),
        },
    ),
    # --- the pairs' space -------------------------------------------------------------------------------------
    "pair_agreements": PersonalData(
        subject=Subject(("pair_id",), _PAIR),
        columns={
            "text": _col("the pair's agreement (confidentiality, rhythm, how to reach each other)", _PAIR_SPACE),
            "mentor_confirmed_at": _col("when the mentor confirmed it", _PAIR_SPACE),
            "mentee_confirmed_at": _col("when the mentee confirmed it", _PAIR_SPACE),
        },
    ),
    "pair_goals": PersonalData(
        subject=Subject(("pair_id",), _PAIR),
        columns={
            "text": _col("a goal of the pair", _PAIR_SPACE),
            "status": _col("open, progressing or done", _PAIR_SPACE),
        },
    ),
    "pair_meetings": PersonalData(
        subject=Subject(("pair_id",), _PAIR),
        columns={
            "status": _col("planned, held, not held or cancelled", _PAIR_SPACE + ", " + _NUDGES),
            "starts_at": _col("when the partners meet", _PAIR_SPACE + ", " + _NUDGES),
            "duration_minutes": _col("how long", _PAIR_SPACE),
            "format": _col("in person or online", _PAIR_SPACE),
            "place": _col("where they meet", _PAIR_SPACE),
            "online_url": _col("the link of an online meeting", _PAIR_SPACE),
            "summary": _col("what they did, as the partners wrote it", _PAIR_SPACE),
            "topic_ids": _col("topics they talked about", _PAIR_SPACE),
            "logged_at": _col("when the meeting was logged", _PAIR_SPACE),
        },
    ),
    "meeting_notes": PersonalData(
        subject=Subject(("author_participation_id",), "author_participation_id -> participations.user_id"),
        columns={
            "text": _col("a private note on a meeting, seen by its author alone", "the author's own record"),
            "updated_at": _col("when it was written", "the author's own record"),
        },
    ),
    "pair_check_ins": PersonalData(
        subject=Subject(("participation_id",), _PARTICIPATION),
        columns={
            "participation_id": _col("the partner who answered", "pair health", _A),
            "usefulness": _col("how useful the meeting was (1-4); goes with the pair's meetings when a partner "
                               "is erased", "pair health, the cohort's figures", _K),
            "comment": _col("the partner's comment on the meeting", _PAIR_SPACE, _C),
        },
    ),
    "pair_help_requests": PersonalData(
        subject=Subject(("participation_id",), _PARTICIPATION + " (the mentor who asked; the mentee never sees it)"),
        columns={
            "message": _col("the mentor's confidential message to the board about the pair", "the board's help"),
            "created_at": _col("when the mentor asked", "the board's help"),
            "resolved_at": _col("when the board resolved it", "the board's help"),
        },
    ),
    "pair_board_messages": PersonalData(
        subject=Subject(("pair_id",), _PAIR + "; the sender is sender_user_id"),
        columns={
            "body": _col("what the board wrote to the pair", "the board's messages to a pair"),
            "created_at": _col("when", "the board's messages to a pair"),
        },
    ),
    "pair_closures": PersonalData(
        subject=Subject(("pair_id",), _PAIR),
        columns={
            "mentor_confirmed_at": _col("when the mentor confirmed completing the tandem", "closing the pair", _C),
            "mentee_confirmed_at": _col("when the mentee confirmed it", "closing the pair", _C),
            "outcome": _col("completed or ended early", "closing the pair, the cohort's figures", _K),
            "reason": _col("why the pair ended early", "closing the pair", _C),
            "ended_at": _col("when it ended", "closing the pair", _K),
        },
    ),
    "pair_nudges": PersonalData(
        subject=Subject(("pair_id",), _PAIR),
        columns={
            "step": _col("a reminder, second reminder or flag because a meeting was overdue", _NUDGES),
            "due_on": _col("when the pair's next meeting was due", _NUDGES),
        },
    ),
    "nudge_deliveries": PersonalData(
        subject=Subject(("user_id",), _USER),
        columns={
            "user_id": _col("a person told of a nudge step", _NUDGES + ", the weekly cap", export=False),
            "mailed_at": _col("when the mail or digest that told them was queued", _NUDGES, export=False),
        },
        note="the mails themselves are in outbox_messages (exported there)",
    ),
    "nudge_preferences": PersonalData(
        subject=Subject(("user_id",), _USER),
        columns={
            "weekly_digest": _col("nudges as they come or a weekly digest", "the person's choice of mails"),
            "updated_at": _col("when the person chose", "record of the choice"),
        },
    ),
    # --- outcomes: surveys and learnings ------------------------------------------------------------------------
    "surveys": NoPersonalData("a cohort's mid-point and final survey: dates, when opened and closed"),
    "survey_questions": NoPersonalData(
        "the questions of a survey as the board or the default questionnaire wrote them"),
    "survey_invitations": PersonalData(
        subject=Subject(("participation_id",), _PARTICIPATION),
        columns={
            "invited_at": _col("when the person was asked to answer the survey", _SURVEYS),
            "reminded_at": _col("when they were reminded", _SURVEYS),
            "answered_at": _col("when they first answered (not what: the answers are kept apart)", _SURVEYS),
        },
    ),
    "survey_responses": PersonalData(
        subject=Subject(("respondent_key",), _RESPONSE),
        columns={
            "respondent_key": _col("the keyed link from the answers to their author while the survey is open",
                                   "letting the person change their answers until the survey closes", _C,
                                   export=False),
            "role": _col("mentor or mentee, for grouping the figures", _SURVEYS, _K),
            "organisation_id": _col("the author's organisation, for grouping the figures", _SURVEYS, _K),
            "share_learnings": _col("whether the mentee shares their learnings with their organisation", _SURVEYS),
        },
        note="anonymous once the survey is closed: export and erasure reach a response only while it is open",
    ),
    "survey_answers": PersonalData(
        subject=Subject(("response_id",), "response_id -> survey_responses (" + _RESPONSE + ")"),
        columns={
            "scale_value": _col("the answer on a scale", _SURVEYS),
            "choices": _col("the options chosen", _SURVEYS),
            "text": _col("a text answer", _SURVEYS),
            "share_text": _col("whether the text may appear in reports, without a name", _SURVEYS),
        },
    ),
    "survey_learnings": PersonalData(
        subject=Subject(("response_id",), "response_id -> survey_responses (" + _RESPONSE + ")"),
        columns={"text": _col("something the mentee's organisation should take up", _SURVEYS)},
    ),
    # --- personal data rights ---------------------------------------------------------------------------------
    "data_exports": PersonalData(
        subject=Subject(("user_id",), _USER),
        columns={
            "content": _col("the person's export of their data, until they download it", _RIGHTS, export=False),
            "created_at": _col("when the person asked for an export", _RIGHTS),
            "downloaded_at": _col("when they downloaded it", _RIGHTS),
        },
    ),
    "erasure_requests": PersonalData(
        subject=Subject(("user_id",), _USER + " (empty once the erasure is done; `pseudonym` names them then)"),
        columns={
            "user_id": _col("the person who asked for erasure", _RIGHTS, _A),
            "requested_at": _col("when they asked", _RIGHTS, _K),
            "erase_on": _col("the day it happens unless decided before", _RIGHTS, _K),
            "refusal_reason": _col("why the admin or the board refused it (may name the person)", _RIGHTS, _C),
            "pseudonym": _col("the audit log's name for the erased person", "accountability of the erasure",
                              _K, export=False),
        },
        note="the request itself stays, without the person, as proof that the erasure was done",
    ),
    # --- the programme ----------------------------------------------------------------------------------------
    "event_invitations": PersonalData(
        subject=Subject(("user_id",), _USER),
        columns={
            "user_id": _col("a person invited to an event", _PROGRAMME),
            "invited_as": _col("as mentor, mentee, organisation admin or board member", _PROGRAMME),
            "answer": _col("the person's answer (yes, no, maybe, waiting list)", _PROGRAMME),
            "answered_at": _col("when the person answered", _PROGRAMME),
            "reminded_at": _col("when the person was reminded", _PROGRAMME, export=False),
        },
    ),
    "calendar_feeds": PersonalData(
        subject=Subject(("user_id",), _USER),
        columns={
            "token_hash": _col("hash of the private feed's token", "the person's calendar subscription",
                               export=False),
            "created_at": _col("when the feed was made", "the person's calendar subscription"),
            "revoked_at": _col("when it was revoked (exported as active or not)", "the calendar subscription"),
            "last_used_at": _col("when a calendar last fetched it", "the person's calendar subscription"),
        },
    ),
    # --- the showcase -----------------------------------------------------------------------------------------
    "stories": PersonalData(
        subject=Subject(("pair_id",), _PAIR),
        columns={
            "title": _col("the story's title", _SHOWCASE),
            "mentee_learned": _col("what the mentee learned, in their words", _SHOWCASE),
            "mentor_learned": _col("what the mentor learned, in their words", _SHOWCASE),
            "tip": _col("the pair's tip", _SHOWCASE),
            "mentor_quote": _col("a quote from the mentor", _SHOWCASE),
            "mentee_quote": _col("a quote from the mentee", _SHOWCASE),
            "photo": _col("the pair's photo", _SHOWCASE),
            "photo_small": _col("the photo, small size", _SHOWCASE, export=False),
            "photo_alt": _col("the photo's description", _SHOWCASE),
            "mentor_confirmed_version": _col("the version the mentor confirmed", _SHOWCASE),
            "mentee_confirmed_version": _col("the version the mentee confirmed", _SHOWCASE),
            "mentor_confirmed_at": _col("when the mentor confirmed", _SHOWCASE),
            "mentee_confirmed_at": _col("when the mentee confirmed", _SHOWCASE),
        },
        note="erasure unpublishes and deletes the story (the public pages' revision grows)",
    ),
    "story_topics": PersonalData(
        subject=Subject(("story_id",), _STORY),
        columns={"topic_id": _col("a topic of the pair's story", _SHOWCASE)},
    ),
    "story_changes": PersonalData(
        subject=Subject(("participation_id",), _PARTICIPATION + " (the partner who changed the story)"),
        columns={
            "fields": _col("which fields of the story the person changed", "the partners see who changed what"),
            "changed_at": _col("when", "the partners see who changed what"),
        },
    ),
    "story_consents": PersonalData(
        subject=Subject(("participation_id",), _PARTICIPATION),
        columns={
            "show_name": _col("consent to show the person's name", "consent record, " + _SHOWCASE),
            "show_organisation": _col("consent to show their organisation", "consent record, " + _SHOWCASE),
            "show_photo": _col("consent to show the photo", "consent record, " + _SHOWCASE),
            "show_quote": _col("consent to show their quote", "consent record, " + _SHOWCASE),
            "description": _col("the neutral description shown instead of the name", _SHOWCASE),
            "story_version": _col("the version of the story the person read when choosing", "consent record"),
            "decided_at": _col("when the person chose", "consent record"),
        },
    ),
    "story_reviews": PersonalData(
        subject=Subject(("story_id",), _STORY + "; the reviewer is reviewer_user_id"),
        columns={
            "decision": _col("the organisation's approval of the pair's story, or sent back", _SHOWCASE),
            "note": _col("the organisation's note sending the story back", _SHOWCASE),
            "decided_at": _col("when", _SHOWCASE),
        },
    ),
    "story_reminders": PersonalData(
        subject=Subject(("pair_id",), _PAIR),
        columns={
            "step": _col("which story mail was sent to the pair", "sending each mail once", export=False),
            "sent_at": _col("when", "sending each mail once", export=False),
        },
        note="the mails themselves are in outbox_messages (exported there)",
    ),
    "symposium_slot_stories": PersonalData(
        subject=Subject(("story_id",), _STORY),
        columns={"slot_id": _col("the symposium slot in which the pair presents", _SHOWCASE)},
    ),
    # --- accessibility ----------------------------------------------------------------------------------------
    "barrier_reports": PersonalData(
        subject=Subject(("recipient_user_id", "recipient"),
                        "recipient_user_id -> users.id (the reporter, when signed in), or the address in "
                        "`recipient` (the reporter's address for an answer, when they gave one)"),
        columns={
            "description": _col("the barrier as the reporter described it (may tell of a disability)", _BARRIERS),
            "page": _col("the address of the page concerned", _BARRIERS),
            "assistive_technology": _col("the assistive technology the reporter uses, if they said "
                                         "(may tell of a disability)", _BARRIERS),
            "language": _col("the language of the page the report was sent from", _BARRIERS),
            "recipient": _col("the e-mail address for an answer, if the reporter wanted one", _BARRIERS),
            "recipient_user_id": _col("the reporter, when signed in", _BARRIERS),
            "created_at": _col("when the barrier was reported", _BARRIERS),
            "status": _col("open, answered or closed", _BARRIERS),
            "board_note": _col("the board's note on the report", _BARRIERS),
        },
        note="closing a report clears its address and assistive technology (no answer is due any more); "
             "a report without address or account leads to nobody",
    ),
    # --- mail and audit ---------------------------------------------------------------------------------------
    "outbox_messages": PersonalData(
        subject=Subject(("recipient_user_id", "recipient"),
                        "recipient_user_id -> users.id, or the address in `recipient` (a person not yet a user)"),
        columns={
            "recipient": _col("the recipient's e-mail address", _MAIL),
            "language": _col("the language the mail was written in", _MAIL),
            "kind": _col("which mail it was", _MAIL),
            "subject": _col("the subject (may carry names)", _MAIL),
            "body_text": _col("the text (names, partners' names, messages, links)", _MAIL),
            "body_html": _col("the same text in HTML", _MAIL, export=False),
            "attachments": _col("attachments such as calendar entries", _MAIL),
            "created_at": _col("when the mail was written", _MAIL),
            "sent_at": _col("when it was sent", _MAIL),
            "last_error": _col("the mail server's last error (may echo the address)", _MAIL, export=False),
        },
        note="bodies also name other people (a partner, an admin): erasing a person must reach mails to others",
    ),
    "audit_events": PersonalData(
        subject=Subject(("actor_user_id", "target_id"),
                        "actor_user_id -> users.id (who acted or read); target_id -> users.id or "
                        "participations.user_id when target_type is 'user' or 'participation' (whom it concerned)"),
        columns={
            "actor_user_id": _col("who did or saw something", _AUDIT, _P),
            "target_id": _col("what (or whom) it concerned", _AUDIT, _P),
            "action": _col("what was done or seen", _AUDIT, _P),
            "occurred_at": _col("when", _AUDIT, _P),
            "details": _col("plain details: ids, and texts such as a reason the board typed about two people",
                            _AUDIT, _P),
            "ip_address": _col("IP address of the actor's browser", _AUDIT + ", " + _SECURITY, _C),
        },
    ),
}


def undeclared(metadata: MetaData) -> list[str]:
    """Every table of `metadata` missing from the registry, every declared table it does not have, and every
    declared column (or subject column) that does not exist: an empty list when the registry is complete."""
    problems: list[str] = []
    tables = metadata.tables
    for name in sorted(tables):
        if name not in REGISTRY:
            problems.append(f"table {name!r} is not declared")
    for name, declaration in sorted(REGISTRY.items()):
        if name not in tables:
            problems.append(f"table {name!r} is declared but not in the metadata")
            continue
        if not isinstance(declaration, PersonalData):
            continue
        existing = {column.name for column in tables[name].columns}
        for column in sorted({*declaration.columns, *declaration.subject.columns} - existing):
            problems.append(f"column {name}.{column} is declared but does not exist")
    return problems


def personal_tables() -> list[str]:
    """The tables that hold personal data, by name."""
    return sorted(name for name, declaration in REGISTRY.items() if isinstance(declaration, PersonalData))
