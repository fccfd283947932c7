"""One page of dashboard.py's, timed alone (by default the one-session dashboard), for pairs of runs.

    .venv/bin/python bench/dashboard_page.py [--page "dashboard, one session"] [--runs 40] [--profile 0]
                                             [--database-url postgres://postgres@127.0.0.1:5432/bench_dashboard]

Run after ``bench/dashboard.py`` filled the database (it loads nothing). Prints the page's queries
(with the time of each, one rendering), p50 / p95 / min of ``--runs`` renderings after 3 warm-up
ones, the page's size and the load average; ``--profile N`` adds a cProfile of N renderings. A run
takes seconds where dashboard.py takes minutes at 1,000,000 directives, so a before / after pair can
be run back to back several times on a shared machine (bench/README.md, "perf14").
"""

import argparse
import os
import statistics
import sys

from _common import setup_django  # run as a script: bench/ is on sys.path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", default="dashboard, one session", help="a label of dashboard.py's pages()")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_dashboard")
    args = parser.parse_args()
    setup_django(args.database_url)

    import dashboard
    from django.test.utils import override_settings

    # As dashboard.py renders: plain static storage (collectstatic's manifest was never built here).
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        client = dashboard.clerk_client()
        pages = dict(dashboard.pages())
        if args.page not in pages:
            sys.exit(f"No page {args.page!r}; choose one of: {', '.join(pages)}")
        path = pages[args.page]
        queries = dashboard.count_queries(client, path)
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        print(f"{args.page}: {path}: {len(queries)} queries, SQL {sql_ms:.0f} ms (one rendering)")
        for query in queries:
            print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:110]}")
        seconds = dashboard.time_runs(lambda: dashboard.get(client, path), runs=args.runs, warmup=3)
        ms = [1000 * s for s in seconds]
        print(
            f"p50 {statistics.median(ms):.1f} p95 {1000 * dashboard.quantile(seconds, 95):.1f} min {min(ms):.1f} ms"
            f" over {args.runs} renderings; {len(dashboard.get(client, path).content)} bytes; {dashboard.load_note()}"
        )
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.profile):
                dashboard.get(client, path)
            profiler.disable()
            for key in ("tottime", "cumulative"):
                pstats.Stats(profiler).strip_dirs().sort_stats(key).print_stats(40)
    print(f"load average: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
