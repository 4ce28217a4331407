"""The rhythm's nudges (reminders, flags) once per pair and step, with a weekly cap and digest; the person's setting."""
