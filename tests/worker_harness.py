"""Real processes for the follow-up worker tests: Redis, Celery workers, a slow SMTP sink on loopback.

Everything here waits with a deadline, and every process it starts is stopped by its owner (a fixture's
teardown), so no test can hang or leave a worker behind.
"""

import asyncio
import contextlib
import email
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from aiosmtpd.controller import Controller
from celery import Celery
from django.conf import settings
from django.db import connection

from .smtp_sink import Recorder, free_port

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent


def _redis_url():
    """A Redis database of these tests' own (5), on the broker's server when CELERY_BROKER_URL names one.

    FOLLOWUP_WORKER_REDIS_URL chooses another. Each test has a queue of its own in it (see BrokerQueue).
    """
    if os.environ.get("FOLLOWUP_WORKER_REDIS_URL"):
        return os.environ["FOLLOWUP_WORKER_REDIS_URL"]
    broker = urlsplit(os.environ.get("CELERY_BROKER_URL", ""))
    if broker.scheme in ("redis", "rediss") and broker.hostname:
        return urlunsplit((broker.scheme, broker.netloc, "/5", "", ""))
    return "redis://127.0.0.1:6379/5"


REDIS_URL = _redis_url()
DELIVER = "followup.deliver"
# The real workers send over the lanes production uses (one on SQLite, see delivery.lane_count).
SMTP_CONNECTIONS = 4


def in_ci():
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def redis_or_skip(url=REDIS_URL):
    """A client for the tests' Redis database; skips (fails on CI) when Redis is not there."""
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
        return client
    except redis.RedisError as exc:
        error = f"Redis not reachable at {url} ({exc})"
    client.close()
    if in_ci():
        pytest.fail(f"{error}: CI must run the real-worker tests", pytrace=False)
    pytest.skip(f"{error}: skipping the real-worker tests")


def database_url():
    """A DATABASE_URL naming the database this test runs on (the one pytest-django created)."""
    conf = connection.settings_dict
    name = str(conf["NAME"])
    if conf["ENGINE"] == "django.db.backends.sqlite3":
        if not name or name == ":memory:" or "mode=memory" in name:
            raise AssertionError(
                "The SQLite test database is in memory, which a worker process cannot open: "
                "config/settings/test.py must give DATABASES['default']['TEST']['NAME'] a file."
            )
        return f"sqlite:///{Path(name).resolve()}"
    if conf["ENGINE"] == "django.db.backends.postgresql":
        user = quote(conf.get("USER") or "", safe="")
        password = quote(str(conf.get("PASSWORD") or ""), safe="")
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        port = f":{conf['PORT']}" if conf.get("PORT") else ""
        return f"postgres://{auth}{conf.get('HOST') or ''}{port}/{quote(name, safe='')}"
    raise AssertionError(f"No worker DATABASE_URL for the engine {conf['ENGINE']}")


def wait_until(predicate, timeout, what, interval=0.05):
    """Poll ``predicate`` until it returns something true; fail (never hang) after ``timeout`` seconds.

    ``what`` names what is awaited; a callable is called at the failure (to show a log as it is then).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout}s waiting for {what() if callable(what) else what}")
        time.sleep(interval)


class SlowRecorder(Recorder):
    """Takes each message when the final "." arrives (as a real MTA queues it), then answers late.

    A client killed while waiting for the answer has therefore delivered its message without
    knowing it: that row must end "uncertain", neither "sent" nor sent again.
    """

    def __init__(self, delay=0.0):
        super().__init__()
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 OK"

    def count(self):
        with self.lock:
            return len(self.messages)

    def snapshot(self):
        with self.lock:
            return list(self.messages)


class Sink:
    def __init__(self, delay=0.0):
        self.recorder = SlowRecorder(delay)
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=free_port())

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def port(self):
        return self.controller.port


class Worker:
    """One ``celery -A config worker`` process (prefork, concurrency 1) in its own process group.

    Its own group lets ``kill()`` SIGKILL the main process and its pool child at once, as a crash or
    the OOM killer would: nothing of the worker runs on after the kill.
    """

    READY = re.compile(r"\bready\.")

    def __init__(self, env, log_path, queue):
        self.env = env
        self.log_path = Path(log_path)
        self.queue = queue
        self.name = f"followup-test-{uuid.uuid4().hex[:8]}"
        self.proc = None
        self._log = None

    def launch(self):
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop())
        command = [str(BIN / "celery"), "-A", "config", "worker", "--pool", "prefork", "--concurrency", "1"]
        command += ["--loglevel", "INFO", "-Q", self.queue, "-n", f"{self.name}@%h"]
        # No gossip, mingle or heartbeats: they only slow the start and the shutdown down.
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        self.proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def wait_ready(self, timeout=30):
        wait_until(self._ready, timeout, lambda: f"worker {self.name} to be ready:\n{self.tail()}", interval=0.1)
        return self

    def _ready(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"Worker {self.name} exited with {self.proc.returncode}:\n{self.tail()}")
        return self.READY.search(self.log())

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def tail(self, lines=40):
        return "\n".join(self.log().splitlines()[-lines:])

    def finished(self, task_ids):
        """How many of these tasks the worker has finished; fails at once if one of them raised."""
        log = self.log()
        done = 0
        for task_id in task_ids:
            if f"[{task_id}] raised" in log:
                raise AssertionError(f"Task {task_id} raised in worker {self.name}:\n{self.tail()}")
            done += f"[{task_id}] succeeded" in log
        return done

    def wait_for(self, task_ids, timeout):
        wait_until(
            lambda: self.finished(task_ids) == len(task_ids),
            timeout,
            lambda: f"worker {self.name} to finish tasks {task_ids}:\n{self.tail()}",
            interval=0.1,
        )

    def kill(self):
        """SIGKILL the whole worker (main process and pool child) at once."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self):
        """End the worker at the end of a test: SIGKILL too (a warm shutdown only costs seconds here,
        every task being idempotent); never raises."""
        try:
            if self.proc:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        finally:
            if self._log:
                self._log.close()


