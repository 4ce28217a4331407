"""(being written)"""
from flask import Blueprint


def register(blueprint: Blueprint) -> None:
    """Add this module's routes to the matching blueprint."""
