"""The deployment (README «Развёртывание»): deploy/ (gunicorn, systemd, nginx,
compose), the Dockerfile, .env.example and the README's table of variables.

Every environment variable the code reads is found by reading the code (so a new
one fails here until it is documented), gunicorn really serves the portal with
deploy/gunicorn.conf.py, the systemd units pass `systemd-analyze verify`, and
neither nginx nor compose ever serves the uploaded files."""

from __future__ import annotations

import ast
import configparser
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.mentoring.test_security import check_deploy

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SYSTEMD = DEPLOY / "systemd"
ENV_EXAMPLE = ROOT / ".env.example"
README = ROOT / "README.md"
COMPOSE = DEPLOY / "compose.yaml"
NGINX = DEPLOY / "nginx" / "mentoring.conf"
VENV_BIN = Path(sys.executable).parent
# Where the units expect the checkout (README: git clone … /srv/mentoring).
SERVER_ROOT = "/srv/mentoring"

APP_PACKAGES = [
    "mentoring",
    "people",
    "pairs",
    "monitoring",
    "municipal",
    "rollover",
    "safeguarding",
]
# Added with the deployment issue: documented whether or not the code has them yet.
NEW_VARIABLES = {
    "LOG_FORMAT",
    "SENTRY_DSN",
    "SENTRY_ENVIRONMENT",
    "SENTRY_TRACES_SAMPLE_RATE",
    "MEDIA_STORAGE",
    "S3_BUCKET",
    "S3_ENDPOINT_URL",
    "S3_REGION",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "CELERY_VISIBILITY_TIMEOUT",
    "JOB_TIME_LIMIT",
    "GUNICORN_BIND",
    "WEB_CONCURRENCY",
    "GUNICORN_TIMEOUT",
}
LONG_RUNNING = ["mentoring-web", "mentoring-worker", "mentoring-beat"]


# --- which variables the code reads ---------------------------------------------


