"""django-helpdesk, installed from PyPI into a venv of its own, as the comparison of bench/load.py.

A throwaway project in a temporary directory: Django and django-helpdesk pinned below, its
own PostgreSQL database on the same cluster, django-helpdesk's REST API (Django REST
framework, ``/helpdesk/api/tickets/``) served by gunicorn with the same flags as Casework.
Staff users authenticate with DRF tokens (one query per request, as Casework's bearer
tokens), since DRF's default Basic authentication would hash a password per request.

Tickets are created as the API documents them: a queue, a title, a description and the
submitter's e-mail (what a complainant's contact is to Casework). The e-mail templates are
loaded as the installation guide says (``loaddata emailtemplate.json``); mail goes to
Django's dummy backend, so no mail leaves the machine.

The venv is kept between runs under ~/.cache/casework-bench/ (keyed by the pins); the
project and its database are made anew each run.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from . import common as C

PINS = [
    "django-helpdesk==2.6.1",
    "Django==5.2.19",
    "djangorestframework==3.18.3",
    "psycopg[binary]==3.3.9",
    "gunicorn==27.0.1",
    # django-helpdesk's own dependencies, pinned as resolved on 2026-11-30
    "django-cleanup==9.0.0",
    "django-model-utils==5.0.0",
    "email-reply-parser==0.5.12",
    "Markdown==3.11.3",
    "beautifulsoup4==4.15.0",
    "soupsieve==4.1.3",
    "nh3==0.3.8",
    "oauthlib==4.0.1",
    "requests-oauthlib==2.0.0",
    "requests==2.34.2",
]

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "casework-bench"

SETTINGS = '''
"""Throwaway django-helpdesk project for Casework's bench/load.py."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.messages", "django.contrib.staticfiles", "django.contrib.sites", "django.contrib.humanize",
    "rest_framework", "rest_framework.authtoken", "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "hdproj.urls"
WSGI_APPLICATION = "hdproj.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {
    "ENGINE": "django.db.backends.postgresql", "NAME": os.environ["HD_DB_NAME"],
    "USER": os.environ["HD_DB_USER"], "PASSWORD": os.environ["HD_DB_PASSWORD"],
    "HOST": os.environ["HD_DB_HOST"], "PORT": os.environ["HD_DB_PORT"],
    "CONN_MAX_AGE": 600, "CONN_HEALTH_CHECKS": True,
}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "static"
MEDIA_ROOT = BASE_DIR / "media"
SITE_ID = 1
LOGIN_URL = "/helpdesk/login/"
HELPDESK_TEAMS_MODE_ENABLED = False
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"]}
# as Casework with DJANGO_DEBUG=0, behind the same TLS-terminating proxy
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_CONTENT_TYPE_NOSNIFF = True
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "root": {"handlers": ["console"], "level": "WARNING"}}
'''

URLS = '''
from django.contrib import admin
from django.urls import include, path

urlpatterns = [path("admin/", admin.site.urls), path("helpdesk/", include("helpdesk.urls"))]
'''

WSGI = '''
import os
from django.core.wsgi import get_wsgi_application
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdproj.settings")
application = get_wsgi_application()
'''

SETUP = '''
"""Queues (one per township) and staff users with DRF tokens; prints them as JSON."""
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from helpdesk.models import Queue

towns, per = json.loads(sys.argv[1])
User = get_user_model()
out = []
for i, town in enumerate(towns):
    q = Queue.objects.create(title=town + "信访办", slug=f"t{i + 1}", allow_public_submission=False)
    for k in range(per):
        u = User.objects.create_user(f"clerk_t{i + 1}_{k + 1}", email=f"clerk{i + 1}{k + 1}@example.org",
                                     is_staff=True, password=None)
        out.append({"username": u.username, "token": Token.objects.create(user=u).key, "queue": q.pk, "town": town})
