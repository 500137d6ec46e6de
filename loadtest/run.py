"""`make loadtest`: the portal as in production under 50 simulated users.

    .venv/bin/python loadtest/run.py [--users 50] [--run-time 60] [--no-readme]

Builds a fresh PostgreSQL database `mentoring_load` on 127.0.0.1:5432 (user
postgres) with the demo data, starts gunicorn (2 workers, DEBUG off) and one Celery
worker on a Redis database of its own, then runs locust headless from a second
process against 127.0.0.1 (loadtest/locustfile.py). It prints requests per second,
the 95th percentile and the number of errors, appends them to the table of
README's «Нагрузочный тест» section and exits non-zero when there was an error.
Everything it started is stopped on the way out, whatever happens; the whole run is
bounded (DEADLINE seconds).
"""

import argparse
import csv
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import psycopg2
import redis

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
README = ROOT / "README.md"
SECTION = "## Нагрузочный тест"
DATABASE = "mentoring_load"
ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/13")
DEADLINE = 290  # seconds for the whole run, set-up and tear-down included
STARTED = time.monotonic()


def remaining() -> float:
    left = DEADLINE - (time.monotonic() - STARTED)
    if left <= 0:
        raise SystemExit(f"loadtest: out of time ({DEADLINE} s)")
    return left


def say(text: str) -> None:
    print(f"[{time.monotonic() - STARTED:5.1f} s] {text}", flush=True)


