"""Helpers shared by the benchmarks: a dedicated database, Django set-up, COPY loading, timing, a server.

Nothing here touches a database other than the one named on the command line, and the names of
the project's usual databases are refused outright.
"""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import warnings
from dataclasses import dataclass
from pathlib import Path

import psycopg

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_api"
# Databases a benchmark must never fill or truncate.
PROTECTED_DATABASES = {"test", "postgres", "root", "template0", "template1"}


def database_name(url: str) -> str:
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if not name:
        raise SystemExit(f"The database URL names no database: {url}")
    return name


def ensure_database(url: str) -> bool:
    """Create the database ``url`` names unless it exists; True when it was created."""
    name = database_name(url)
    if name in PROTECTED_DATABASES:
        raise SystemExit(f"Refusing to benchmark in the {name!r} database: name a dedicated one, e.g. bench_api.")
    parts = urllib.parse.urlsplit(url)
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(name)))
        return True


def server_environment(database_url: str) -> dict[str, str]:
    """Production settings (DEBUG off) made to run on loopback over plain HTTP, without throttling."""
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "API_THROTTLE_RATE": "1000000/minute",
        "DATABASE_URL": database_url,
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def setup_django(database_url: str) -> None:
    """Configure this process like the server (same settings module and database), then django.setup()."""
    os.environ.update(server_environment(database_url))
    sys.path.insert(0, str(PROJECT_DIR))
    # WhiteNoise warns that collectstatic never ran: the API serves no static files.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django

    django.setup()


def copy_rows(cursor, model, rows) -> int:
    """Insert ``rows`` into ``model``'s table by COPY, skipping save() and signals.

    Each row is an object whose attributes are named like the model's fields' attnames (a
    ``SimpleNamespace``, or an unsaved instance), ids included. A field a row leaves out gets the
    model's default (``auto_now`` fields: now), and values go through the fields' own conversions,
    so a field added to the model later still loads as long as it has a default.
    """
    from django.db import connection
    from django.utils import timezone

    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    now = timezone.now()
    missing = object()
    count = 0
    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in rows:
            values = vars(obj)
            row = []
            for field in fields:
                value = values.get(field.attname, missing)
                if value is missing or value is None:
                    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                        value = now
                    elif value is missing:
                        value = field.get_default()
                row.append(field.get_db_prep_save(value, connection))
            copy.write_row(row)
            count += 1
    return count


@dataclass
class Timings:
    label: str
    seconds: list[float]

    def _quantile(self, q: int) -> float:
        if len(self.seconds) == 1:
            return self.seconds[0]
        return statistics.quantiles(self.seconds, n=100, method="inclusive")[q - 1]

    @property
    def p50(self) -> float:
        return self._quantile(50)

    @property
    def p95(self) -> float:
        return self._quantile(95)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.seconds)

    def row(self) -> str:
        ms = [1000 * v for v in (self.p50, self.p95, self.mean, min(self.seconds), max(self.seconds))]
        return f"  {self.label:<34}" + "".join(f"{v:>9.2f}" for v in ms) + f"{len(self.seconds):>7}"

    @staticmethod
    def header() -> str:
        return f"  {'(milliseconds)':<34}" + "".join(f"{h:>9}" for h in ("p50", "p95", "mean", "min", "max", "runs"))


def time_interleaved(runners: dict, *, runs: int, warmup: int) -> list[Timings]:
    """Time each of ``runners`` (label -> callable) ``runs`` times, in rounds of one call each.

    Interleaving makes every measurement see the same background load, so their ratios hold on a
    shared machine even when the load drifts. ``warmup`` untimed rounds first; bounded loops.
    """
    for _ in range(warmup):
        for run in runners.values():
            run()
    seconds = {label: [] for label in runners}
    for _ in range(runs):
        for label, run in runners.items():
            start = time.perf_counter()
            run()
            seconds[label].append(time.perf_counter() - start)
    return [Timings(label, values) for label, values in seconds.items()]


def stop_on_sigterm():
    """Turn SIGTERM (and a SIGINT that a background shell ignores) into SystemExit, so finally blocks run."""

    def leave(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, leave)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _die_with_parent():
    """In the child, before exec: get SIGTERM when this script dies, even by SIGKILL (Linux only)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving the project on 127.0.0.1 in a subprocess, stopped whatever happens.

    Use as a context manager: ``with Server(env) as server: ... server.port``.
    """

    def __init__(self, env: dict[str, str], *, workers: int = 2, threads: int = 2, start_timeout: float = 60):
        self.env = {**os.environ, **env}
        self.workers = workers
        self.threads = threads
        self.start_timeout = start_timeout
        self.port = free_port()
        self.process = None
        self.tmpdir = None

    def __enter__(self):
        self.tmpdir = tempfile.mkdtemp(prefix="bench-server-")
        static_root = Path(self.tmpdir, "static")
        static_root.mkdir()
        self.log_path = Path(self.tmpdir, "server.log")
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            # gthread keeps connections alive (the sync worker closes each one); 1 request at a time here.
            "--worker-class",
            "gthread",
            "--threads",
            str(self.threads),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
            "--graceful-timeout",
            "5",
        ]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=PROJECT_DIR,
                env={**self.env, "DJANGO_STATIC_ROOT": str(static_root)},
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def _wait_healthy(self):
        import http.client

        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The server exited with {self.process.returncode}:\n{self.log_tail()}")
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                conn.request("GET", "/healthz")
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    return
            except OSError:
                pass
            finally:
                conn.close()
            time.sleep(0.2)
        raise RuntimeError(f"The server did not answer /healthz within {self.start_timeout:.0f}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self):
        """SIGTERM to gunicorn's master (it stops its workers); SIGKILL to our own process group if it hangs."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)  # the group this script started, nothing else
                process.wait(timeout=15)
        if self.tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None
