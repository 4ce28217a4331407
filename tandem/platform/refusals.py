"""Refusals that operations raise and views show: shared by every area."""

from __future__ import annotations


class OperationRefused(Exception):
    """The change is not allowed now; the message is for the person who asked."""


class FieldProblem(OperationRefused):
    """A refusal that belongs next to one form field."""

    def __init__(self, field: str, message: object) -> None:
        super().__init__(message)
        self.field = field
