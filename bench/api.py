"""Benchmark of the directive list endpoint against the raw SQL that answers the same question.

    .venv/bin/python bench/api.py [--directives 100000] [--agencies 500] [--requests 200]
                                  [--database-url postgres://postgres@127.0.0.1:5432/bench_api] [--refill]

1. Fills a dedicated PostgreSQL database (created if missing, migrated) with agencies, sessions,
   notices, directives, coordinating agencies and progress reports, by COPY (no save(), no
   signals, no history rows); skipped when that database already holds the same amount of data.
2. Issues an API key for an agency with about --target-size directives (as lead or coordinating)
   and many of them overdue, counts the SQL queries one request runs (in-process, Django's test
   client) and keeps the ORM's list query.
3. Serves the project with gunicorn (production settings, DEBUG off) on 127.0.0.1 and times, in
   interleaved rounds (so background load hits every figure alike):
   ``GET /api/v1/directives/?overdue=true&page_size=100`` (first page and, through ``next``, the
   second) over one keep-alive HTTP connection, and the first page in process; through psycopg,
   a hand-written SQL query returning the same pages with everything the endpoint shows, the
   ORM's own SQL, and its list query with JIT off.
4. Prints p50/p95/mean, the ratio p95(API)/p95(SQL), the queries per request and the
   EXPLAIN ANALYZE of the ORM's list query and of the raw SQL.
"""

import argparse
import datetime
import http.client
import io
import json
import os
import random
import time
import urllib.parse
from collections import Counter
from functools import lru_cache
from types import SimpleNamespace as Row

import psycopg
from _common import (  # run as a script, so bench/ is on sys.path
    DEFAULT_DATABASE_URL,
    Server,
    Timings,
    copy_rows,
    ensure_database,
    server_environment,
    setup_django,
    stop_on_sigterm,
    time_interleaved,
)

LIST_PATH = "/api/v1/directives/?overdue=true&page_size=100"
PAGE_SIZE = 100
AGENCY_CODE_PREFIX = "bench-"
KEY_NAME = "bench/api.py"

VERBS = [
    "Khẩn trương hoàn thiện",
    "Chủ trì, phối hợp với các đơn vị liên quan xây dựng",
    "Rà soát, đề xuất sửa đổi, bổ sung",
    "Tổ chức triển khai có hiệu quả",
    "Đẩy nhanh tiến độ thực hiện",
    "Tham mưu Ủy ban nhân dân tỉnh ban hành",
    "Kiểm tra, đôn đốc việc thực hiện",
    "Nghiên cứu, báo cáo đề xuất phương án xử lý",
]
SUBJECTS = [
    "kế hoạch chuyển đổi số",
    "hồ sơ giải phóng mặt bằng dự án đường vành đai",
    "đề án phát triển nguồn nhân lực chất lượng cao",
    "việc cung cấp dịch vụ công trực tuyến toàn trình",
    "quy hoạch sử dụng đất giai đoạn 2021-2030",
    "chương trình mục tiêu quốc gia giảm nghèo bền vững",
    "giải ngân vốn đầu tư công",
    "việc làm sạch cơ sở dữ liệu quốc gia về dân cư",
    "phương án phòng, chống thiên tai và tìm kiếm cứu nạn",
    "cải cách thủ tục hành chính, cắt giảm điều kiện kinh doanh",
    "các dự án nhà ở xã hội",
    "công tác thu ngân sách nhà nước",
]
TAILS = [
    "bảo đảm chất lượng, hiệu quả, đúng quy định của pháp luật",
    "báo cáo kết quả về Văn phòng Ủy ban nhân dân tỉnh để tổng hợp",
    "không để chậm trễ, ảnh hưởng đến tiến độ chung",
    "trường hợp vượt thẩm quyền, kịp thời báo cáo, đề xuất",
    "gắn trách nhiệm của người đứng đầu với kết quả thực hiện",
]
NOTES = [
    "Đã tổ chức họp triển khai với các đơn vị liên quan.",
    "Đang lấy ý kiến góp ý của các sở, ngành, địa phương.",
    "Đã hoàn thành dự thảo, đang trình thẩm định.",
    "Vướng mắc về mặt bằng, đã báo cáo xin ý kiến chỉ đạo.",
    "Đã ban hành văn bản triển khai, đang theo dõi kết quả.",
]


# -- data ----------------------------------------------------------------------------------------


def bench_counts():
    from conference.models import Agency
    from directives.models import Directive

    return Agency.objects.filter(code__startswith=AGENCY_CODE_PREFIX).count(), Directive.objects.count()


def ensure_data(args, database_url):
    """Load the data unless it is there already; returns a one-line description of what happened."""
    from conference.models import Agency

    agencies, directives = bench_counts()
    if (agencies, directives) == (args.agencies, args.directives) and not args.refill:
        return f"already loaded ({agencies} agencies, {directives} directives): skipped (--refill reloads)"
    others = Agency.objects.exclude(code__startswith=AGENCY_CODE_PREFIX).count()
    if others:
        raise SystemExit(
            f"The database holds {others} agencies that this benchmark did not create: "
            "name a dedicated database with --database-url."
        )
    started = time.perf_counter()
    counts = load(args)
    loaded = time.perf_counter() - started
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    total = time.perf_counter() - started
    detail = ", ".join(f"{n} {name}" for name, n in counts.items())
    return f"loaded {detail} in {loaded:.1f}s (+ VACUUM ANALYZE: {total:.1f}s in all)"


