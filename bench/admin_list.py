"""Benchmark of the admin's directive list (/admin/directives/directive/) on PostgreSQL.

    .venv/bin/python bench/admin_list.py [--directives 100000] [--agencies 500] [--runs 20]
                                         [--database-url postgres://postgres@127.0.0.1:5432/bench_dashboard]
                                         [--refill]

1. Fills the dashboard benchmark's database the same way (bench/dashboard.py's loader, by COPY),
   so one load serves both; skipped when it already holds that much data.
2. Renders in process (Django's test client, a superuser logged in, production settings): page 1,
   a search for a common phrase, one for a rare term (a single directive's number) and one that
   matches nothing, two sidebar filters, a deep page, and the answer of the session picker
   (the admin's autocomplete endpoint). Counts each page's SQL queries and bytes, then times
   ``--runs`` renderings after ``--warmup`` untimed ones and prints p50/p95, the ratio of p95 to
   the 300 ms budget, and the share of the time spent in SQL.
"""

import time
import urllib.parse

from _common import ensure_database, setup_django  # run as a script, so bench/ is on sys.path
from dashboard import ensure_data, load_note, parse_args, quantile, require_migrations_in_step, time_runs

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_dashboard"
BUDGET_SECONDS = 0.300
BUDGET_BYTES = 300_000
LIST = "/admin/directives/directive/"


def superuser_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin-list", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def get(client, path):
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}: {response.content[:300]!r}")
    return response


def pages(n_directives):
    """(label, path) of the pages to time; the rare term is one directive's number ("nội dung số N")."""
    from django.db.models import Count

    from conference.models import Agency

    busiest = Agency.objects.annotate(n=Count("led_directives")).order_by("-n").values_list("pk", flat=True).first()
    rare = str(n_directives * 987 // 1000)
    picker = urllib.parse.urlencode(
        {"app_label": "directives", "model_name": "directive", "field_name": "session", "term": "chuyen doi so"}
    )
    return [
        ("page 1", LIST),
        ("search, common phrase", LIST + "?" + urllib.parse.urlencode({"q": "chuyen doi so"})),
        ("search, rare term", LIST + "?" + urllib.parse.urlencode({"q": f"noi dung so {rare}"})),
        ("search, no match", LIST + "?" + urllib.parse.urlencode({"q": "khongcotrongvanban"})),
        ("filter, overdue", LIST + "?due=overdue"),
        ("filter, busiest lead agency", LIST + f"?lead={busiest}"),
        ("page 15", LIST + "?p=15"),
        ("session picker (autocomplete)", "/admin/autocomplete/?" + picker),
    ]


def measure(client, path, args):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    get(client, path)
    with CaptureQueriesContext(connection) as ctx:
        response = get(client, path)
    queries = ctx.captured_queries
    slowest = max(queries, key=lambda q: float(q["time"]), default=None)
    seconds = time_runs(lambda: get(client, path), runs=args.runs, warmup=args.warmup)
    return {
        "seconds": seconds,
        "queries": len(queries),
        "sql_ms": sum(float(q["time"]) for q in queries) * 1000,
        "bytes": len(response.content),
        "count": result_count_text(response),
        "slowest": slowest,
    }


def result_count_text(response):
    """What the page says of how many rows it found (its paginator line), or "" for the autocomplete."""
    context = getattr(response, "context_data", None)  # the list's TemplateResponse (no test signals here)
    cl = context.get("cl") if context else None
    if cl is None:
        return ""
    return str(getattr(cl, "result_count_text", cl.result_count))


def main():
    args = parse_args(__doc__, merged_help="as bench/dashboard.py (the same data)")
    database_url = args.database_url
    created = ensure_database(database_url)
    print(f"database: {urllib.parse.urlsplit(database_url).path.lstrip('/')} ({'created' if created else 'exists'})")
    setup_django(database_url)

    from django.core.management import call_command
    from django.test.utils import override_settings

    require_migrations_in_step()
    call_command("migrate", interactive=False, verbosity=0)
    print("data:", ensure_data(args, database_url), flush=True)
    from directives.models import Directive

    print(f"directives: {Directive.objects.count()}; {load_note()}", flush=True)
    # As bench/dashboard.py: no collectstatic manifest in this process, plain static storage instead.
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    started = time.perf_counter()
    results = []
    with override_settings(STORAGES=storages):
        client = superuser_client()
        for label, path in pages(args.directives):
            results.append((label, path, measure(client, path, args)))
            print(f"  measured {label}", flush=True)
    print()
    print(f"in-process renderings, {args.runs} timed runs after {args.warmup} warm-up runs each (milliseconds):")
    header = f"  {'page':<32}{'p50':>7}{'p95':>7}{'max':>7}{'/300ms':>8}{'SQL':>6}{'SQL%':>6}{'queries':>8}{'KB':>6}"
    print(header + "  rows found")
    for label, _path, r in results:
        seconds = r["seconds"]
        p50, p95, top = (1000 * v for v in (quantile(seconds, 50), quantile(seconds, 95), max(seconds)))
        share = 100 * r["sql_ms"] / max(p50, 0.001)
        print(
            f"  {label:<32}{p50:>7.0f}{p95:>7.0f}{top:>7.0f}{p95 / 1000 / BUDGET_SECONDS:>7.2f}x"
            f"{r['sql_ms']:>6.0f}{share:>5.0f}%{r['queries']:>8}{r['bytes'] / 1000:>6.0f}  {r['count']}"
        )
    print("  (/300ms: p95 over the 300 ms budget; SQL: the page's queries in one rendering, as Django timed them)")
    print()
    for label, path, r in results:
        slowest = r["slowest"]
        print(f"  {label:<32} {path}")
        if slowest:
            print(f"  {'':<32} slowest query {float(slowest['time']) * 1000:.0f} ms: {slowest['sql'][:220]}")
    slow = [label for label, _p, r in results if quantile(r["seconds"], 95) > BUDGET_SECONDS]
    heavy = [label for label, _p, r in results if r["bytes"] > BUDGET_BYTES]
    print()
    print(f"p95 under {BUDGET_SECONDS * 1000:.0f} ms: {'yes, every page' if not slow else 'NO: ' + ', '.join(slow)}")
    print(f"pages under {BUDGET_BYTES // 1000} KB: {'yes, every page' if not heavy else 'NO: ' + ', '.join(heavy)}")
    print(f"measured in {time.perf_counter() - started:.0f}s; machine after: {load_note()}")


if __name__ == "__main__":
    main()
