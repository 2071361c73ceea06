import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# What gunicorn serves runs in production mode unless DJANGO_ENV says otherwise (config/settings.py).
os.environ.setdefault("DJANGO_ENV", "production")
application = get_wsgi_application()

# Web requests, and only they, have their statements cut off after DATABASE_STATEMENT_TIMEOUT.
from config.database import limit_served_statements  # noqa: E402

limit_served_statements()

# What is loaded by now lives as long as the process: moved out of the garbage collector's view, so
# its full collections scan only what requests make (one of 67-105 ms every ~20 requests before: the
# enterprise table's p95 at a million enterprises).
import gc  # noqa: E402

gc.collect()
gc.freeze()
