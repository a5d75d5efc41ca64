import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yishi.settings")
application = get_wsgi_application()

# A production server refuses to start with the development keys (yishi/core/checks.py).
from yishi.core.checks import refuse_to_start_misconfigured  # noqa: E402

refuse_to_start_misconfigured()