def truncate_all(cursor):
    from conference.models import Agency, ConclusionNotice, Session

    tables = ", ".join(m._meta.db_table for m in (Agency, Session, ConclusionNotice))
    # CASCADE empties every table that refers to these: directives, links, reports, keys, history.
    cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def load(args):
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from conference.models import Agency, ConclusionNotice, Session
    from directives.models import ApiKey, Directive, DirectiveChange, ProgressReport

    rng = random.Random(args.seed)
    data = generate(rng, args.agencies, args.directives)
    counts = {}
    with transaction.atomic(), connection.cursor() as cursor:
        truncate_all(cursor)
        # Row triggers off while COPY runs (the generated rows keep the rules they check): the
        # assignment table, when there is one, is filled after in one INSERT ... SELECT.
        cursor.execute("SET LOCAL session_replication_role = replica")
        for label, model, rows in data:
            counts[label] = copy_rows(cursor, model, rows)
        cursor.execute("SET LOCAL session_replication_role = origin")
        backfill = assignment_backfill()
        if backfill:
            cursor.execute(backfill)
            counts["assignment rows"] = cursor.rowcount
        for statement in status_tally_rebuild():  # the dashboard's counts, which the triggers skipped too
            cursor.execute(statement)
        models = [Agency, Session, ConclusionNotice, Directive, Directive.coordinating_agencies.through]
        for sql in connection.ops.sequence_reset_sql(no_style(), [*models, ProgressReport, ApiKey, DirectiveChange]):
            cursor.execute(sql)
    return counts


def assignment_backfill():
    """The SQL that fills the assignment table from the directives, or None when there is no such table."""
    import importlib

    try:
        migration = importlib.import_module("directives.migrations.0009_directive_assignments")
    except ImportError:
        return None
    return migration.backfill_sql("postgresql")


def status_tally_rebuild():
    """The SQL that counts the status tally afresh from the directives, its pending deltas deleted
    ([] when there is no such table)."""
    import importlib

    for name in ("0019_tally_deltas", "0014_status_tally"):
        try:
            return importlib.import_module(f"directives.migrations.{name}").REBUILD["postgresql"]
        except ImportError:
            continue
    return []


def has_assignments(conn):
    return conn.execute("SELECT to_regclass('directives_assignment') IS NOT NULL").fetchone()[0]


