"""A mixed recruiter workload for `tests/bench/bench_pages.py` (locust, headless).

The page URLs come from the environment (BENCH_PAGES, JSON: label -> path), prepared by
the harness from the seeded data, so this file knows nothing about ids.
"""

import json
import os
import random
import re

from locust import HttpUser, between, task

PAGES: dict[str, str] = json.loads(os.environ["BENCH_PAGES"])
MOVES: list[dict] = json.loads(os.environ["BENCH_MOVES"])
PASSWORD = os.environ["BENCH_PASSWORD"]
RECRUITERS: list[str] = json.loads(os.environ["BENCH_USERS"])


class Recruiter(HttpUser):
    # A recruiter clicks every second or so; with one user the pages run one at a time.
    wait_time = between(0.5, 1.5)

    def on_start(self):
        page = self.client.get("/accounts/login/", name="login form")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self.client.post(
            "/accounts/login/",
            {"username": random.choice(RECRUITERS), "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/accounts/login/"},
            name="login",
            allow_redirects=False,
        )
        self.csrf = self.client.cookies.get("csrftoken", "")

    def _get(self, label: str):
        with self.client.get(PAGES[label], name=label, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")

    @task(4)
    def jobs_list(self):
        self._get("jobs list (25 rows, filtered and sorted)")

    @task(4)
    def board(self):
        self._get("pipeline board (5,000 applications)")

    @task(3)
    def job_candidates(self):
        self._get("candidates table of a job, filtered")

    @task(3)
    def resumes(self):
        self._get("resumes ranked by score (5,000)")

    @task(3)
    def search(self):
        self._get("candidate search across the org")

    @task(2)
    def move(self):
        move = random.choice(MOVES)
        with self.client.post(
            move["path"],
            {"stage": random.choice(move["stages"])},
            headers={"X-CSRFToken": self.csrf, "HX-Request": "true", "Referer": self.host + "/"},
            name="stage move (HTMX POST)",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
