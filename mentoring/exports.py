"""Exporters of this app (see mentoring/lib/export.py): the roadmap."""