def generate(rng, n_agencies, n_directives):
    """Yield (label, model, rows) in load order; rows carry their ids (the tables start empty)."""
    from django.utils import timezone

    from conference.models import Agency, ConclusionNotice, Level, Session
    from conference.text import fold, fold_all
    from directives.models import Directive, ProgressReport

    folded = lru_cache(maxsize=None)(fold)
    today = timezone.localdate()
    tz = timezone.get_current_timezone()

    def moment(day, hour=8):
        return datetime.datetime.combine(day, datetime.time(hour, rng.randrange(60)), tzinfo=tz)

    # Agencies: a government, ministries, provinces, then their departments and districts.
    agencies = []
    provinces = []
    for i in range(1, n_agencies + 1):
        if i == 1:
            kind, level, label, parent = Agency.Kind.GOVERNMENT, Level.CENTRAL, "Chính phủ", None
        elif i <= 1 + max(1, n_agencies * 6 // 100):
            kind, level, label, parent = Agency.Kind.MINISTRY, Level.CENTRAL, "Bộ", None
        elif i <= 1 + max(1, n_agencies * 6 // 100) + max(1, n_agencies * 13 // 100):
            kind, level, label, parent = Agency.Kind.PEOPLES_COMMITTEE, Level.PROVINCE, "UBND tỉnh", None
            provinces.append(i)
        elif rng.random() < 0.6:
            kind, level, label, parent = Agency.Kind.DEPARTMENT, Level.PROVINCE, "Sở", rng.choice(provinces)
        else:
            kind, level, label, parent = Agency.Kind.DISTRICT, Level.DISTRICT, "UBND huyện", rng.choice(provinces)
        name, short_name, code = f"{label} thử nghiệm {i:04d}", f"TN{i:04d}", f"{AGENCY_CODE_PREFIX}{i:04d}"
        agencies.append(
            Row(
                id=i,
                code=code,
                name=name,
                short_name=short_name,
                kind=kind,
                level=level,
                parent_id=parent,
                search_index=fold_all(name, short_name, code),
                created_at=moment(today - datetime.timedelta(days=1500)),
                updated_at=moment(today - datetime.timedelta(days=1500)),
            )
        )
    agency_ids = [a.id for a in agencies]
    # Skewed workloads (a few agencies get most directives) and how diligent each agency is.
    weights = [rng.lognormvariate(0, 1.1) for _ in agency_ids]
    cum_weights = [sum(weights[: i + 1]) for i in range(len(weights))]
    done_rate = {a: rng.uniform(0.1, 0.8) for a in agency_ids}
    yield "agencies", Agency, agencies

    n_sessions = max(20, n_directives // 30)
    sessions = []
    for i in range(1, n_sessions + 1):
        held_on = today - datetime.timedelta(days=rng.randint(3, 1000))
        title = f"Hội nghị về {rng.choice(SUBJECTS)} (phiên {i})"
        summary = " ".join(f"{rng.choice(VERBS)} {rng.choice(SUBJECTS)}." for _ in range(rng.randint(3, 8)))
        sessions.append(
            Row(
                id=i,
                code=f"bench-{held_on.isoformat()}-{i}",
                title=title,
                kind=rng.choice(Session.Kind.values),
                convened_by_id=rng.choice(agency_ids[: 1 + len(provinces) * 2]),
                held_on=held_on,
                summary=summary,
                search_index=fold_all(title, summary),
                created_at=moment(held_on),
                updated_at=moment(held_on),
            )
        )
    yield "sessions", Session, sessions

    n_notices = max(20, n_directives // 25)
    notices = []
    for i in range(1, n_notices + 1):
        session = rng.choice(sessions) if rng.random() < 0.85 else None
        if session:
            kind = ConclusionNotice.Kind.CONCLUSION_NOTICE
            issued_on = min(today, session.held_on + datetime.timedelta(days=rng.randint(1, 10)))
            issuer = session.convened_by_id
        else:
            kind = rng.choice([ConclusionNotice.Kind.OFFICIAL_LETTER, ConclusionNotice.Kind.TELEGRAM])
            issued_on = today - datetime.timedelta(days=rng.randint(3, 1000))
            issuer = rng.choice(agency_ids[:20])
        number = f"{i}/TB-TN"
        subject = f"Kết luận về {rng.choice(SUBJECTS)}"
        # The whole document, as clerks paste it: a few kilobytes, like the real ones.
        text = "\n".join(
            f"{n}. {rng.choice(VERBS)} {rng.choice(SUBJECTS)}; {rng.choice(TAILS)}."
            for n in range(1, rng.randint(10, 30))
        )
        notices.append(
            Row(
                id=i,
                kind=kind,
                number=number,
                issued_on=issued_on,
                issuer_id=issuer,
                session_id=session.id if session else None,
                subject=subject,
                text=text,
                search_index=fold_all(number, subject),
                created_at=moment(issued_on),
                updated_at=moment(issued_on),
            )
        )
    yield "notices", ConclusionNotice, notices

    directives, links, reports = [], [], []
    items = Counter()
    session_by_id = {s.id: s for s in sessions}
    for i in range(1, n_directives + 1):
        if rng.random() < 0.75:
            notice = rng.choice(notices)
            session = session_by_id.get(notice.session_id)
            source_key = ("notice", notice.id)
        else:
            notice, session = None, rng.choice(sessions)
            source_key = ("session", session.id)
        items[source_key] += 1
        item_number = "" if rng.random() < 0.08 else str(items[source_key])
        given_on = session.held_on if session else notice.issued_on
        lead = None if rng.random() < 0.03 else rng.choices(agency_ids, cum_weights=cum_weights)[0]
        coordinating = set()
        for _ in range(rng.choices([0, 1, 2, 3], weights=[30, 30, 25, 15])[0]):
            coordinating.add(rng.choices(agency_ids, cum_weights=cum_weights)[0])
        coordinating.discard(lead)

        due_date = None if rng.random() < 0.06 else given_on + datetime.timedelta(days=rng.randint(7, 365))
        draw = rng.random()
        if due_date is not None and due_date < today:
            done = done_rate[lead] if lead else 0.5
            thresholds = [(done, "completed"), (done + 0.05, "awaiting_confirmation"), (done + 0.08, "cancelled")]
        else:
            thresholds = [(0.15, "completed"), (0.18, "awaiting_confirmation"), (0.20, "cancelled")]
        state = next((s for limit, s in thresholds if draw < limit), "open")
        completed_on = None
        if state == "completed":
            planned = due_date or given_on + datetime.timedelta(days=rng.randint(5, 200))
            completed_on = min(today, max(given_on, planned + datetime.timedelta(days=rng.randint(-60, 45))))
        category = rng.choices(["", "focus", "roadmap", "recurring"], weights=[77, 10, 8, 5])[0]

        verb, subject, tail = rng.choice(VERBS), rng.choice(SUBJECTS), rng.choice(TAILS)
        text = f"{verb} {subject}; {tail} (nội dung số {i})."
        # fold() works character by character: folding the (few, cached) parts is fold(text), faster.
        folded_text = f"{folded(verb)} {folded(subject)}; {folded(tail)} (noi dung so {i})."
        lead_group = "" if lead else rng.choice(["7 địa phương", "Các sở, ban, ngành"])
        coordinating_groups = "các huyện, thị xã, thành phố" if rng.random() < 0.1 else ""
        deadline_phrase = f"trước ngày {due_date:%d/%m/%Y}" if due_date else ""
        created_at = moment(given_on, 9)
        last_change = completed_on or min(today, given_on + datetime.timedelta(days=rng.randint(0, 60)))
        directives.append(
            Row(
                id=i,
                notice_id=notice.id if notice else None,
                session_id=session.id if session else None,
                item_number=item_number,
                text=text,
                lead_agency_id=lead,
                lead_group=lead_group,
                coordinating_groups=coordinating_groups,
                given_on=given_on,
                deadline_phrase=deadline_phrase,
                due_date=due_date,
                category=category,
                state=state,
                completed_on=completed_on,
                completion_document=f"{i}/BC-TN" if completed_on else "",
                created_at=created_at,
                updated_at=max(created_at, moment(last_change, 16)),
                version=1,
                search_index=" | ".join(
                    [
                        folded_text,
                        *(folded(part) for part in (lead_group, coordinating_groups, deadline_phrase) if part),
                    ]
                ),
            )
        )
        links.extend((i, agency) for agency in sorted(coordinating))

        if state == "cancelled" or (state == "open" and rng.random() < 0.6):
            continue
        last_day = min(today, completed_on or today)
        span = max(0, (last_day - given_on).days)
        days = sorted(rng.randint(0, span) for _ in range(rng.randint(1, 3)))
        for n, offset in enumerate(days, start=1):
            day = given_on + datetime.timedelta(days=offset)
            claims = state in ("completed", "awaiting_confirmation") and n == len(days)
            reports.append(
                {
                    "directive_id": i,
                    "agency_id": lead,
                    "note": rng.choice(NOTES),
                    "percent_complete": 100 if claims else rng.choice([None, 10, 30, 50, 70, 90]),
                    "claims_completion": claims,
                    "document_number": f"{i}-{n}/BC-TN" if claims else "",
                    "document_date": day if claims else None,
                    "created_at": moment(day, 10 + n),
                }
            )

    yield "directives", Directive, directives
    through = Directive.coordinating_agencies.through
    yield (
        "coordinating links",
        through,
        (Row(id=n, directive_id=d, agency_id=a) for n, (d, a) in enumerate(links, start=1)),
    )
    yield "progress reports", ProgressReport, (Row(id=n, **r) for n, r in enumerate(reports, start=1))


# -- the caller ----------------------------------------------------------------------------------


def agency_workloads(conn, today):
    """(agency id, directives as lead or coordinating, as lead, overdue) for every agency with any."""
    from directives.models import Directive

    directive = Directive._meta.db_table
    through = Directive.coordinating_agencies.through._meta.db_table
    return conn.execute(
        f"""
        WITH roles AS (
            SELECT id AS directive_id, lead_agency_id AS agency_id, true AS leads
            FROM {directive} WHERE lead_agency_id IS NOT NULL
            UNION ALL
            SELECT directive_id, agency_id, false FROM {through}
        )
        SELECT r.agency_id, count(*) AS total, count(*) FILTER (WHERE r.leads) AS leads,
               count(*) FILTER (WHERE d.state = 'open' AND d.category <> 'recurring' AND d.due_date < %s) AS overdue
        FROM roles r JOIN {directive} d ON d.id = r.directive_id
        GROUP BY r.agency_id
        """,
        [today],
    ).fetchall()


def _described(rows, row):
    from conference.models import Agency

    agency_id, total, leads, overdue = row
    totals = sorted(r[1] for r in rows)
    spread = f"min {totals[0]}, median {totals[len(totals) // 2]}, max {totals[-1]}"
    return Agency.objects.get(pk=agency_id), {"total": total, "leads": leads, "overdue": overdue, "spread": spread}


def pick_agency(rows, target):
    """Among agencies with about ``target`` directives (lead or coordinating), the one with most overdue.

    Only agencies with a second page of overdue directives qualify, when there are any.
    """
    # A second page needs more than PAGE_SIZE overdue directives.
    paged = [row for row in rows if row[3] > PAGE_SIZE] or rows
    near = [row for row in paged if 0.75 * target <= row[1] <= 1.25 * target]
    if near:
        return _described(rows, max(near, key=lambda row: row[3]))
    return _described(rows, min(paged, key=lambda row: (abs(row[1] - target), -row[3])))


def pick_largest(rows):
    """The agency with the most directives (lead or coordinating): the one whose pages grew with it."""
    return _described(rows, max(rows, key=lambda row: (row[1], row[3])))


# -- the API, in process: queries per request ----------------------------------------------------


def test_client(raw_key):
    from django.test import Client

    return Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Api-Key {raw_key}")


def client_get(client, path):
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"In-process GET {path} answered {response.status_code}: {response.content[:500]!r}")
    return response


def capture_queries(client, path):
    """Run one request through Django's test client; returns (response JSON, captured queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client_get(client, path)  # the key's first use in a minute writes last_used_at: not part of the count
    with CaptureQueriesContext(connection) as ctx:
        response = client_get(client, path)
    return response.json(), ctx.captured_queries


def profile_requests(client, path, runs, lines):
    """cProfile over ``runs`` in-process requests: where the Python time goes."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        client_get(client, path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(lines)
    out.write("\nthe same, by own time (where the CPU goes):\n")
    stats.sort_stats("tottime").print_stats(lines)
    return out.getvalue()


def main_list_query(queries):
    for query in queries:
        sql = query["sql"]
        if sql.lstrip().upper().startswith("SELECT") and 'FROM "directives_directive"' in sql and "LIMIT" in sql:
            return sql
    raise RuntimeError("No list query found among the captured queries.")


def top_level_from(sql):
    """The position of the outermost FROM of ``sql`` (not one inside a subquery), or -1."""
    depth = 0
    upper = sql.upper()
    for i, ch in enumerate(sql):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and upper.startswith(" FROM ", i):
            return i + 1
    return -1


def describe_query(sql):
    sql = " ".join(sql.split())
    start = top_level_from(sql)
    table = sql[start:].split()[1] if start >= 0 else "?"
    return f"{sql.split()[0]} … FROM {table} … ({len(sql)} chars)"


# -- the API over HTTP ---------------------------------------------------------------------------


class CountingConnection(http.client.HTTPConnection):
    """An HTTP connection that counts how often it (re)connects, to show keep-alive held."""

    connects = 0

    def connect(self):
        self.connects += 1
        super().connect()


def http_get(conn, path, headers, server):
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
    except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
        # The server closed a connection left idle past its keep-alive (while another key's pages
        # were walked): connect again, once; the count of connections shows it.
        conn.close()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}: {body[:500]!r}\n{server.log_tail()}")
    return body


def open_http(server, raw_key):
    """A keep-alive connection for one key; returns (get, conn)."""
    conn = CountingConnection("127.0.0.1", server.port, timeout=120)
    headers = {"Authorization": f"Api-Key {raw_key}", "Accept": "application/json"}

    def get(path):
        return http_get(conn, path, headers, server)

    return get, conn


def path_of(url):
    parts = urllib.parse.urlsplit(url)
    return f"{parts.path}?{parts.query}"


def walk_pages(get, pages):
    """Follow ``next`` from the list's first page up to page ``pages`` (or the last one).

    Returns [(path, JSON)] of each page read, the first page first; the last one is a full page.
    """
    path, read = LIST_PATH, []
    while path and len(read) < pages:
        page = json.loads(get(path))
        read.append((path, page))
        path = path_of(page["next"]) if page["next"] else None
    if len(read) > 2 and len(read[-1][1]["results"]) < PAGE_SIZE:
        read.pop()  # a short last page is no deep page: the one before it is full
    return read


# -- raw SQL -------------------------------------------------------------------------------------


def raw_page_sql(assignments):
    """One agency's overdue directives with everything the endpoint shows, as one hand-written query.

    With an assignment table (``assignments``), the page walks its index of the agency's open rows
    in (due date, id) order, as a person writing SQL for that schema would; without one (the code
    before it), the union of the lead and coordinating ids.
    """
    from conference.models import Agency, ConclusionNotice, Session
    from directives.models import Directive, Milestone, ProgressReport

    t = {
        "directive": Directive._meta.db_table,
        "through": Directive.coordinating_agencies.through._meta.db_table,
        "agency": Agency._meta.db_table,
        "notice": ConclusionNotice._meta.db_table,
        "session": Session._meta.db_table,
        "report": ProgressReport._meta.db_table,
        "milestone": Milestone._meta.db_table,
    }
    union_page = """
        WITH mine AS (
            SELECT id AS directive_id FROM {directive} WHERE lead_agency_id = ANY(%(ids)s)
            UNION
            SELECT directive_id FROM {through} WHERE agency_id = ANY(%(ids)s)
        ),
        page AS (
            SELECT d.*
            FROM {directive} d JOIN mine ON mine.directive_id = d.id
            WHERE d.state = 'open' AND d.category <> 'recurring' AND d.due_date < %(today)s
              AND (d.due_date, d.id) > (%(after_due)s, %(after_id)s)
            ORDER BY d.due_date, d.id
            LIMIT %(limit)s
        )"""
    assignment_page = """
        WITH page AS (
            SELECT d.*
            FROM directives_assignment a JOIN {directive} d ON d.id = a.directive_id
            WHERE a.agency_id = %(agency)s AND a.state = 'open'
              AND a.category <> 'recurring' AND a.due_sort < %(today)s
              AND (a.due_sort, a.directive_id) > (%(after_due)s, %(after_id)s)
            ORDER BY a.due_sort, a.directive_id
            LIMIT %(limit)s
        )"""
    rest = """
        SELECT p.id, p.item_number, p.text, p.lead_group, p.coordinating_groups, p.given_on,
               p.deadline_phrase, p.due_date, p.due_rule, p.category, p.completed_on,
               p.completion_document, p.updated_at,
               CASE WHEN p.lead_agency_id = ANY(%(ids)s) THEN 'lead' ELSE 'coordinating' END AS your_role,
               la.id, la.code, la.name, la.short_name,
               n.id, n.kind, n.number, n.issued_on, ni.id, ni.code, ni.name, ni.short_name,
               s.id, s.code, s.title, s.held_on,
               co.agencies, ms.milestones,
               r.created_at, r.percent_complete, r.note, r.claims_completion
        FROM page p
        LEFT JOIN {agency} la ON la.id = p.lead_agency_id
        LEFT JOIN {notice} n ON n.id = p.notice_id
        LEFT JOIN {agency} ni ON ni.id = n.issuer_id
        LEFT JOIN {session} s ON s.id = p.session_id
        LEFT JOIN LATERAL (
            SELECT json_agg(json_build_object('id', a.id, 'code', a.code, 'name', a.name,
                                              'short_name', a.short_name) ORDER BY a.name) AS agencies
            FROM {through} c JOIN {agency} a ON a.id = c.agency_id
            WHERE c.directive_id = p.id
        ) co ON true
        LEFT JOIN LATERAL (
            SELECT json_agg(json_build_object('position', m.position, 'text', m.text,
                                              'deadline_phrase', m.deadline_phrase, 'due_date', m.due_date,
                                              'done_on', m.done_on) ORDER BY m.position) AS milestones
            FROM {milestone} m WHERE m.directive_id = p.id
        ) ms ON true
        LEFT JOIN LATERAL (
            SELECT created_at, percent_complete, note, claims_completion
            FROM {report} WHERE directive_id = p.id
            ORDER BY created_at DESC, id DESC
            LIMIT 1
        ) r ON true
        ORDER BY p.due_date, p.id
    """
    return ((assignment_page if assignments else union_page) + rest).format(**t)


def raw_params(ids, today, after=None):
    """The raw SQL's parameters for the page after the API row ``after`` (None: the first page)."""
    after_due = datetime.date.fromisoformat(after["due_date"]) if after else datetime.date.min
    # "= ANY(array)" would make PostgreSQL (before 17) sort the agency's rows rather than walk its
    # index in order; the generated agencies have no predecessors, so the hand-written page names one.
    if len(ids) != 1:
        raise RuntimeError(f"The benchmark's callers answer for one agency each, not {ids}.")
    return {
        "agency": ids[0],
        "ids": ids,
        "today": today,
        "after_due": after_due,
        "after_id": after["id"] if after else 0,
        "limit": PAGE_SIZE,
    }


def explain(conn, sql, params=None):
    rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params).fetchall()
    return [row[0] for row in rows]


# -- main ----------------------------------------------------------------------------------------


def require_migrations_in_step():
    """Stop early when models have changes without a migration (someone's edit in progress)."""
    from django.core.management import call_command

    out = io.StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=out, stderr=out, verbosity=1)
    except SystemExit as exc:
        raise SystemExit(
            "The models have changes that no migration creates yet, so the server would fail on them; "
            "run again once the migrations exist:\n" + out.getvalue()
        ) from exc


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--directives", type=int, default=100_000)
    parser.add_argument("--agencies", type=int, default=500)
    parser.add_argument("--requests", type=int, default=200, help="timed rounds; each measurement runs once a round")
    parser.add_argument("--warmup", type=int, default=10, help="untimed rounds first")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--refill", action="store_true", help="reload the data even if it is already there")
    parser.add_argument("--seed", type=int, default=20251122)
    parser.add_argument("--target-size", type=int, default=200, help="directives of the calling agency, about")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--deep-page", type=int, default=50, help="the largest agency's page timed as the deep one")
    parser.add_argument("--plan-lines", type=int, default=60, help="lines of each EXPLAIN ANALYZE to print")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="also profile 20 in-process requests, print N lines"
    )
    args = parser.parse_args()
    if args.agencies < 20 or args.directives < 1000 or not 1 <= args.requests <= 100_000:
        parser.error("use at least 20 agencies, 1000 directives and 1..100000 requests")
    return args


