"""gunicorn settings: `gunicorn -c deploy/gunicorn.conf.py mentoring.wsgi`.

Read from the environment (README «Развёртывание», .env.example):

- GUNICORN_BIND: address to listen on (default 127.0.0.1:8000, behind nginx;
  the container listens on 0.0.0.0:8000);
- WEB_CONCURRENCY: worker processes (default 3; about 2 per CPU core, each
  takes 150-250 MB with the PDF and Excel libraries loaded);
- GUNICORN_TIMEOUT: seconds a request may take before its worker is killed and
  restarted (default 60: the largest PDF documents take a few seconds, longer
  exports run as background jobs).

No access log: Django writes one line per request itself (JSON with LOG_FORMAT=json:
request id, method, path without the query string, status, duration, user id).
gunicorn's own messages go to standard error, that is to the journal.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On stop or restart a worker finishes the request it is serving, for as long as
# a request may take (systemd's TimeoutStopSec for the web unit is longer).
graceful_timeout = timeout
keepalive = 5

# A worker is replaced after this many requests (memory grown by a big import
# goes back); the jitter keeps the workers from restarting all at once.
max_requests = 1000
max_requests_jitter = 100

# The workers' heartbeat files: on a RAM disk, a slow or busy disk would make
# the arbiter believe a worker hangs.
if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
    worker_tmp_dir = "/dev/shm"

accesslog = None
errorlog = "-"
loglevel = "info"
proc_name = "mentoring-web"
