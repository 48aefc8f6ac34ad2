"""Tools run by hand (scripts/translations.py, screenshots.py, new_lesson.py)."""
