"""List pages: sorting and pagination from the URL (shareable; back button works)."""

from django.core.paginator import Paginator

PER_PAGE = 25


def sort_queryset(
    queryset, request, columns: dict[str, str | tuple[str, ...]], default
):
    """Order `queryset` by the `sort` GET parameter.

    `columns` maps a public key ("name") to one or more ORM fields; "-name" sorts
    descending. Unknown keys fall back to `default`. Returns (queryset, key).
    """
    key = request.GET.get("sort", "") or default
    descending = key.startswith("-")
    fields = columns.get(key.lstrip("-"))
    if fields is None:
        key, descending = default, default.startswith("-")
        fields = columns[default.lstrip("-")]
    if isinstance(fields, str):
        fields = (fields,)
    order = [f"-{field}" if descending else field for field in fields]
    return queryset.order_by(*order, "pk"), key


def paginate(request, queryset, per_page: int = PER_PAGE):
    """The requested page (an invalid number gives the first or the last page)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def querystring_without(request, *names: str) -> str:
    """The current GET parameters minus `names`, url-encoded (for pagination links)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
