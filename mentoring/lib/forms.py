"""Helpers shared by the apps' forms."""

from django import forms


def preselect_only_choice(form: forms.Form, *names: str) -> None:
    """An unbound form's choice fields that offer exactly one object start on it
    (a school with one programme never has to pick it by hand); a field with an
    initial value keeps it."""
    if form.is_bound:
        return
    for name in names:
        field = form.fields[name]
        if form.initial.get(name) or field.initial:
            continue
        options = list(field.queryset.values_list("pk", flat=True)[:2])
        if len(options) == 1:
            form.initial[name] = options[0]
