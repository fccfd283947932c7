"""Run the kill-mid-batch scenario many times and total what it found (by hand; needs Redis).

    .venv/bin/python bench/kill_runs.py 50                      # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test TEST_DB_SUFFIX=me .venv/bin/python bench/kill_runs.py 50

Each run: 300 reminders, a real Celery worker SIGKILLed after about 80 of them (in the middle of
an SMTP dialogue, often while waiting for the server's 250), a second worker finishing the batch.
Prints runs / duplicates / silent losses / rows left behind / uncertain rows.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST = "tests/test_followup_worker.py::test_a_worker_killed_mid_batch_loses_and_duplicates_nothing"


def main(runs):
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl", delete=False) as report:
        env = dict(os.environ, FOLLOWUP_KILL_RUNS=str(runs), FOLLOWUP_KILL_REPORT=report.name)
        command = [sys.executable, "-m", "pytest", TEST, "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
        done = subprocess.run(command, cwd=ROOT, env=env)
        figures = [json.loads(line) for line in Path(report.name).read_text().splitlines() if line.strip()]
    totals = {key: sum(f[key] for f in figures) for key in ("duplicates", "silent_losses", "left_behind", "uncertain")}
    received = sum(f["uncertain_received"] for f in figures)
    database = figures[0]["database"] if figures else "?"
    print(
        f"{database}: {len(figures)} runs / {totals['duplicates']} duplicates / {totals['silent_losses']} silent "
        f"losses / {totals['left_behind']} left behind / {totals['uncertain']} uncertain rows "
        f"({received} of them had reached the sink) in {sum(1 for f in figures if f['uncertain'])} runs"
    )
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 50))