class BrokerQueue:
    """A queue of one test's own on the tests' Redis: its workers consume it, ``deliver`` publishes to it.

    No task from an earlier run (a killed worker's unacknowledged one, say), and none from a run going
    on at the same time on this machine (another checkout, CI), can reach this test's workers, or the
    other way round; so the database is never flushed, and ``clean()`` removes only this queue's keys.
    Each send names its connection: Celery's configured broker URL would not do, since the environment's
    CELERY_BROKER_URL (CI's broker, database 0) wins over any configured one.
    """

    def __init__(self, client, broker_url=REDIS_URL):
        self.client = client
        self.url = broker_url
        self.name = f"followup-test-{uuid.uuid4().hex[:12]}"
        self.worker_names = []  # their remote-control queues are cleaned up too
        self.app = Celery("followup-worker-tests", set_as_current=False)

    def _send(self):
        with self.app.connection_for_write(self.url) as conn:
            assert str(conn.virtual_host) == (urlsplit(self.url).path.lstrip("/") or "0"), conn.as_uri()
            return self.app.send_task(DELIVER, ignore_result=True, queue=self.name, connection=conn).id

    def deliver(self, times=1):
        return [self._send() for _ in range(times)]

    def deliver_concurrently(self, times):
        """``times`` sends at the same moment from as many threads."""
        barrier, ids, lock = threading.Barrier(times), [], threading.Lock()

        def send():
            barrier.wait(timeout=10)
            task_id = self._send()
            with lock:
                ids.append(task_id)

        threads = [threading.Thread(target=send) for _ in range(times)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
        assert len(ids) == times, f"only {len(ids)} of {times} tasks were sent"
        return ids

    def clean(self):
        """Remove this queue, its binding, what killed workers left unacknowledged from it, and the
        workers' remote-control queues."""
        self.app.close()
        self.client.delete(self.name, f"_kombu.binding.{self.name}")
        for worker in self.worker_names:
            for key in self.client.scan_iter(match=f"{worker}@*"):
                self.client.delete(key)
            for member in self.client.sscan_iter("_kombu.binding.celery.pidbox"):
                if worker.encode() in member:
                    self.client.srem("_kombu.binding.celery.pidbox", member)
        for tag, entry in self.client.hscan_iter("unacked"):
            try:
                routing_key = json.loads(entry)[2]
            except (ValueError, IndexError, TypeError):
                continue
            if routing_key == self.name:
                self.client.hdel("unacked", tag)
                self.client.zrem("unacked_index", tag)
        self.client.close()


def worker_env(sink_port, *, lease_seconds=300, broker_url=REDIS_URL):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=broker_url,
        DJANGO_EMAIL_BACKEND="directives.followup.smtp.HandoverSMTPBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink_port),
        EMAIL_USE_TLS="false",
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_TIMEOUT="10",
        FOLLOWUP_LEASE_SECONDS=str(lease_seconds),
        FOLLOWUP_SMTP_CONNECTIONS=str(SMTP_CONNECTIONS),
        PYTHONUNBUFFERED="1",
    )
    return env


def run_manage(*args, env, timeout=60):
    """``python manage.py ARGS`` in a subprocess on the test database; returns the completed process."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done
