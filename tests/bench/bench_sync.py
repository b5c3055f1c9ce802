"""ATS sync throughput: deliver N stage moves through the sandbox Workable, which enforces
R requests per second per credential (fixed 1 s windows, 429 + Retry-After beyond that).

Reports the achieved rate of successful requests as a fraction of R (aim >= 0.9), the share
of requests answered 429 (aim < 1 %), and lost / duplicated moves (must be 0), and writes
the "ATS sync" section of docs/PERFORMANCE.md (between the bench markers).

Runs the real delivery service (claim, rate limiter, adapter, HTTP, bookkeeping) from W
worker threads on a throwaway SQLite file database, the way Celery workers would.

    python tests/bench/bench_sync.py [--moves 5000] [--rate 50] [--workers 8] [--limiter redis|db]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import queue
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "PERFORMANCE.md"
START, END = "<!-- bench:sync:start -->", "<!-- bench:sync:end -->"
REDIS_URL = os.environ.get("HB_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--moves", type=int, default=5000)
    parser.add_argument("--rate", type=int, default=50, help="R: the sandbox's limit, requests per second")
    parser.add_argument("--processes", type=int, default=1, help="worker processes (like Celery prefork)")
    parser.add_argument("--workers", type=int, default=12, help="concurrent deliveries per process")
    parser.add_argument("--limiter", choices=["redis", "db", "auto"], default="auto")
    parser.add_argument("--headroom", type=float, default=0.95, help="our limiter's rate as a fraction of R")
    parser.add_argument("--no-write", action="store_true", help="do not update docs/PERFORMANCE.md")
    return parser.parse_args()


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def setup_django(limiter: str) -> str:
    database = Path(tempfile.mkdtemp(prefix="hb-bench-sync-")) / "bench.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    if limiter == "auto":
        limiter = "redis" if redis_reachable() else "db"
    os.environ["ATS_RATE_LIMIT_REDIS_URL"] = REDIS_URL if limiter == "redis" else ""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db.backends.signals import connection_created

    def relaxed_fsync(sender, connection, **kwargs):
        # WAL + synchronous=NORMAL: no fsync per commit. Production runs on PostgreSQL; the
        # bench measures the sync engine, not this disk.
        if connection.vendor == "sqlite":
            connection.cursor().execute("PRAGMA synchronous=NORMAL")

    connection_created.connect(relaxed_fsync)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if limiter == "redis":
        import redis

        redis.Redis.from_url(REDIS_URL).delete(*redis.Redis.from_url(REDIS_URL).keys("hireboard:ats-rate:*") or ["-"])
    return limiter


def serve_sandbox(rate: int, remote_ids: list[str], ready) -> None:
    """The ATS runs in its own process, as a remote one would (no shared GIL)."""
    from integrations.sandbox import SandboxServer, make_sandbox

    app = make_sandbox("workable", jobs=1, rate_limit=rate, rate_window=1.0)
    job_id = next(iter(app.store.jobs))
    for remote_id in remote_ids:
        app.store.candidates[remote_id] = {"id": remote_id, "name": "Bench", "email": ""}
        app.add_application(candidate_id=remote_id, job_id=job_id, stage_id="applied", app_id=remote_id)
    server = SandboxServer(app)
    server.start()
    ready.send((server.url, job_id))
    while True:
        time.sleep(3600)


def sandbox_state(url: str) -> dict:
    import requests

    return requests.get(f"{url}/__sandbox__/state", timeout=30).json()


def build_world(base_url: str, remote_job: str, moves: int, rate: float):
    from django.db import transaction

    from candidates.models import Application, Candidate
    from dashboard.models import Organization, User
    from integrations import services
    from integrations.models import ApplicationLink, AtsConnection
    from integrations.sandbox import SANDBOX_TOKEN
    from jobs.services import create_job

    org = Organization.objects.create(name="Bench", slug="bench")
    admin = User.objects.create_user(
        email="admin@bench.test", password="bench-password-1", org=org, role=User.Role.ADMIN, name="Bench Admin"
    )
    job = create_job(actor=admin, title="Bench job", status="open")
    connection = services.save_connection(
        org=org,
        provider="workable",
        credentials={"subdomain": "sandbox", "token": SANDBOX_TOKEN, "base_url": base_url},
        actor=admin,
    )
    AtsConnection.objects.filter(pk=connection.pk).update(rate_limit_per_second=rate)
    services.link_job(connection=connection, job=job, remote_id=remote_job, actor=admin)
    first, target = job.stages().get(name="Applied"), job.stages().get(name="Interview")
    with transaction.atomic():
        candidates = Candidate.objects.bulk_create(
            Candidate(org=org, name=f"Bench {n}", email=f"bench{n}@example.test") for n in range(moves)
        )
        applications = Application.objects.bulk_create(
            Application(org=org, candidate=candidate, job=job, stage=first) for candidate in candidates
        )
        # Every application already exists remotely: each move is one request to the ATS.
        ApplicationLink.objects.bulk_create(
            ApplicationLink(
                org=org,
                connection=connection,
                application=application,
                remote_id=f"r{application.pk}",
                remote_job_id=remote_job,
                remote_stage_id="applied",
            )
            for application in applications
        )
    return admin, applications, target


def worker_process(number: int, threads: int, work, errors) -> None:
    """One Celery-like worker process with ``threads`` concurrent deliveries."""
    from django.db import connections

    from integrations import services
    from integrations.providers.base import RetryableError

    connections.close_all()  # never share the parent's database connection

    def run(name: str) -> None:
        while True:
            try:
                event_id = work.get(timeout=3)
            except queue.Empty:
                break
            try:
                services.deliver_event(event_id=event_id, worker_id=name)
            except RetryableError as exc:
                time.sleep(min(exc.retry_after or 0.1, 5))
                work.put(event_id)
            except Exception as exc:  # reported, and counted as lost
                errors.put(f"{type(exc).__name__}: {exc}")
        connections.close_all()

    pool = [threading.Thread(target=run, args=(f"bench-{number}-{n}",)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


def main() -> int:
    args = parse_args()
    limiter = setup_django(args.limiter)

    from django.db import transaction

    from candidates import services as candidate_services
    from integrations import services
    from integrations.models import SyncEvent

    # Local ids are 1..N on the fresh database: the remote twins are seeded as r1..rN.
    parent_end, child_end = multiprocessing.Pipe()
    remote_ids = [f"r{n}" for n in range(1, args.moves + 1)]
    child = multiprocessing.Process(target=serve_sandbox, args=(args.rate, remote_ids, child_end), daemon=True)
    child.start()
    url, remote_job = parent_end.recv()
    try:
        admin, applications, target = build_world(f"{url}/spi/v3", remote_job, args.moves, args.rate * args.headroom)
        pending: list[int] = []
        services.enqueue_delivery = pending.append  # what the broker would receive
        with transaction.atomic():
            for application in applications:
                candidate_services.move_application(application=application, to_stage=target, actor=admin)
        base_stats = sandbox_state(url)["stats"]
        work = multiprocessing.Queue()
        for event_id in pending:
            work.put(event_id)
        errors = multiprocessing.Queue()
        started = time.perf_counter()
        processes = [
            multiprocessing.Process(target=worker_process, args=(n, args.workers, work, errors))
            for n in range(args.processes)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join()
        elapsed = time.perf_counter() - started - 3  # the idle wait that ends each worker
        state = sandbox_state(url)
    finally:
        child.terminate()

    errors = [errors.get() for _ in range(errors.qsize())]
    stats = state["stats"]
    requests_made = stats["requests"] - base_stats.get("requests", 0)
    rejected = stats.get("429", 0) - base_stats.get("429", 0)
    succeeded = requests_made - rejected
    delivered = SyncEvent.objects.filter(status="delivered").count()
    remote = state["applications"]
    duplicated = sum(1 for app in remote.values() if len(app["moves"]) > 1)
    lost = sum(1 for app in remote.values() if app["stage_id"] != "interview") + (args.moves - delivered)
    achieved = succeeded / elapsed
    result = {
        "moves": args.moves,
        "rate": args.rate,
        "workers": f"{args.processes} processes × {args.workers} threads",
        "limiter": limiter,
        "elapsed": elapsed,
        "achieved": achieved,
        "fraction": achieved / args.rate,
        "requests": requests_made,
        "429": rejected,
        "share_429": rejected / requests_made if requests_made else 0.0,
        "delivered": delivered,
        "lost": lost,
        "duplicated": duplicated,
        "errors": len(errors),
    }
    print(
        f"{args.moves} moves in {elapsed:.1f} s with R = {args.rate}/s ({limiter} limiter, "
        f"{args.processes}x{args.workers} workers): "
        f"{achieved:.1f} successful requests/s = {result['fraction']:.1%} of R; 429s {rejected}/{requests_made} "
        f"= {result['share_429']:.2%}; lost {lost}, duplicated {duplicated}, errors {len(errors)}"
    )
    for error in errors[:5]:
        print("  ", error)
    if not args.no_write:
        write_section(result)
    ok = result["fraction"] >= 0.9 and result["share_429"] < 0.01 and lost == 0 and duplicated == 0 and not errors
    return 0 if ok else 1


def write_section(result: dict) -> None:
    section = f"""{START}
## ATS sync

Measured by `tests/bench/bench_sync.py`: {result["moves"]:,} stage moves delivered by the real
delivery service (claim, per-connection {result["limiter"]} token bucket, Workable adapter, HTTP,
bookkeeping) from {result["workers"]} of workers to the sandbox Workable, which allows
R = {result["rate"]} requests per second (fixed 1 s windows, 429 + Retry-After beyond that).
Our limiter runs at 95 % of R with a burst of one. The sandbox runs in its own process. Python\n{platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, SQLite file database (WAL, synchronous=NORMAL).

| What | Result | Aim |
|---|---:|---:|
| Achieved rate / R | {result["fraction"]:.1%} ({result["achieved"]:.1f}/s in {result["elapsed"]:.1f} s) | ≥ 90 % |
| Requests answered 429 | {result["share_429"]:.2%} ({result["429"]} of {result["requests"]:,}) | < 1 % |
| Lost moves | {result["lost"]} | 0 |
| Duplicated moves | {result["duplicated"]} | 0 |

A move is lost if its event is not delivered or the remote stage differs; duplicated if the
sandbox received it more than once.
{END}"""
    text = DOC.read_text() if DOC.exists() else "# Performance\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
