"""Exporters of the rewards register: letters of thanks and certificates."""
