"""Where one API list request spends its time, step by step, in process (no HTTP server).

    .venv/bin/python bench/api_breakdown.py --agency 494 [--runs 40] [--profile 30]
                                            [--database-url postgres://postgres@127.0.0.1:5432/bench_api]

Run after ``bench/api.py`` filled the database. For the agency's overdue list (page 1, 100 rows)
it times, each as p50 and min over ``--runs``: building the queryset, building and compiling it
to SQL, running that SQL on a plain cursor, the ORM's whole fetch (values()), rendering the rows
to JSON, the whole request through Django's test client, and ``/api/v1/me`` (the request's fixed
cost: middleware, key, caller). The sum shows the floor under the API's ratio to raw SQL.
``--profile N`` then profiles N whole requests (cProfile), by own and by cumulative time.
"""

import argparse
import statistics
import time

from _common import setup_django  # run as a script: bench/ is on sys.path


def timed(fn, runs):
    for _ in range(5):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples)


def profile(fn, runs, lines):
    """Where the whole request's Python goes: functions by own time, then by cumulative time."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        fn()
    profiler.disable()
    print(f"\nprofile of {runs} whole requests")
    for key in ("tottime", "cumulative"):
        pstats.Stats(profiler).strip_dirs().sort_stats(key).print_stats(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agency", type=int, required=True)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_api")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="also profile N whole requests (cProfile, by own time)"
    )
    parser.add_argument("--profile-lines", type=int, default=40)
    args = parser.parse_args()
    setup_django(args.database_url)

    from django.db import connection
    from django.test import Client
    from django.utils import timezone
    from rest_framework.renderers import JSONRenderer

    from conference.models import Agency
    from directives.api import listing
    from directives.filters import filter_overdue
    from directives.models import ApiKey
    from directives.selectors import caller_agency_ids, directives_visible_to

    agency = Agency.objects.get(pk=args.agency)
    key, raw_key = ApiKey.issue(agency=agency, name="bench api_breakdown")
    try:
        client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Api-Key {raw_key}")
        ids = caller_agency_ids(agency)

        def build():
            scope = directives_visible_to(ids).with_status(timezone.localdate())
            # "overdue=true" alone: the list applies it without django-filter's form (ApiDirectiveFilterBackend).
            scope = filter_overdue(scope, True)
            return listing.list_values(scope, with_role=True).order_by("due_sort", "pk")[:101]

        sql, params = build().query.sql_with_params()

        def execute():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        rows = list(build())

        def request(path):
            def get():
                response = client.get(path)
                if response.status_code != 200:
                    raise RuntimeError(f"{path} answered {response.status_code}")

            return get

        steps = {
            "build the queryset": build,
            "build and compile to SQL": lambda: build().query.sql_with_params(),
            "run its SQL on a cursor (fetchall)": execute,
            "the ORM's whole fetch (values)": lambda: list(build()),
            "render the rows to JSON": lambda: JSONRenderer().render({"results": listing.render_rows(rows)}),
            "whole request (test client)": request("/api/v1/directives/?overdue=true&page_size=100"),
            "/api/v1/me (the fixed cost)": request("/api/v1/me"),
        }
        print(f"agency {agency.pk} '{agency.name}': {len(rows)} rows; milliseconds over {args.runs} runs")
        print(f"  {'step':<40} {'p50':>8} {'min':>8}")
        for label, fn in steps.items():
            p50, low = timed(fn, args.runs)
            print(f"  {label:<40} {p50:8.2f} {low:8.2f}")
        if args.profile:
            profile(steps["whole request (test client)"], args.profile, args.profile_lines)
    finally:
        key.delete()


if __name__ == "__main__":
    main()