class Processes:
    """Background processes, each in its own process group, all stopped at exit."""

    def __init__(self):
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, args: list[str], env: dict, log: Path):
        with open(log, "wb") as out:
            process = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.running.append((name, process))
        return process

    def stop_all(self) -> None:
        for _name, process in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        limit = time.monotonic() + 15
        for _name, process in self.running:
            try:
                process.wait(timeout=max(0.1, limit - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.running.clear()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def admin_sql(statement: str) -> None:
    connection = psycopg2.connect(ADMIN_DSN)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


def postgres_version() -> str:
    connection = psycopg2.connect(ADMIN_DSN)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return cursor.fetchone()[0].split()[0]
    finally:
        connection.close()


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=remaining(),
    )


def wait_for(url: str, process: subprocess.Popen, log: Path, seconds: float) -> None:
    limit = time.monotonic() + min(seconds, remaining())
    while time.monotonic() < limit:
        if process.poll() is not None:
            raise SystemExit(f"loadtest: the server stopped:\n{tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"loadtest: {url} did not answer in {seconds} s:\n{tail(log)}")


def wait_for_worker(log: Path, process: subprocess.Popen, seconds: float) -> None:
    limit = time.monotonic() + min(seconds, remaining())
    while time.monotonic() < limit:
        if process.poll() is not None:
            raise SystemExit(f"loadtest: the Celery worker stopped:\n{tail(log)}")
        if b" ready." in log.read_bytes():
            return
        time.sleep(0.3)
    raise SystemExit(f"loadtest: the Celery worker not ready in {seconds} s")


def tail(log: Path, lines: int = 40) -> str:
    if not log.exists():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def server_errors(log: Path) -> list[str]:
    """Tracebacks (with the line before, which names the request or the task) and
    worker timeouts in a log."""
    if not log.exists():
        return []
    lines = log.read_text(errors="replace").splitlines()
    found, index = [], 0
    while index < len(lines):
        line = lines[index]
        if "WORKER TIMEOUT" in line:
            found.append(line)
        elif line.startswith("Traceback (most recent call last)"):
            block = lines[max(0, index - 1) : index + 1]
            index += 1
            while index < len(lines) and (
                lines[index].startswith((" ", "Traceback", "During", "The above"))
                or not lines[index].strip()
            ):
                block.append(lines[index])
                index += 1
            if index < len(lines):
                block.append(lines[index])  # the exception itself
            found.append("\n".join(block))
        index += 1
    return found


def read_stats(prefix: Path) -> tuple[list[dict], list[dict], list[dict]]:
    def rows(suffix: str) -> list[dict]:
        path = Path(f"{prefix}_{suffix}.csv")
        if not path.exists():
            return []
        with open(path, newline="") as handle:
            return list(csv.DictReader(handle))

    return rows("stats"), rows("failures"), rows("exceptions")


def number(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def add_readme_row(row: list[str]) -> bool:
    """Append the row to the table of README's section; False when there is none."""
    lines = README.read_text().splitlines(keepends=True)
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == SECTION)
    except StopIteration:
        return False
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")),
        len(lines),
    )
    table = [i for i in range(start, end) if lines[i].startswith("|")]
    if not table:
        return False
    lines.insert(table[-1] + 1, "| " + " | ".join(row) + " |\n")
    README.write_text("".join(lines))
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", type=int, default=60, help="seconds")
    parser.add_argument(
        "--no-readme", action="store_true", help="Do not add the row to README.md."
    )
    parser.add_argument(
        "--keep", action="store_true", help="Keep the database and the logs."
    )
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="mentoring-loadtest-"))
    processes = Processes()

    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "DEBUG": "0",
        "TESTING": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "CELERY_BROKER_URL": REDIS_URL,
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "LOG_LEVEL": "WARNING",
    }
    server_log, worker_log = work / "gunicorn.log", work / "celery.log"
    failed = True
    try:
        say(f"fresh database {DATABASE}, Redis {REDIS_URL}")
        try:
            admin_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            admin_sql(f"CREATE DATABASE {DATABASE}")
        except psycopg2.OperationalError as error:
            raise SystemExit(
                f"loadtest: no PostgreSQL at {ADMIN_DSN}: {error}"
            ) from None
        try:
            redis.Redis.from_url(REDIS_URL).flushdb()
        except redis.ConnectionError as error:
            raise SystemExit(f"loadtest: no Redis at {REDIS_URL}: {error}") from None
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_demo", "--quiet")
        manage(env, "collectstatic", "--noinput", "-v0")

        say("Celery worker (concurrency 2)")
        worker = processes.start(
            "celery",
            [str(BIN / "celery"), "-A", "mentoring", "worker", "--concurrency", "2"]
            + ["--loglevel", "INFO", "--without-gossip", "--without-mingle"],
            env,
            worker_log,
        )
        say(f"gunicorn, 2 workers, http://127.0.0.1:{port}")
        server = processes.start(
            "gunicorn",
            [str(BIN / "gunicorn"), "mentoring.wsgi", "--workers", "2"]
            + ["--bind", f"127.0.0.1:{port}", "--graceful-timeout", "5"],
            env,
            server_log,
        )
        wait_for(f"http://127.0.0.1:{port}/login/", server, server_log, 30)
        wait_for_worker(worker_log, worker, 30)

        say(
            f"locust: {options.users} users, {options.spawn_rate:g}/s, "
            f"{options.run_time} s"
        )
        prefix = work / "locust"
        summary_path = work / "all_in.json"
        load_before = os.getloadavg()[0]
        locust_log = work / "locust.log"
        budget = options.run_time + 30
        if remaining() < budget:
            raise SystemExit("loadtest: not enough time left for locust")
        with open(locust_log, "wb") as output:
            result = subprocess.run(
                [str(BIN / "locust"), "-f", str(ROOT / "loadtest" / "locustfile.py")]
                + ["--headless", "--host", f"http://127.0.0.1:{port}"]
                + [
                    "--users",
                    str(options.users),
                    "--spawn-rate",
                    str(options.spawn_rate),
                ]
                + ["--run-time", f"{options.run_time}s", "--stop-timeout", "10"]
                + ["--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
                cwd=ROOT,
                env={
                    **{key: value for key, value in env.items() if key != "SECRET_KEY"},
                    "LOADTEST_SUMMARY": str(summary_path),
                },
                stdout=output,
                stderr=subprocess.STDOUT,
                timeout=budget,
                start_new_session=True,
            )
        stats, failures, exceptions = read_stats(prefix)
        total = next((row for row in stats if row["Name"] == "Aggregated"), None)
        if total is None:
            print(tail(locust_log))
            raise SystemExit("loadtest: locust wrote no statistics")

        print()
        print(f"{'request':<40} {'count':>6} {'fail':>5} {'median':>7} {'p95':>6}")
        for row in stats:
            print(
                f"{row['Name'][:40]:<40} {row['Request Count']:>6} "
                f"{row['Failure Count']:>5} {row['50%']:>7} {row['95%']:>6}"
            )
        errors = int(number(total["Failure Count"])) + sum(
            int(number(row.get("Occurrences"))) for row in exceptions
        )
        rps, p95 = number(total["Requests/s"]), number(total["95%"])
        pages = json.loads(summary_path.read_text()) if summary_path.exists() else {}
        pages_p95 = pages.get("p95") or 0
        for row in failures:
            print(f"FAILED {row['Occurrences']}× {row['Name']}: {row['Error']}")
        for row in exceptions:
            print(f"EXCEPTION {row['Occurrences']}×: {row['Traceback']}")
        for trace in server_errors(server_log) + server_errors(worker_log):
            errors = max(errors, 1)
            print(f"SERVER ERROR:\n{trace}\n")
        if result.returncode not in (0, 1):
            print(tail(locust_log))
            errors = max(errors, 1)

        now = datetime.now(UTC)
        machine = (
            f"{os.cpu_count()} ядра (load average {load_before:.1f} перед тестом), "
            f"Python {platform.python_version()}, PostgreSQL {postgres_version()}"
        )
        print()
        print(
            f"requests/s: {rps:.1f}   p95: {p95:.0f} ms "
            f"(once all are logged in: {pages_p95:.0f} ms over "
            f"{pages.get('count', 0)} requests)   errors: {errors}"
        )
        print(f"machine: {machine}")
        if not options.no_readme:
            row = [
                now.strftime("%Y-%m-%d %H:%M UTC"),
                machine,
                str(options.users),
                f"{options.run_time} с",
                f"{rps:.1f}",
                f"{p95:.0f}",
                f"{pages_p95:.0f}",
                str(errors),
            ]
            if add_readme_row(row):
                say(f"added to README.md: {' | '.join(row)}")
            else:
                say(f"README.md has no table under «{SECTION}»: nothing added")
        failed = errors > 0
        return 1 if failed else 0
    finally:
        processes.stop_all()
        if not options.keep:
            try:
                admin_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            except psycopg2.Error as error:
                print(f"loadtest: could not drop {DATABASE}: {error}")
            if not failed:
                shutil.rmtree(work, ignore_errors=True)
        if failed:
            print(f"loadtest: logs kept in {work}")


if __name__ == "__main__":
    sys.exit(main())