def load_note():
    """The machine's load, so noisy figures (another process busy) show as such."""
    load, cpus = os.getloadavg()[0], os.cpu_count() or 1
    busy = "  ← other processes are busy: expect noisy figures" if load > 0.5 * cpus else ""
    return f"load average {load:.2f} on {cpus} CPUs{busy}"


def main():
    args = parse_args()
    stop_on_sigterm()
    database_url = args.database_url
    created = ensure_database(database_url)
    print(f"database: {urllib.parse.urlsplit(database_url).path.lstrip('/')} ({'created' if created else 'exists'})")
    setup_django(database_url)

    from django.core.management import call_command
    from django.utils import timezone

    from directives.models import ApiKey
    from directives.selectors import caller_agency_ids

    require_migrations_in_step()
    call_command("migrate", interactive=False, verbosity=0)
    print("data:", ensure_data(args, database_url), flush=True)

    today = timezone.localdate()
    keys = []
    result = {"args": args, "today": today, "load_before": load_note()}
    try:
        with psycopg.connect(database_url, autocommit=True, prepare_threshold=None) as conn:
            workloads = agency_workloads(conn, today)
            agency, result["info"] = pick_agency(workloads, args.target_size)
            largest, result["largest_info"] = pick_largest(workloads)
            ApiKey.objects.filter(name=KEY_NAME).delete()  # left by a run that was killed
            key, raw_key = ApiKey.issue(agency=agency, name=KEY_NAME)
            keys.append(key)
            big_key, big_raw_key = ApiKey.issue(agency=largest, name=KEY_NAME)
            keys.append(big_key)
            result.update(agency=agency, largest=largest)

            client, big_client = test_client(raw_key), test_client(big_raw_key)
            result["in_process_page"], queries = capture_queries(client, LIST_PATH)
            list_sql = main_list_query(queries)
            cursor = urllib.parse.urlsplit(result["in_process_page"]["next"] or "").query
            _, queries2 = capture_queries(client, f"/api/v1/directives/?{cursor}")
            result.update(list_sql=list_sql)
            replay = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
            sql = raw_page_sql(has_assignments(conn))
            result["raw_form"] = "assignment table" if has_assignments(conn) else "union of lead and coordinating ids"

            def fetch(sql, params=None, connection=conn):
                return lambda: connection.execute(sql, params).fetchall()

            with (
                Server(server_environment(database_url), workers=args.workers) as server,
                psycopg.connect(database_url, autocommit=True, prepare_threshold=None, options="-c jit=off") as nojit,
            ):
                print(f"server: gunicorn on 127.0.0.1:{server.port} ({args.workers} gthread workers)", flush=True)
                get, http = open_http(server, raw_key)
                big_get, big_http = open_http(server, big_raw_key)
                typical_pages = walk_pages(get, 2)
                if len(typical_pages) < 2:
                    raise RuntimeError("The first page has no next cursor: the caller has too few overdue directives.")
                (path1, http1), (path2, http2) = typical_pages
                started = time.perf_counter()
                big_pages = walk_pages(big_get, args.deep_page)
                walk_seconds = time.perf_counter() - started
                deep_n = len(big_pages)
                (big_path1, big1), (deep_path, deep) = big_pages[0], big_pages[-1]
                result["walk"] = (deep_n, walk_seconds)
                ids, big_ids = caller_agency_ids(agency), caller_agency_ids(largest)
                params1, params2 = raw_params(ids, today), raw_params(ids, today, http1["results"][-1])
                big_params1 = raw_params(big_ids, today)
                deep_params = raw_params(big_ids, today, big_pages[-2][1]["results"][-1]) if deep_n > 1 else big_params1
                rows1, rows2 = fetch(sql, params1)(), fetch(sql, params2)()
                big_rows1, deep_rows = fetch(sql, big_params1)(), fetch(sql, deep_params)()
                _, big_queries = capture_queries(big_client, big_path1)
                _, deep_queries = capture_queries(big_client, deep_path)
                result["queries"] = {
                    "typical page 1": queries,
                    "typical page 2": queries2,
                    "largest page 1": big_queries,
                    f"largest page {deep_n}": deep_queries,
                }
                runners = {
                    "API page 1 (HTTP, gunicorn)": lambda: get(path1),
                    "API page 2 (HTTP, via next)": lambda: get(path2),
                    "API page 1 (in process, no HTTP)": lambda: client_get(client, LIST_PATH),
                    "raw SQL page 1 (psycopg)": fetch(sql, params1),
                    "raw SQL page 2 (psycopg, keyset)": fetch(sql, params2),
                    "API largest agency, page 1 (HTTP)": lambda: big_get(big_path1),
                    f"API largest agency, page {deep_n} (HTTP)": lambda: big_get(deep_path),
                    "raw SQL largest agency, page 1": fetch(sql, big_params1),
                    f"raw SQL largest agency, page {deep_n}": fetch(sql, deep_params),
                    "ORM list query alone (psycopg)": fetch(list_sql),
                    f"ORM's {len(replay)} SELECTs of a request": lambda: [fetch(q)() for q in replay],
                    "ORM list query, jit = off": fetch(list_sql, connection=nojit),
                    # Last, so the positions above stay: page 2 without HTTP, as page 1 above.
                    "API page 2 (in process, no HTTP)": lambda: client_get(client, path2),
                }
                print(f"timing {len(runners)} measurements in {args.requests} interleaved rounds…", flush=True)
                try:
                    timings = time_interleaved(runners, runs=args.requests, warmup=args.warmup)
                finally:
                    http.close()
                    big_http.close()
                result["connects"] = http.connects + big_http.connects

            by_label = dict(zip(runners, timings, strict=True))
            labels = list(runners)
            result.update(plan=explain(conn, list_sql), raw_plan=explain(conn, sql, params1))
            result["big_raw_plan"] = explain(conn, sql, deep_params)
            result["load_after"] = load_note()
            result.update(pages=(http1, http2, rows1, rows2), timings=timings)
            result["big_pages"] = (big1, deep, big_rows1, deep_rows)
            result.update(
                api=(by_label[labels[0]], by_label[labels[1]]), sql=(by_label[labels[3]], by_label[labels[4]])
            )
            result["big"] = tuple(by_label[label] for label in labels[5:9])
            result["orm_all"] = by_label[labels[10]]
            result["in_process"] = (by_label[labels[2]], by_label[labels[12]])
            if args.profile:
                result["profile"] = profile_requests(client, LIST_PATH, 20, args.profile)
        report(**result)
    finally:
        for key in keys:
            ApiKey.objects.filter(pk=key.pk).delete()


