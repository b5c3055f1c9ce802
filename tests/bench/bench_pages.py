"""Page benchmarks at the large demo size (issue: performance at scale).

1. Uses (or seeds) the large data set in PostgreSQL (BENCH_DATABASE_URL).
2. Counts each page's SQL queries in-process and times the same queries run bare in
   PostgreSQL (the floor).
3. Starts gunicorn with production settings on loopback and drives a mixed recruiter
   workload with locust at 10 and 50 users for a fixed time.
4. Prints per page: requests/s, median, p95, p99, errors, SQL queries, multiple of the
   floor; writes the table, the machine and the date to docs/PERFORMANCE.md, keeping the
   previous runs below it.

Run: `make bench` (all benchmarks) or `.venv/bin/python tests/bench/bench_pages.py`.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "PERFORMANCE.md"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hireboard_bench")
DURATION_SECONDS = int(os.environ.get("BENCH_DURATION", "30s").rstrip("s"))
# Users start at this many per second, and the figures count from when the last one has
# started: 50 logins at once (each a deliberately slow password hash) would otherwise fill
# the first seconds with a login storm rather than the workload.
SPAWN_RATE = int(os.environ.get("BENCH_SPAWN_RATE", "5"))
USER_LEVELS = [int(n) for n in os.environ.get("BENCH_USERS_LEVELS", "10,50").split(",")]
SEQUENTIAL_REQUESTS = int(os.environ.get("BENCH_SEQUENTIAL_REQUESTS", "40"))
WEB_WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "4"))
BUDGETS = {  # label: (max queries, median ms, p95 ms)
    "jobs list (25 rows, filtered and sorted)": (10, 40, 80),
    "pipeline board (5,000 applications)": (12, 60, 120),
    "candidates table of a job, filtered": (10, 40, 80),
    "resumes ranked by score (5,000)": (10, 40, 80),
    "candidate search across the org": (6, 80, 150),
    "stage move (HTMX POST)": (12, 30, 60),
}

os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(ROOT))


def setup_django():
    import django

    django.setup()


def ensure_data():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from dashboard.models import Organization

    if not Organization.objects.filter(slug="umbrella").exists():
        print("Seeding the large data set (once; reused by later runs)…", flush=True)
        call_command("seed_demo", size="large")


def bench_targets():
    from django.db.models import Count
    from django.urls import reverse

    from candidates.models import Application
    from dashboard.models import User
    from jobs.models import Job

    org_jobs = Job.objects.unscoped().filter(org__slug="umbrella")
    flagship = org_jobs.annotate(n=Count("applications")).order_by("-n").first()
    recruiter = User.objects.get(email="recruiter@umbrella.test")
    admin = User.objects.get(email="admin@umbrella.test")
    stages = list(flagship.stages().exclude(kind="rejected").values_list("pk", flat=True))
    sample_name = Application.objects.unscoped().filter(job=flagship).select_related("candidate").first().candidate.name
    applications = list(Application.objects.unscoped().filter(job=flagship).values_list("pk", flat=True)[:200])
    pages = {
        "jobs list (25 rows, filtered and sorted)": reverse("jobs:list") + "?status=open&sort=-created_at",
        "pipeline board (5,000 applications)": reverse("jobs:board", args=[flagship.pk]),
        "candidates table of a job, filtered": reverse("jobs:candidates", args=[flagship.pk])
        + f"?stage={stages[1]}&sort=-applied_at",
        "resumes ranked by score (5,000)": reverse("screening:job_resumes", args=[flagship.pk]),
        "candidate search across the org": reverse("candidates:list") + "?q=" + sample_name.split()[-1],
    }
    moves = [{"path": reverse("candidates:move", args=[pk]), "stages": stages} for pk in applications]
    return admin, recruiter, flagship, pages, moves


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def sql_queries(captured) -> list[dict]:
    """The queries a page ran; transaction control statements are not queries."""
    return [q for q in captured if not q["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)]


def measure_queries(user, pages, moves):
    """SQL queries per page, and the time the same SQL takes run bare in PostgreSQL."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    results = {}
    for label, path in pages.items():
        client.get(path)  # warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, f"{label}: {response.status_code}"
        queries = sql_queries(captured.captured_queries)
        results[label] = (len(queries), bare_floor_ms(queries))
    move = moves[0]
    with CaptureQueriesContext(connection) as captured:
        response = client.post(move["path"], {"stage": move["stages"][2]}, headers={"HX-Request": "true"})
    assert response.status_code == 200, f"move: {response.status_code}"
    queries = sql_queries(captured.captured_queries)
    reads = [q for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    results["stage move (HTMX POST)"] = (len(queries), bare_floor_ms(reads))
    return results


def bare_floor_ms(queries, repeats: int = 7) -> float:
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    # The same session settings as the app's connections (planner costs), so the same plans.
    conn = psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        options=db.get("OPTIONS", {}).get("options", ""),
    )
    conn.autocommit = True
    sqls = []
    for query in queries:
        sql = query["sql"]
        if sql.upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "FETCH", "CLOSE")):
            continue
        # A server-side cursor (QuerySet.iterator) is timed as the SELECT it declares.
        sqls.append(re.sub(r"^DECLARE \S+ .*?CURSOR .*?FOR ", "", sql, flags=re.S | re.I))
    timings = []
    with conn.cursor() as cursor:
        for _ in range(repeats):
            started = time.perf_counter()
            for sql in sqls:
                cursor.execute(sql)
                if cursor.description:
                    cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    conn.close()
    return statistics.median(timings)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, static_root: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": DATABASE_URL,
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        "AXES_FAILURE_LIMIT": "100000",
        "WEB_CONCURRENCY": str(WEB_WORKERS),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_TIMEOUT": "60",
    }
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "config/gunicorn.py",
            "--access-logfile",
            "/dev/null",
            "config.wsgi",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def server_times(port: int, pages: dict, moves: list, login: str) -> dict[str, dict]:
    """Each page requested one at a time (after a warm-up), as locust-style stats rows:
    the server time of a page with nothing else running, which is what the budgets mean."""
    import requests
    from django.conf import settings

    base = f"http://127.0.0.1:{port}"
    session = requests.Session()
    form = session.get(base + "/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    session.post(
        base + "/accounts/login/",
        {"username": login, "password": settings.DEMO_PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": base + "/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    csrf = session.cookies.get("csrftoken", "")

    def timed(send) -> tuple[float, bool]:
        started = time.perf_counter()
        response = send()
        return (time.perf_counter() - started) * 1000, response.status_code == 200

    requests_by_label = {
        label: (lambda path=path: session.get(base + path, timeout=30)) for label, path in pages.items()
    }
    move_targets = iter(range(10**6))

    def move():
        index = next(move_targets)
        target = moves[index % len(moves)]
        return session.post(
            base + target["path"],
            {"stage": target["stages"][index % len(target["stages"])]},
            headers={"X-CSRFToken": csrf, "HX-Request": "true", "Referer": base + "/"},
            timeout=30,
        )

    requests_by_label["stage move (HTMX POST)"] = move
    rows = {}
    for label, send in requests_by_label.items():
        # Enough to reach every gunicorn worker a few times: a worker's first request of a
        # page compiles its templates, which is start-up cost, not the page's server time.
        for _ in range(3 * WEB_WORKERS):
            timed(send)
        samples = [timed(send) for _ in range(SEQUENTIAL_REQUESTS)]
        times = sorted(ms for ms, _ in samples)
        total = sum(times) / 1000
        rows[label] = {
            "50%": statistics.median(times),
            "95%": times[int(len(times) * 0.95) - 1],
            "99%": times[-1],
            "Failure Count": sum(1 for _, ok in samples if not ok),
            "Requests/s": len(times) / total if total else 0,
        }
    return rows


def run_locust(port: int, users: int, pages: dict, moves: list, logins: list[str]) -> dict[str, dict]:
    from django.conf import settings

    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder) / "stats"
        env = {
            **os.environ,
            "BENCH_PAGES": json.dumps(pages),
            "BENCH_MOVES": json.dumps(moves),
            "BENCH_USERS": json.dumps(logins),
            "BENCH_PASSWORD": settings.DEMO_PASSWORD,
        }
        subprocess.run(
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                str(ROOT / "tests/bench/locustfile.py"),
                "--headless",
                "-u",
                str(users),
                "-r",
                str(SPAWN_RATE),
                "-t",
                f"{DURATION_SECONDS + users // SPAWN_RATE + 2}s",
                "--reset-stats",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        with open(f"{prefix}_stats.csv") as handle:
            return {row["Name"]: row for row in csv.DictReader(handle)}


def machine() -> str:
    cpu_lines = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    cpu = next((line.split(":", 1)[1].strip() for line in cpu_lines if line.startswith("model name")), "unknown CPU")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def render(results_by_level, queries) -> str:
    lines = []
    for users, stats in results_by_level.items():
        if users == 1:
            lines.append(
                f"\n**Server time: one request at a time, {SEQUENTIAL_REQUESTS} per page after a warm-up of {3 * WEB_WORKERS}** "
                "(ms at the client on loopback; the budgets apply here)\n"
            )
        else:
            lines.append(
                f"\n**Under load: {users} concurrent users, {DURATION_SECONDS}s after all have started** (2 cores shared by load tool, gunicorn and PostgreSQL)\n"
            )
        lines.append(
            "| page / action | req/s | median | p95 | p99 | errors | SQL queries | bare SQL floor | × floor | budget (queries / median / p95) | within budget |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
        for label, (max_q, max_median, max_p95) in BUDGETS.items():
            row = stats.get(label)
            if not row:
                continue
            count, floor = queries[label]
            median, p95, p99 = float(row["50%"]), float(row["95%"]), float(row["99%"])
            errors = int(row["Failure Count"])
            if users == 1:
                ok = "yes" if count <= max_q and median <= max_median and p95 <= max_p95 and errors == 0 else "no"
            else:
                ok = "errors: none" if errors == 0 else f"errors: {errors}"
            lines.append(
                f"| {label} | {float(row['Requests/s']):.1f} | {median:.0f} | {p95:.0f} | {p99:.0f} | {errors} "
                f"| {count} | {floor:.1f} | {median / floor if floor else 0:.1f}× | ≤ {max_q} / ≤ {max_median} / ≤ {max_p95} | {ok} |"
            )
    return "\n".join(lines)


def write_doc(section: str) -> None:
    start, end = "<!-- bench:pages:start -->", "<!-- bench:pages:end -->"
    text = DOC.read_text() if DOC.exists() else "# Performance\n"
    previous = ""
    if start in text:
        before, rest = text.split(start, 1)
        old, after = rest.split(end, 1)
        match = re.search(r"### Run of .*", old, re.S)
        if match:
            previous = match.group(0).replace("### Run of", "#### Earlier run of", 1)
            previous = re.sub(r"^### ", "#### ", previous, flags=re.M)
            # Every earlier run sits in the one list, not in a list inside a list.
            previous = re.sub(r"<details><summary>Earlier runs</summary>\s*|</details>\s*", "", previous)
    else:
        before, after = text.rstrip() + "\n\n", ""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = (
        f"{start}\n## Pages at the large demo size\n\nMeasured by `tests/bench/bench_pages.py` (`make bench`): "
        "PostgreSQL, gunicorn with production settings (DEBUG off), a mixed recruiter workload from locust on the same machine.\n\n"
        f"### Run of {stamp}\nMachine: {machine()}\n{section}\n"
        + (f"\n<details><summary>Earlier runs</summary>\n\n{previous.strip()}\n</details>\n" if previous else "")
        + f"{end}"
    )
    DOC.write_text(before + body + after)


def main() -> None:
    setup_django()
    ensure_data()
    admin, recruiter, flagship, pages, moves = bench_targets()
    queries = measure_queries(admin, pages, moves)
    for label, (count, floor) in queries.items():
        print(f"{label:<45} {count:>3} queries, bare SQL {floor:.1f} ms")
    port = free_port()
    with tempfile.TemporaryDirectory() as static_root:
        server = start_gunicorn(port, static_root)
        try:
            from dashboard.models import User

            logins = list(User.objects.filter(org__slug="umbrella", role="admin").values_list("email", flat=True))
            results = {1: server_times(port, pages, moves, logins[0])}
            results.update({users: run_locust(port, users, pages, moves, logins) for users in USER_LEVELS})
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    section = render(results, queries)
    print(section)
    write_doc(section)
    print(f"\nWritten to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
