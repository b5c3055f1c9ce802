"""Pages of long lists that rank on bare rows first, then load one page of full rows.

OFFSET makes PostgreSQL compute every skipped row's select list, annotations and joins
included: page 8,000 of 200,000 candidates ran the applications-count subquery 200,000
times. Here the ranking query selects only ids (it joins and computes just what the
ordering needs), and the page's rows are then loaded with everything they show by id.
"""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import QuerySet
from django_tables2.data import TableQuerysetData


def rank_then_load(queryset: QuerySet, window: slice) -> list:
    ids = list(queryset.values_list("pk", flat=True)[window])
    by_id = {row.pk: row for row in queryset.filter(pk__in=ids).order_by()}
    return [by_id[pk] for pk in ids if pk in by_id]


class RankThenLoad:
    """An ordered queryset for django.core.paginator.Paginator."""

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset
        self.ordered = True

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, window: slice) -> list:
        return rank_then_load(self.queryset, window)


def stable_order(queryset: QuerySet) -> QuerySet:
    """The queryset's order with ties broken by id, so no row shows on two pages (or none).
    The id runs the way the last key does, so an index on (…, key, id) serves both ways."""
    order = list(queryset.query.order_by or queryset.model._meta.ordering)
    if order and order[-1] in ("pk", "-pk", "id", "-id"):
        return queryset
    last = order[-1] if order else "pk"
    descending = last.startswith("-") if isinstance(last, str) else getattr(last, "descending", False)
    return queryset.order_by(*order, "-pk" if descending else "pk")


class RankThenLoadData(TableQuerysetData):
    """The same for django-tables2, which sorts the queryset and then slices it per page."""

    def __init__(self, data):
        super().__init__(stable_order(data))

    def order_by(self, aliases):
        super().order_by(aliases)
        self.data = stable_order(self.data)

    def __getitem__(self, key):
        if isinstance(key, slice):
            return rank_then_load(self.data, key)
        return self.data[key]


class RankThenLoadTable(tables.Table):
    """A table over a queryset whose pages rank on bare rows."""

    def __init__(self, data=None, *args, **kwargs):
        if TableQuerysetData.validate(data):
            data = RankThenLoadData(data)
        super().__init__(data, *args, **kwargs)
