"""Exporters of official documents: the order fixing pairs, lists, the programme."""
