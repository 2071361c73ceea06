"""gunicorn settings: `gunicorn -c deploy/gunicorn.conf.py config.wsgi` from the project root.

Threads (gthread) because pages wait on PostgreSQL and exports stream for a long time: a streamed
export holds a thread, not a whole worker. Each GUNICORN_* variable overrides the default beside it;
docs/deployment.md explains how to size them.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# A worker silent for this long is restarted. With threads the heartbeat keeps going while a request
# runs, so this does not cut long exports short; it catches a stuck worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 60  # a restart lets running requests (an import, an export) finish first
keepalive = 5
# Recycle workers now and then, so that a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200
# nginx on the same machine is the only client.
forwarded_allow_ips = "127.0.0.1,::1"
# gunicorn 27's control socket: unused here, and instances on one machine would share its path.
control_socket_disable = True

# The app logs one JSON line per request (config/logging.py); gunicorn's own messages go to standard
# error in the same format.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {"gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False}},
}
