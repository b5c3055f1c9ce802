"""`make bench`: every benchmark in turn; each writes its own section of docs/PERFORMANCE.md."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
failed = []
for script in ("bench_screening.py", "bench_sync.py", "bench_pages.py"):
    path = HERE / script
    if not path.exists():
        continue
    print(f"\n=== {script}", flush=True)
    if subprocess.run([sys.executable, str(path)], cwd=HERE.parents[1], check=False).returncode != 0:
        failed.append(script)
if failed:
    sys.exit(f"Benchmarks that failed: {', '.join(failed)}")