def _is_os_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _string(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _reads_environ(node: ast.AST) -> bool:
    return any(
        _is_os_environ(inner)
        or (
            isinstance(inner, ast.Attribute)
            and inner.attr == "getenv"
            and isinstance(inner.value, ast.Name)
            and inner.value.id == "os"
        )
        for inner in ast.walk(node)
    )


def env_reads(source: str) -> set[str]:
    """Names read from the environment: os.environ.get("X"), os.environ["X"],
    os.getenv("X"), "X" in os.environ, dj_database_url.config() (DATABASE_URL)
    and the module's own helpers that read a variable by the name they are given
    (settings' env_bool("X", …), env_list("X")…)."""
    tree = ast.parse(source)
    helpers = {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.args.args and _reads_environ(node)
    }
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            first = _string(node.args[0]) if node.args else None
            if (
                (
                    isinstance(func, ast.Attribute)
                    and func.attr == "get"
                    and _is_os_environ(func.value)
                )
                or (
                    isinstance(func, ast.Attribute)
                    and func.attr == "getenv"
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "os"
                )
                or isinstance(func, ast.Name)
                and func.id in helpers
            ):
                if first:
                    names.add(first)
            elif (
                isinstance(func, ast.Attribute)
                and func.attr == "config"
                and isinstance(func.value, ast.Name)
                and func.value.id == "dj_database_url"
            ):
                env = next((k.value for k in node.keywords if k.arg == "env"), None)
                names.add(_string(env) or "DATABASE_URL")
        elif (
            isinstance(node, ast.Subscript)
            and _is_os_environ(node.value)
            and isinstance(node.ctx, ast.Load)
            and _string(node.slice)
        ):
            names.add(_string(node.slice))
        elif (
            isinstance(node, ast.Compare)
            and len(node.ops) == 1
            and isinstance(node.ops[0], ast.In | ast.NotIn)
            and _is_os_environ(node.comparators[0])
            and _string(node.left)
        ):
            names.add(_string(node.left))
    return names


def code_files() -> list[Path]:
    """The portal's own code (its settings first), manage.py and gunicorn's config;
    not the tests, the migrations, the load test or the benchmarks."""
    files = [ROOT / "manage.py", DEPLOY / "gunicorn.conf.py"]
    for package in APP_PACKAGES:
        files += [
            path
            for path in sorted((ROOT / package).rglob("*.py"))
            if "migrations" not in path.parts
        ]
    return files


def variables_read() -> dict[str, list[str]]:
    """{name: [files that read it]}."""
    found: dict[str, list[str]] = {}
    for path in code_files():
        for name in env_reads(path.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(str(path.relative_to(ROOT)))
    # Set by the entry points for Django itself, not a setting of the portal.
    found.pop("DJANGO_SETTINGS_MODULE", None)
    return found


def env_example_names() -> set[str]:
    """Every VAR=… line of .env.example, commented-out (a default shown) or not."""
    return set(
        re.findall(
            r"^#?\s*([A-Z][A-Z0-9_]*)=",
            ENV_EXAMPLE.read_text(encoding="utf-8"),
            re.MULTILINE,
        )
    )


def deployment_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Развёртывание\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def readme_table_names() -> set[str]:
    """The names in the first column of the tables of README «Развёртывание»."""
    names = set()
    for line in deployment_section().splitlines():
        if line.startswith("|") and line.count("|") >= 3:
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return names


def test_the_scan_finds_variables_read_every_way():
    found = variables_read()
    # os.environ.get, settings' env_bool / env_list, dj_database_url, gunicorn's config
    for name in [
        "SECRET_KEY",
        "DEBUG",
        "ALLOWED_HOSTS",
        "SECURE_HSTS_PRELOAD",
        "DATABASE_URL",
        "GUNICORN_BIND",
        "WEB_CONCURRENCY",
        "GUNICORN_TIMEOUT",
    ]:
        assert name in found, name
    assert env_reads('os.environ["A"]; "B" in os.environ; os.getenv("C")') == {
        "A",
        "B",
        "C",
    }


def test_every_variable_the_code_reads_is_in_env_example():
    missing = {
        name: files
        for name, files in variables_read().items()
        if name not in env_example_names()
    }
    assert not missing, f"add to .env.example (with a comment): {missing}"


def test_every_variable_the_code_reads_is_in_the_readme_table():
    missing = {
        name: files
        for name, files in variables_read().items()
        if name not in readme_table_names()
    }
    assert not missing, f"add to README «Развёртывание» → таблица: {missing}"


def test_env_example_and_readme_table_list_the_same_variables():
    example, table = env_example_names(), readme_table_names()
    assert example - table == set(), "in .env.example, not in the README table"
    assert table - example == set(), "in the README table, not in .env.example"


def test_the_deployment_variables_are_documented():
    assert env_example_names() >= NEW_VARIABLES
    assert readme_table_names() >= NEW_VARIABLES


def test_env_example_is_one_plain_assignment_a_line():
    """Read by systemd (EnvironmentFile), by `. file` in deploy/manage.sh and by
    compose (env_file): no quotes, spaces or comments after a value."""
    for number, line in enumerate(
        ENV_EXAMPLE.read_text(encoding="utf-8").splitlines(), 1
    ):
        if not line.strip() or line.startswith("#"):
            continue
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*=[^\s'\"#]*", line), (number, line)


def env_example_values() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


def test_env_example_passes_check_deploy(tmp_path):
    """The example with a real key passes `check --deploy` without a warning (its
    STATIC_ROOT, for one, is not the repository's static/ of /srv/mentoring)."""
    values = env_example_values()
    static_root = Path(values["STATIC_ROOT"])
    assert static_root != Path(SERVER_ROOT) / "static"
    assert Path(values["MEDIA_ROOT"]) != static_root
    env = {
        **clean_env(tmp_path),
        **values,
        "SECRET_KEY": "k" + os.urandom(32).hex() + "-Zq!",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "BACKUP_DIR": str(tmp_path / "backups"),
    }
    result = check_deploy(env)
    assert result.returncode == 0, result.stdout + result.stderr


# --- compose and the image ------------------------------------------------------


def load_yaml(path: Path):
    """PyYAML when the venv has it, else Debian's python3-yaml."""
    try:
        import yaml
    except ImportError:
        yaml = None
    if yaml is not None:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    system_python = Path("/usr/bin/python3")
    if system_python.exists():
        result = subprocess.run(
            [
                str(system_python),
                "-c",
                "import json, sys, yaml;"
                " json.dump(yaml.safe_load(sys.stdin), sys.stdout)",
            ],
            input=path.read_text(encoding="utf-8"),
            capture_output=True,
            text=True,
            timeout=30,
        )
        if result.returncode == 0:
            return json.loads(result.stdout)
    pytest.skip("no YAML parser: pip install pyyaml (or apt-get install python3-yaml)")


@pytest.fixture(scope="module")
def compose():
    return load_yaml(COMPOSE)


APP_SERVICES = ["migrate", "web", "worker", "beat", "backup"]


def test_compose_has_its_services(compose):
    services = compose["services"]
    assert {"db", "redis", "migrate", "web", "worker", "beat"} <= set(services)
    assert services["db"]["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["redis"]["image"] == "redis:7-alpine"
    assert services["backup"]["profiles"] == ["backup"]
    assert {"media", "backups", "pgdata"} <= set(compose["volumes"])
    migrate = " ".join(services["migrate"]["command"])
    assert "migrate" in migrate and "loaddata catalogues" in migrate
    assert services["migrate"]["restart"] == "no"
    web = services["web"]
    assert web["command"][:3] == ["gunicorn", "-c", "deploy/gunicorn.conf.py"]
    assert web["ports"] == ["127.0.0.1:8000:8000"]  # behind the host's nginx
    assert "/healthz" in " ".join(web["healthcheck"]["test"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "mentoring", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "mentoring", "beat"]


def test_compose_app_services_use_db_redis_and_the_env_file(compose):
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert service["env_file"] == ".env", name
        env = service["environment"]
        assert "@db:5432/" in env["DATABASE_URL"], name
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:"), name
        assert env["GUNICORN_BIND"] == "0.0.0.0:8000", name
        build = service["build"]
        assert (COMPOSE.parent / build["context"] / build["dockerfile"]).resolve() == (
            ROOT / "Dockerfile"
        ), name
    assert compose["services"]["web"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }


def test_compose_never_serves_media(compose):
    for name, service in compose["services"].items():
        image = service.get("image", "")
        assert not re.match(r"(nginx|caddy|httpd|traefik)", image), name
        media_root = service.get("environment", {}).get("MEDIA_ROOT", "")
        static_root = service.get("environment", {}).get("STATIC_ROOT", "")
        for volume in service.get("volumes", []):
            source, target = volume.split(":")[:2]
            if "media" in source or "media" in target:
                assert name in APP_SERVICES, (name, volume)
                assert target == media_root, (name, volume)
                assert "static" not in target, (name, volume)
            assert not (static_root and target.startswith(static_root)), (name, volume)
    # the web service publishes gunicorn only, on the host's loopback
    for name, service in compose["services"].items():
        if name != "web":
            assert "ports" not in service, name


def test_compose_lets_a_stopping_worker_finish_its_job(compose):
    grace = compose["services"]["worker"]["stop_grace_period"]
    number, unit = re.fullmatch(r"(\d+)([sm])", grace).groups()
    seconds = int(number) * (60 if unit == "m" else 1)
    assert seconds >= getattr(settings, "JOB_TIME_LIMIT", 1800)


def test_dockerfile(compose):
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim-bookworm$", text, re.MULTILINE)
    for package in [
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz-subset0",
        "fonts-dejavu-core",
        "fonts-dejavu-extra",
        "gettext",
        "postgresql-client",
    ]:
        assert package in text, package
    assert 'pip install ".' in text
    assert "manage.py compilemessages" in text
    assert "manage.py collectstatic --noinput" in text
    users = re.findall(r"^USER (\S+)$", text, re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
    # pg_dump of the server's major version: an older one refuses to dump it
    pg_major = re.search(r"^ARG PG_MAJOR=(\d+)$", text, re.MULTILINE).group(1)
    db_major = compose["services"]["db"]["image"].split(":")[1].split(".")[0]
    assert pg_major == db_major
    assert compose["services"]["web"]["build"]["args"]["PG_MAJOR"] == db_major
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for pattern in [".env", "**/.env", ".venv", "media", "db.sqlite3", ".git"]:
        assert pattern in ignored, pattern


# --- systemd ----------------------------------------------------------------------


def units() -> dict[str, Path]:
    return {path.name: path for path in sorted(SYSTEMD.glob("mentoring-*"))}


def read_unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(
        interpolation=None, strict=False, empty_lines_in_values=False
    )
    parser.optionxform = str
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def test_the_units_are_there():
    assert set(units()) == {
        "mentoring-web.service",
        "mentoring-worker.service",
        "mentoring-beat.service",
        "mentoring-backup.service",
        "mentoring-backup.timer",
    }


@pytest.mark.skipif(
    not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed"
)
def test_units_pass_systemd_analyze_verify(tmp_path):
    """A copy of each unit whose programs in /srv/mentoring/.venv/bin are this
    venv's (verify insists they exist); any warning about them fails."""
    copies = []
    for name, path in units().items():
        text = path.read_text(encoding="utf-8")
        text = text.replace(f"{SERVER_ROOT}/.venv/bin/", f"{VENV_BIN}/")
        copy = tmp_path / name
        copy.write_text(text, encoding="utf-8")
        copies.append(str(copy))
    result = subprocess.run(
        ["systemd-analyze", "verify", *copies],
        capture_output=True,
        text=True,
        timeout=60,
    )
    ours = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if "mentoring-" in line or str(tmp_path) in line
    ]
    assert result.returncode == 0 and not ours, result.stdout + result.stderr


def test_units_run_as_mentoring_hardened():
    values = env_example_values()
    writes = {
        "mentoring-web.service": {values["MEDIA_ROOT"], "/var/lib/mentoring"},
        "mentoring-worker.service": {values["MEDIA_ROOT"], "/var/lib/mentoring"},
        "mentoring-beat.service": {"/var/lib/mentoring"},
        "mentoring-backup.service": {values["BACKUP_DIR"], "/var/lib/mentoring"},
    }
    for name, path in units().items():
        if not name.endswith(".service"):
            continue
        unit = read_unit(path)
        service = unit["Service"]
        assert service["User"] == "mentoring" and service["Group"] == "mentoring"
        assert service["WorkingDirectory"] == SERVER_ROOT
        assert service["EnvironmentFile"] == "/etc/mentoring/mentoring.env"
        assert service["NoNewPrivileges"] == "yes"
        assert service["ProtectSystem"] == "strict"
        assert service["PrivateTmp"] == "yes"
        assert service["ProtectHome"] == "yes"
        assert set(service["ReadWritePaths"].split()) == writes[name], name
        assert "postgresql.service" in unit["Unit"]["After"].split()
        assert "postgresql.service" in unit["Unit"]["Wants"].split()
        program = service["ExecStart"].split()[0]
        assert program.startswith(f"{SERVER_ROOT}/.venv/bin/"), name
        assert (VENV_BIN / Path(program).name).exists(), program
        if name.removesuffix(".service") in LONG_RUNNING:
            assert service["Restart"] == "on-failure", name
            assert "redis-server.service" in unit["Unit"]["After"].split(), name
            assert unit["Install"]["WantedBy"] == "multi-user.target", name


def test_unit_commands():
    web, worker, beat, backup = (
        read_unit(units()[f"mentoring-{name}.service"])["Service"]
        for name in ["web", "worker", "beat", "backup"]
    )
    assert web["ExecStart"] == (
        f"{SERVER_ROOT}/.venv/bin/gunicorn -c {SERVER_ROOT}/deploy/gunicorn.conf.py "
        "mentoring.wsgi"
    )
    assert web["Type"] == "notify"  # gunicorn tells systemd it is ready
    assert int(web["TimeoutStopSec"]) > 60  # graceful_timeout = GUNICORN_TIMEOUT
    assert worker["ExecStart"].endswith(
        "celery -A mentoring worker --loglevel=INFO --concurrency 2"
    )
    # SIGTERM to the main process only: it waits for its running jobs
    assert worker["KillMode"] == "mixed"
    assert int(worker["TimeoutStopSec"]) >= getattr(settings, "JOB_TIME_LIMIT", 1800)
    assert beat["ExecStart"].endswith(
        "celery -A mentoring beat --loglevel=INFO "
        "--schedule /var/lib/mentoring/celerybeat-schedule"
    )
    assert backup["Type"] == "oneshot"
    assert backup["ExecStart"].endswith("manage.py backup")
    assert "Restart" not in backup

    timer = read_unit(units()["mentoring-backup.timer"])
    assert timer["Timer"]["OnCalendar"] == "*-*-* 02:00:00"
    assert timer["Timer"]["Persistent"] == "true"
    assert timer["Timer"]["Unit"] == "mentoring-backup.service"
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_manage_wrapper_is_valid_shell():
    script = DEPLOY / "manage.sh"
    assert os.access(script, os.X_OK)
    subprocess.run(["sh", "-n", str(script)], check=True, timeout=10)
    assert "/etc/mentoring/mentoring.env" in script.read_text(encoding="utf-8")


# --- nginx ------------------------------------------------------------------------


def nginx_directives() -> str:
    """The configuration without its comments."""
    return re.sub(r"#[^\n]*", "", NGINX.read_text(encoding="utf-8"))


def test_nginx_does_not_serve_media():
    conf = nginx_directives()
    blocks = re.findall(r"location\s+([^{\s]+)\s*\{([^}]*)\}", conf)
    media = [body for path, body in blocks if "media" in path]
    assert [" ".join(body.split()) for body in media] == ["return 404;"]
    # nothing maps a URL onto files on disk but the static alternative
    for directive in re.findall(r"^\s*(?:alias|root)\s+([^;]+);", conf, re.MULTILINE):
        assert "media" not in directive
    assert "media" not in conf.replace("location /media/", "")
    # and says why
    assert "проверяют" in NGINX.read_text(encoding="utf-8")


def test_nginx_proxies_to_gunicorn():
    conf = nginx_directives()
    assert "server 127.0.0.1:8000" in conf
    assert "proxy_pass http://mentoring;" in conf
    for header in ["X-Forwarded-Proto", "X-Forwarded-For", "X-Forwarded-Host", "Host"]:
        assert re.search(rf"proxy_set_header\s+{header}\s", conf), header
    assert re.search(r"client_max_body_size\s+20m;", conf)
    read_timeout = int(re.search(r"proxy_read_timeout\s+(\d+)s;", conf).group(1))
    assert read_timeout > 60  # longer than GUNICORN_TIMEOUT's default
    assert re.search(r"listen\s+443\s+ssl", conf)
    assert "return 301 https://" in conf


# --- gunicorn really serves ---------------------------------------------------------


def clean_env(tmp_path: Path) -> dict[str, str]:
    """An environment without the test session's settings (conftest sets TESTING,
    SECRET_KEY…): what a server would have."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "TESTING": "0",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, host: str = "127.0.0.1"):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": host}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """gunicorn -c deploy/gunicorn.conf.py mentoring.wsgi, DEBUG=0, on a free port,
    with the static files collected (the manifest storage needs them)."""
    tmp = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    env = {
        **clean_env(tmp),
        "DEBUG": "0",
        "SECRET_KEY": "x",
        "ALLOWED_HOSTS": "mentoring.example.org,127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    log = tmp / "gunicorn.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "-c",
                "deploy/gunicorn.conf.py",
                "mentoring.wsgi",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited: {log.read_text(errors='replace')}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"gunicorn did not listen: {log.read_text()}")
                time.sleep(0.2)
        yield {"port": port, "static_root": tmp / "static", "log": log}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def test_gunicorn_serves_healthz(gunicorn):
    status, headers, body = get(gunicorn["port"], "/healthz")
    assert headers["Content-Type"] == "application/json"
    report = json.loads(body)
    # an unmigrated database still answers SELECT 1; no broker: no Redis, no worker
    assert status == 200, report
    assert report == {
        "status": "ok",
        "database": "ok",
        "redis": "not used",
        "worker": "not used",
    }


def test_gunicorn_serves_static_files_with_whitenoise(gunicorn):
    manifest = json.loads((gunicorn["static_root"] / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    status, headers, body = get(gunicorn["port"], f"/static/{hashed}")
    assert status == 200
    assert body == (gunicorn["static_root"] / hashed).read_bytes()
    assert headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"]


def test_gunicorn_logs_requests_as_django_json_lines(gunicorn):
    """No access log of gunicorn's: Django's JSON line per request, to stderr."""
    get(gunicorn["port"], "/healthz?probe=1", host="mentoring.example.org")
    deadline = time.monotonic() + 5
    while True:
        lines = gunicorn["log"].read_text(encoding="utf-8").splitlines()
        records = []
        for line in lines:
            try:
                records.append(json.loads(line))
            except ValueError:
                continue
        requests = [
            r for r in records if isinstance(r, dict) and r.get("path") == "/healthz"
        ]
        if requests or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert requests, lines
    assert requests[-1]["status"] == 200
    assert requests[-1]["request_id"]
    assert not any("GET /healthz" in line and "HTTP/1" in line for line in lines)
    assert "probe=1" not in "\n".join(lines)  # query strings are never logged


def test_compose_healthcheck_passes_against_gunicorn(gunicorn, compose):
    """The web service's healthcheck command itself, pointed at this gunicorn:
    it asks with the first name of ALLOWED_HOSTS."""
    test = compose["services"]["web"]["healthcheck"]["test"]
    assert test[0] == "CMD" and test[1] == "python"
    command = [sys.executable, *test[2:]]
    command = [
        part.replace("127.0.0.1:8000", f"127.0.0.1:{gunicorn['port']}")
        for part in command
    ]
    env = {
        **clean_env(gunicorn["static_root"]),
        "ALLOWED_HOSTS": "mentoring.example.org",
    }
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    env["ALLOWED_HOSTS"] = "elsewhere.example.org"  # a name the server refuses
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode != 0