def print_plan(title, plan, limit):
    """The plan's first ``limit`` lines, then its summary (planning, JIT, execution)."""
    summary_at = next((i for i, line in enumerate(plan) if line.startswith("Planning")), len(plan))
    body, summary = plan[:summary_at], plan[summary_at:]
    totals = ", ".join(line.strip() for line in summary if line.startswith(("Planning Time", "Execution Time")))
    print(f"{title} ({totals}):")
    for line in body[:limit]:
        print("  " + line)
    if len(body) > limit:
        print(f"  … {len(body) - limit} more lines (--plan-lines)")
    for line in summary:
        print("  " + line)


def report(*, args, today, agency, info, pages, timings, api, sql, orm_all, queries, connects, list_sql, **rest):
    (api1, api2), (sql1, sql2) = api, sql
    big_api1, deep_api, big_sql1, deep_sql = rest["big"]
    http1, http2, rows1, rows2 = pages
    big1, deep, big_rows1, deep_rows = rest["big_pages"]
    deep_n, walk_seconds = rest["walk"]
    largest, big_info = rest["largest"], rest["largest_info"]

    def same(api_pages, sql_pages):
        return [row["id"] for page in api_pages for row in page["results"]] == [
            r[0] for rows in sql_pages for r in rows
        ]

    typical_same = same([http1, http2], [rows1, rows2]) and [r["id"] for r in rest["in_process_page"]["results"]] == [
        r["id"] for r in http1["results"]
    ]
    big_same = same([big1, deep], [big_rows1, deep_rows])

    print()
    print(f"caller: agency {agency.pk} {agency.name!r}: {info['total']} directives ({info['leads']} as lead),")
    print(f"        {info['overdue']} overdue on {today}; per agency: {info['spread']} directives")
    print(f"largest agency: {largest.pk} {largest.name!r}: {big_info['total']} directives")
    print(f"        ({big_info['leads']} as lead), {big_info['overdue']} overdue; deep page: page {deep_n}")
    print(f"        (walked from page 1 through next in {walk_seconds:.1f}s)")
    print(f"pages: API {len(http1['results'])} + {len(http2['results'])} rows, raw SQL {len(rows1)} + {len(rows2)};")
    yes = {True: "yes", False: "NO"}
    print(f"       same ids in the same order: typical {yes[typical_same]}, largest {yes[big_same]};")
    print(f"       HTTP connections opened: {connects}; raw SQL over the {rest['raw_form']}")
    print(f"machine: before {rest['load_before']}; after {rest['load_after']}")
    print()
    print(f"latency: {args.requests} interleaved rounds (each row once a round) after {args.warmup} warm-up rounds:")
    print(Timings.header())
    for timing in timings:
        print(timing.row())
    print()
    print(f"ratio p95(API)/p95(raw SQL): page 1 {api1.p95 / sql1.p95:.1f}x, page 2 {api2.p95 / sql2.p95:.1f}x")
    print(f"ratio p50(API)/p50(raw SQL): page 1 {api1.p50 / sql1.p50:.1f}x, page 2 {api2.p50 / sql2.p50:.1f}x")
    # The raw SQL runs in this process, without HTTP: the same page asked of the application in
    # process (Django's test client: middleware, the key, the page, JSON) is the like-for-like part.
    local1, local2 = rest["in_process"]
    print(
        f"ratio p95(API in process, no HTTP)/p95(raw SQL): page 1 {local1.p95 / sql1.p95:.1f}x, "
        f"page 2 {local2.p95 / sql2.p95:.1f}x; "
        f"p50: page 1 {local1.p50 / sql1.p50:.1f}x, page 2 {local2.p50 / sql2.p50:.1f}x"
    )
    print(
        f"ratio p95(API)/p95(raw SQL), largest agency: page 1 {big_api1.p95 / big_sql1.p95:.1f}x, "
        f"page {deep_n} {deep_api.p95 / deep_sql.p95:.1f}x"
    )
    print(f"ratio p95 largest agency's page 1 / typical agency's page 1: {big_api1.p95 / api1.p95:.2f}x (goal ≤ 1.5x)")
    print(f"ratio p95 largest agency's page {deep_n} / its page 1: {deep_api.p95 / big_api1.p95:.2f}x (goal ≤ 1.2x)")
    share = orm_all.p50 / api1.p50
    print(f"the ORM's own SQL is {share:.0%} of the API's p50 on page 1 (the rest: Python, serialisation, HTTP)")
    print(f"load average: {os.getloadavg()[0]:.2f} (1 min), {os.getloadavg()[1]:.2f} (5 min) on {os.cpu_count()} CPUs")
    print()
    counts = {label: len(captured) for label, captured in queries.items()}
    constant = "constant" if len(set(counts.values())) == 1 else "NOT constant"
    print(
        "SQL queries per API request: " + ", ".join(f"{n} ({label})" for label, n in counts.items()) + f": {constant}"
    )
    print("times in process (typical page 1), 1 ms steps:")
    for query in queries["typical page 1"]:
        print(f"  {float(query['time']) * 1000:7.0f} ms  {describe_query(query['sql'])}")
    print()
    flat = " ".join(list_sql.split())
    print("the ORM's list query, from its outermost FROM (the select list holds 4 latest-report subqueries):")
    print("  " + flat[top_level_from(flat) :])
    print()
    print_plan("EXPLAIN (ANALYZE, BUFFERS) of the ORM's list query", rest["plan"], args.plan_lines)
    print()
    print_plan("EXPLAIN (ANALYZE, BUFFERS) of the raw SQL, for comparison", rest["raw_plan"], args.plan_lines)
    print()
    print_plan(f"EXPLAIN (ANALYZE, BUFFERS) of the raw SQL, largest agency's page {deep_n}", rest["big_raw_plan"], 30)
    if rest.get("profile"):
        print()
        print("cProfile of 20 in-process requests for page 1, by cumulative time:")
        print(rest["profile"])


if __name__ == "__main__":
    main()
