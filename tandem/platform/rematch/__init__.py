"""Rematch requests: the participant asks for another partner in the first weeks, the board decides."""
