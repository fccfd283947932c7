"""An agency answering for predecessors: its list pages, read per agency (union) or all at once.

    .venv/bin/python bench/api_successor.py [--predecessors 2] [--runs 30]
                                            [--database-url postgres://postgres@127.0.0.1:5432/bench_api]

Run after ``bench/api.py`` filled the database. Inside a transaction that is rolled back at the
end (the database is left as it was), the largest agency takes over the next ``--predecessors``
largest ones (a merger, as on 01/07/2025), and its overdue list (page 1 of 100, and its next page)
is timed in process, both ways, interleaved: each agency's rows read apart in index order and the
page taken from their union (``DirectivePagination._window``), and one query with
``agency_id IN (...)`` (the plan before it). It checks the two give the same rows, and prints the
queries per request and the ratio.
"""

import argparse
import statistics
import time
from unittest import mock

from _common import setup_django  # run as a script: bench/ is on sys.path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--predecessors", type=int, default=2)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_api")
    args = parser.parse_args()
    setup_django(args.database_url)

    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from conference.models import Agency
    from conference.services import agency_record_change
    from directives.api.pagination import DirectivePagination
    from directives.models import ApiKey, Assignment

    sizes = Assignment.objects.values("agency_id").annotate(n=Count("*")).order_by("-n")[: args.predecessors + 1]
    ids = [row["agency_id"] for row in sizes]
    caller, olds = Agency.objects.get(pk=ids[0]), list(Agency.objects.filter(pk__in=ids[1:]))
    with transaction.atomic():
        for old in olds:
            agency_record_change(
                kind="merge",
                predecessor=old,
                successors=[caller],
                primary_successor=caller,
                effective_on=timezone.localdate(),
            )
        key, raw_key = ApiKey.issue(agency=caller, name="bench api_successor")
        client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
        first = "/api/v1/directives/?overdue=true&page_size=100"

        def get(path):
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}: {response.content[:300]!r}")
            return response.json()

        def both(path):
            union = get(path)
            with mock.patch.object(DirectivePagination, "_ordered_unions", return_value=False):
                plain = get(path)
            return union, plain

        union1, plain1 = both(first)
        second = union1["next"]
        union2, plain2 = both(second)
        same = [r["id"] for r in union1["results"] + union2["results"]] == [
            r["id"] for r in plain1["results"] + plain2["results"]
        ]
        statements = []

        def count(execute, sql, params, many, context):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            get(first)
        samples = {label: [] for label in ("union p1", "IN p1", "union p2", "IN p2")}
        for _ in range(args.runs + 5):
            for label, path, plain in (
                ("union p1", first, False),
                ("IN p1", first, True),
                ("union p2", second, False),
                ("IN p2", second, True),
            ):
                start = time.perf_counter()
                if plain:
                    with mock.patch.object(DirectivePagination, "_ordered_unions", return_value=False):
                        get(path)
                else:
                    get(path)
                samples[label].append((time.perf_counter() - start) * 1000)
        totals = Assignment.objects.filter(agency_id__in=ids, state="open").count()
        print(f"caller {caller.pk} '{caller.name}' answering for {[o.pk for o in olds]}: {totals} open assignment rows")
        print(f"same rows both ways: {'yes' if same else 'NO'}; queries per request: {len(statements)}")
        print(f"  {'milliseconds':<12} {'p50':>8} {'p95':>8}")
        p95 = {}
        for label, values in samples.items():
            values = sorted(values[5:])
            p95[label] = values[int(0.95 * (len(values) - 1))]
            print(f"  {label:<12} {statistics.median(values):8.2f} {p95[label]:8.2f}")
        print(
            f"ratio p95(IN)/p95(union): page 1 {p95['IN p1'] / p95['union p1']:.1f}x, "
            f"page 2 {p95['IN p2'] / p95['union p2']:.1f}x"
        )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
