"""The organisation's classes and groups: the list with the number of pupils in
each, adding one class or a whole parallel, renaming, deleting an empty one.

Every view starts with `require_curator` (head, deputy, curator); classes are
looked up within the current organisation, so another organisation's class is a
404. The writes are `people.services` functions.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentoring.lib.cleaning import class_name
from mentoring.lib.listing import paginate, querystring_without
from people import services
from people.access import require_curator
from people.group_forms import GroupSearchForm, ParallelForm, StudyGroupForm
from people.models import Role, StudyGroup
from people.views import attach_errors

# A school has a few dozen classes, a college a hundred groups: one page mostly.
PER_PAGE = 100


def groups_of(organisation):
    return StudyGroup.objects.filter(organisation=organisation)


def get_group(organisation, pk: int) -> StudyGroup:
    return get_object_or_404(groups_of(organisation), pk=pk)


def group_list(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    search = GroupSearchForm(request.GET)
    queryset = groups_of(organisation).annotate(
        pupils=Count("participants", filter=Q(participants__left_on__isnull=True))
    )
    query = search.query
    if query:
        # «5-в» finds 5В: the query is spelled the way the names are stored.
        queryset = queryset.filter(
            Q(name__icontains=query) | Q(name__icontains=class_name(query))
        )
    page = paginate(request, queryset.order_by("grade", "name", "pk"), PER_PAGE)
    return render(
        request,
        "people/groups/group_list.html",
        {
            "organisation": organisation,
            "search": search,
            "query": query,
            "page_obj": page,
            "groups": page.object_list,
            "querystring": querystring_without(request, "page"),
            "group_form": StudyGroupForm(),
            "parallel_form": ParallelForm(),
        },
    )


def group_create(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    form = StudyGroupForm(request.POST or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        name, grade = form.cleaned_data["name"], form.cleaned_data["grade"]
        try:
            created = services.create_study_groups(organisation, [(name, grade)])
        except ValidationError as error:
            errors = attach_errors(error, form)
        else:
            if created:
                messages.success(
                    request, _("Added: %(name)s.") % {"name": created[0].name}
                )
            else:
                messages.info(
                    request,
                    _("The organisation already has «%(name)s».")
                    % {"name": class_name(name)},
                )
            return redirect("groups:list")
    return render(
        request,
        "people/groups/group_form.html",
        {"organisation": organisation, "form": form, "errors": errors},
    )


def group_create_parallel(request: HttpRequest) -> HttpResponse:
    organisation = require_curator(request)
    form = ParallelForm(request.POST or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        grade, letters = form.cleaned_data["grade"], form.cleaned_data["letters"]
        try:
            created = services.create_parallel(organisation, grade, letters)
        except ValidationError as error:
            errors = attach_errors(error, form)
        else:
            made = {group.name for group in created}
            skipped = [
                name
                for letter in services.parallel_letters(letters)
                if (name := f"{grade}{letter}") not in made
            ]
            if created:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d class created: %(names)s.",
                        "%(count)d classes created: %(names)s.",
                        len(created),
                    )
                    % {
                        "count": len(created),
                        "names": ", ".join(group.name for group in created),
                    },
                )
            if skipped:
                messages.info(
                    request,
                    _("Already there, left as they were: %(names)s.")
                    % {"names": ", ".join(skipped)},
                )
            return redirect("groups:list")
    return render(
        request,
        "people/groups/parallel_form.html",
        {"organisation": organisation, "form": form, "errors": errors},
    )


def group_update(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = require_curator(request)
    group = get_group(organisation, pk)
    form = StudyGroupForm(
        request.POST or None, initial={"name": group.name, "grade": group.grade}
    )
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            services.rename_study_group(
                study_group=group,
                name=form.cleaned_data["name"],
                grade=form.cleaned_data["grade"],
            )
        except ValidationError as error:
            group.refresh_from_db()
            errors = attach_errors(error, form)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("groups:list")
    return render(
        request,
        "people/groups/group_form.html",
        {"organisation": organisation, "form": form, "errors": errors, "group": group},
    )


def group_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page (GET) that says whether the class can go; POST deletes."""
    organisation = require_curator(request)
    group = get_group(organisation, pk)
    if request.method == "POST":
        try:
            services.delete_study_group(study_group=group)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Deleted: %(name)s.") % {"name": group.name})
        return redirect("groups:list")
    participants = group.participants.count()
    return render(
        request,
        "people/groups/group_confirm_delete.html",
        {
            "organisation": organisation,
            "group": group,
            "refusal": services.delete_refusal(group, participants)
            if participants
            else "",
            "class_teachers": group.membership_set.filter(
                role=Role.CLASS_TEACHER
            ).select_related("user"),
        },
    )
