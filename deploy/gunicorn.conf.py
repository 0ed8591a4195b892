"""gunicorn settings for an app host (docs/deployment.md): ``gunicorn -c deploy/gunicorn.conf.py
wsgi:app``. Every setting can be overridden from the environment (GUNICORN_*).

Sync workers, because nginx buffers each request and response in full (deploy/nginx): a
worker never waits on a slow client, so the only waits left are the database's, and on the
save path two sync workers measured faster than 4 × 4 gthread on a 2-core host (issue 16).
"""

import multiprocessing
import os
import shutil
from pathlib import Path

from prometheus_client import multiprocess

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
# One per core is the save path's best on a host that runs nothing else; more per core
# overlap waits on a remote PostgreSQL.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
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
