"""Refusals that operations raise and views show: shared by every area.

An operation refuses with `OperationRefused` (a message for the person who asked) or, when the problem
belongs next to form fields, with `FieldProblem` (one field) or `FieldProblems` (several). The request's
transaction helper (tandem/platform/transaction.py) rolls back and shows them.
"""

from __future__ import annotations

from collections.abc import Mapping


class OperationRefused(Exception):
    """The change is not allowed now; the message is for the person who asked."""

    @property
    def reason(self) -> str:
        """The refusal in words, as the person is shown it."""
        return str(self)

    @property
    def field_messages(self) -> Mapping[str, object]:
        """Messages by form field name; empty when the refusal is about the change as a whole."""
        return {}


class FieldProblems(OperationRefused):
    """Refusals that belong next to form fields: field name -> message."""

    def __init__(self, messages: Mapping[str, object], summary: object) -> None:
        super().__init__(summary)
        self.messages = dict(messages)

    @property
    def field_messages(self) -> Mapping[str, object]:
        return self.messages


class FieldProblem(FieldProblems):
    """A refusal that belongs next to one form field."""

    def __init__(self, field: str, message: object) -> None:
        super().__init__({field: message}, message)
        self.field = field
