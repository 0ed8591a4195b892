"""gunicorn settings for an app host (docs/deployment.md): ``gunicorn -c deploy/gunicorn.conf.py
wsgi:app``. Every setting can be overridden from the environment (GUNICORN_*).

The worker class follows the database (re-measured in issue 16, same run, alternating rounds:
``bench/exam_day.py --workers 2 --threads 1 --versus 4x4``, figures in docs/deployment.md):

* PostgreSQL: **gthread, 2 workers per core x 4 threads**. 4 x 4 gthread answered 1.9x the
  saves/s of 2 sync workers (median of 8 paired rounds) at the same CPU per save (5.5 vs
  5.8 ms): a thread waiting on the database's round trip lets another run.
* SQLite: **sync, one worker per core**. gthread still answered more saves/s on the shared
  machine (1.5x) but spent about 14 % more CPU per save (one writer at a time: threads add
  waiters at the write gate); on a host of its own, CPU per save is what sets the ceiling.

nginx buffers each request and response in full (deploy/nginx), so neither class waits on a
slow client.
"""

import multiprocessing
import os
import shutil
from pathlib import Path

from prometheus_client import multiprocess

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
_cores = multiprocessing.cpu_count()
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread" if _postgres else "sync")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * _cores if _postgres else _cores))
threads = int(os.environ.get("GUNICORN_THREADS", "4" if worker_class == "gthread" else "1"))
# A request that has not finished in this long is a stuck worker: it is killed, restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
# nginx keeps its upstream connections open (keepalive in deploy/nginx): match it.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
backlog = int(os.environ.get("GUNICORN_BACKLOG", "2048"))
# Recycle workers now and then (a leak stays small), not all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "2000"))
# nginx is the only client: trust its X-Forwarded-* from the loopback / private network.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = None  # the app writes one JSON line per request (app/ops/telemetry.py)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "warning")
proc_name = os.environ.get("GUNICORN_PROC_NAME", "xuekao")


def on_starting(server):
    # Prometheus' per-worker files: a fresh folder for each start of the master.
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
