"""Exporters of the municipal tier (see mentoring/lib/export.py)."""