print(json.dumps(out))
'''


class HelpdeskUnavailable(Exception):
    """Why the comparison could not run (said in the output; the ratio is then nan)."""


@dataclass
class HelpdeskSite:
    server: C.Server
    users: list[dict]


def venv() -> Path:
    """The venv with the pins, made once and kept; raises HelpdeskUnavailable saying why not."""
    key = hashlib.sha256("\n".join(PINS + [sys.version]).encode()).hexdigest()[:12]
    path = CACHE / f"helpdesk-{key}"
    ok = path / ".complete"
    if ok.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    C.log(f"   making the django-helpdesk venv {path} (once; pip install {len(PINS)} pins)")
    r = subprocess.run([sys.executable, "-m", "venv", "--clear", str(path)], capture_output=True, text=True,
                       timeout=300)
    if r.returncode != 0:
        raise HelpdeskUnavailable(f"python -m venv failed: {r.stderr.strip()[-500:]}")
    r = subprocess.run([str(path / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                        *PINS], capture_output=True, text=True, timeout=900)
    if r.returncode != 0:
        raise HelpdeskUnavailable(f"pip install of {' '.join(PINS)} failed: {r.stderr.strip()[-1500:]}")
    ok.write_text("\n".join(PINS))
    return path


def _env(db: str, project: Path, secret: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8", "PYTHONPATH": str(project), "DJANGO_SETTINGS_MODULE": "hdproj.settings",
        "DJANGO_SECRET_KEY": secret, "HD_DB_NAME": db, "HD_DB_USER": C.PG_USER, "HD_DB_PASSWORD": C.PG_PASSWORD,
        "HD_DB_HOST": C.PG_HOST, "HD_DB_PORT": str(C.PG_PORT),
    }


def prepare(tmp: Path, db: str, *, towns: list[str], per_town: int, workers: int, threads: int) -> HelpdeskSite:
    """Install (or reuse) the venv, write the project, migrate a fresh database, make users; the server, not started."""
    env_dir = venv()
    py = env_dir / "bin" / "python"
    project = tmp / "helpdesk_project"
    (project / "hdproj").mkdir(parents=True, exist_ok=True)
    (project / "hdproj" / "__init__.py").write_text("")
    (project / "hdproj" / "settings.py").write_text(textwrap.dedent(SETTINGS))
    (project / "hdproj" / "urls.py").write_text(textwrap.dedent(URLS))
    (project / "hdproj" / "wsgi.py").write_text(textwrap.dedent(WSGI))
    (project / "setup_bench.py").write_text(textwrap.dedent(SETUP))
    C.recreate_database(db)
    env = _env(db, project, C.BENCH_SECRET)

    def run(*args: str) -> str:
        r = subprocess.run([str(py), *args], env=env, cwd=project, capture_output=True, text=True, timeout=900)
        if r.returncode != 0:
            raise HelpdeskUnavailable(f"{' '.join(args[:3])} failed: {(r.stdout + r.stderr).strip()[-1500:]}")
        return r.stdout

    run("-m", "django", "migrate", "--noinput")
    run("-m", "django", "loaddata", "emailtemplate.json")
    users = json.loads(run("setup_bench.py", json.dumps([towns, per_town])).strip().splitlines()[-1])
    port = C.free_port()
    argv = C.gunicorn_argv(env_dir / "bin" / "gunicorn", "hdproj.wsgi:application", port, workers=workers,
                           threads=threads)
    server = C.Server("django-helpdesk", argv, env, project, port, tmp / "helpdesk-gunicorn.log",
                      "/helpdesk/api/tickets/?page_size=1",
                      C.json_headers(users[0]["token"], scheme="Token"))
    return HelpdeskSite(server, users)


def ticket_body(rng, queue: int, town: str) -> dict:
    category, request, facts = rng.choice(C.MATTERS)
    n = rng.randrange(1_000_000)
    return {
        "queue": queue,
        "title": f"{request}（{n}）",
        "description": f"{request}。{facts} 地址：{town}幸福村{n % 12 + 1}组；电话 13{n:09d}。",
        "submitter_email": f"p{n}@example.org",
        "priority": 3,
    }
