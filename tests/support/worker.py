"""A real Celery worker for fault tests, in its own process.

    python tests/support/worker.py QUEUE [--pause-before-task SECONDS --started-marker PATH]

With --pause-before-task the worker writes the marker file when a task begins and then
sleeps before running it, so a test can SIGKILL it mid-task. The broker's visibility
timeout is a few seconds, so a killed worker's unacknowledged task comes back quickly.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from celery.signals import task_prerun  # noqa: E402

from config.celery import app  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("queue")
    parser.add_argument("--pause-before-task", type=float, default=0)
    parser.add_argument("--started-marker", default="")
    options = parser.parse_args()

    if options.pause_before_task:

        @task_prerun.connect(weak=False)
        def pause(**kwargs):
            Path(options.started_marker).write_text(kwargs["task"].name)
            time.sleep(options.pause_before_task)

    app.conf.update(
        task_always_eager=False,
        broker_transport_options={
            "visibility_timeout": 4,
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        },
    )
    app.worker_main(
        [
            "worker",
            "--queues",
            options.queue,
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ]
    )


if __name__ == "__main__":
    main()
