"""Views of the submissions app, split by resource (STYLE.md #6)."""
