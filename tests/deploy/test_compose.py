"""docker-compose.yaml and Dockerfile, checked without a Docker engine.

The file must parse; every service it names must exist and start under the profiles that start its dependants;
every build context, Dockerfile and mounted folder must be in the repository; the environment it gives the
containers must be what the code reads (found by reading the code, so the test fails when either side drifts);
and the image must be built from requirements.txt on the Airflow version the lock pins.
"""

from __future__ import annotations

import ast
import re
import shlex
import sys
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yaml"
CODE_DIRS = ("plugins", "dags", "scripts")
RUNTIME_DIRS = ("plugins", "dags")  # what runs inside the containers
# Options of providers that ship in the apache/airflow image but not in our lock: not checkable here.
PROVIDER_SECTIONS = {"celery"}
_VAR = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def interpolate(value: Any, env: dict[str, str] | None = None) -> Any:
    """Compose's variable substitution with an empty (or given) environment: defaults apply."""
    if not isinstance(value, str):
        return value
    env = env or {}

    def sub(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        name = m.group(1) or m.group(4)
        op, default = m.group(2), m.group(3) or ""
        current = env.get(name)
        if op in (":-", ":?") and not current or op in ("-", "?") and current is None:
            if op and op.endswith("?"):
                raise AssertionError(f"${{{name}}} is required by docker-compose.yaml")
            return default if op else ""
        return current or ""

    return _VAR.sub(sub, value)


def variables(text: str) -> set[str]:
    return {m.group(1) or m.group(4) for m in _VAR.finditer(text) if m.group(0) != "$$"}


def strings(node: Any) -> Iterator[str]:
    """Every string in the parsed file (compose interpolates values, not comments)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from strings(key)
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())  # resolves anchors and `<<` merge keys


def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def depends_on(service: dict[str, Any]) -> dict[str, dict[str, Any]]:
    deps = service.get("depends_on") or {}
    return {name: {} for name in deps} if isinstance(deps, list) else {k: v or {} for k, v in deps.items()}


def airflow_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in services(compose).items()
            if "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN" in environment(s)}


def bind_mounts(service: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            if volume.get("type") == "bind":
                yield volume["source"], volume["target"]
            continue
        source, target = volume.split(":")[:2]
        if source.startswith((".", "/", "~")):
            yield source, target


def command(service: dict[str, Any]) -> list[str]:
    cmd = service.get("command") or []
    return shlex.split(cmd) if isinstance(cmd, str) else [str(part) for part in cmd]


# --- structure ---------------------------------------------------------------------------------------------------
def test_every_referenced_service_exists_and_starts_with_its_dependants(compose: dict[str, Any]) -> None:
    all_services = services(compose)
    for name, service in all_services.items():
        mine = set(service.get("profiles") or [])
        for dep, spec in depends_on(service).items():
            assert dep in all_services, f"{name} depends on unknown service {dep}"
            theirs = set(all_services[dep].get("profiles") or [])
            # compose refuses to start a service whose dependency sits in a profile that is not enabled
            assert not theirs or spec.get("required") is False or mine and mine <= theirs, \
                f"{name} (profiles {sorted(mine)}) depends on {dep}, which only starts with {sorted(theirs)}"
    for name in ("airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer",
                 "airflow-init", "postgres", "ledger-db"):
        assert name in all_services and not all_services[name].get("profiles"), f"{name} must always start"
    assert set(all_services["sandbox-xero"]["profiles"]) == {"sandbox"} == set(
        all_services["sandbox-quickbooks"]["profiles"])
    assert {"redis", "airflow-worker"} <= {n for n, s in all_services.items() if "celery" in (s.get("profiles") or [])}


def test_build_contexts_dockerfiles_and_mounts_are_in_the_repository(compose: dict[str, Any]) -> None:
    declared_volumes = set(compose.get("volumes") or {})
    for name, service in services(compose).items():
        if build := service.get("build"):
            build = {"context": build} if isinstance(build, str) else build
            context = (ROOT / build.get("context", ".")).resolve()
            assert context.is_dir(), f"{name}: build context {context} missing"
            assert (context / build.get("dockerfile", "Dockerfile")).is_file(), f"{name}: Dockerfile missing"
        for volume in service.get("volumes") or []:
            source = volume["source"] if isinstance(volume, dict) else volume.split(":")[0]
            if source.startswith((".", "/")):
                assert (ROOT / source).exists(), f"{name} mounts {source}, which is not in the repository"
            else:
                assert source in declared_volumes, f"{name} uses undeclared volume {source}"
    mounted = {source for s in airflow_services(compose).values() for source, _ in bind_mounts(s)}
    assert {"./dags", "./plugins", "./include", "./config"} <= mounted


def test_airflow_services_run_real_airflow_commands_and_options(compose: dict[str, Any]) -> None:
    from airflow.cli.cli_parser import get_parser  # noqa: PLC0415
    from airflow.configuration import conf  # noqa: PLC0415

    parser = get_parser()
    for name, service in airflow_services(compose).items():
        cmd = command(service)
        if service.get("entrypoint") or not cmd or cmd[0] in ("bash", "python"):
            continue
        if cmd[0] == "celery":  # the celery provider ships in the image, not in our lock
            assert cmd == ["celery", "worker"], name
            continue
        parser.parse_args(cmd)  # exits (fails the test) on an unknown command
        for key in environment(service):
            if not key.startswith("AIRFLOW__"):
                continue
            section, option = (part.lower() for part in key[len("AIRFLOW__"):].split("__", 1))
            if section in PROVIDER_SECTIONS:
                continue
            known = conf.configuration_description.get(section, {}).get("options", {})
            assert option in known, f"{name}: {key} is not an option of the installed Airflow"


def test_tasks_reach_the_api_server_and_the_executor_defaults_to_local(compose: dict[str, Any]) -> None:
    for name, service in airflow_services(compose).items():
        env = {k: interpolate(v) for k, v in environment(service).items()}
        url = urlsplit(env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"])
        api = services(compose)[url.hostname]
        assert any(str(p).endswith(f":{url.port}") for p in api["ports"]), name
        assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor", name
        assert urlsplit(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]).hostname == "postgres", name
        for secret in ("AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY", "AIRFLOW__CORE__FERNET_KEY"):
            assert secret in env, f"{name}: every component must share {secret}"
    worker = services(compose)["airflow-worker"]
    assert command(worker) == ["celery", "worker"] and "redis" in depends_on(worker)


# --- the environment the code reads ---------------------------------------------------------------------------------
def _python_files(dirs: tuple[str, ...]) -> Iterator[Path]:
    for folder in dirs:
        yield from (ROOT / folder).rglob("*.py")


def _is_os_environ(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ" and isinstance(node.value, ast.Name) \
        and node.value.id == "os"


def env_reads(dirs: tuple[str, ...]) -> set[str]:
    """Names read through os.environ.get / os.getenv / os.environ[...] with a literal name."""
    names = set()
    for path in _python_files(dirs):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            arg = None
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                if isinstance(func, ast.Attribute) and (
                        func.attr in ("get", "pop") and _is_os_environ(func.value)
                        or func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os"):
                    arg = node.args[0]
            elif isinstance(node, ast.Subscript) and _is_os_environ(node.value):
                arg = node.slice
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                names.add(arg.value)
    return names


def default_conn_ids(dirs: tuple[str, ...]) -> dict[str, str]:
    """Connection ids the code falls back to: ``default_conn_name``/``*CONN_ID*`` constants, ``*conn_id`` defaults."""
    found: dict[str, str] = {}
    for path in _python_files(dirs):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and node.value.value:
                for target in node.targets:
                    if isinstance(target, ast.Name) and (target.id == "default_conn_name" or "CONN_ID" in target.id):
                        found[str(node.value.value)] = f"{path.relative_to(ROOT)}:{node.lineno}"
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args.args + node.args.kwonlyargs
                defaults = [None] * (len(node.args.args) - len(node.args.defaults)) + node.args.defaults \
                    + node.args.kw_defaults
                for arg, default in zip(args, defaults):
                    if arg.arg.endswith("conn_id") and isinstance(default, ast.Constant) and default.value:
                        found[str(default.value)] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def ledger_conn_ids() -> set[str]:
    """Ledger connections: the hooks' defaults and those config/pairs.yaml names (people create them in the UI)."""
    ids = set()
    for path in _python_files(("plugins",)):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name.endswith("Hook"):
                for item in node.body:
                    if isinstance(item, ast.Assign) and any(getattr(t, "id", "") == "default_conn_name"
                                                             for t in item.targets):
                        ids.add(item.value.value)  # type: ignore[attr-defined]
    pairs = yaml.safe_load((ROOT / "config" / "pairs.yaml").read_text())
    for pair in pairs["pairs"]:
        ids.update(v for k, v in pair.items() if k.endswith("_conn_id"))
    return {i for i in ids if i}


def test_containers_get_every_setting_the_code_reads_and_nothing_stale(compose: dict[str, Any]) -> None:
    # read only by python -m ledgerbridge.connect, which a person runs with their app's secret: never a container's
    # and by python -m reconcile.decide (who decides; the demo's database)
    person_only = {"LEDGERBRIDGE_CLIENT_SECRET", "LEDGERBRIDGE_USER", "LEDGERBRIDGE_DEMO_DB"}
    runtime = {n for n in env_reads(RUNTIME_DIRS) if n.startswith("LEDGERBRIDGE_")} - person_only
    anywhere = env_reads(CODE_DIRS)
    assert "LEDGERBRIDGE_DB_URL" in runtime  # the scan itself works
    for name, service in airflow_services(compose).items():
        env = environment(service)
        given = {k for k in env if k.startswith("LEDGERBRIDGE_")}
        assert runtime <= given, f"{name} lacks {sorted(runtime - given)}, which the code reads"
        assert given <= anywhere, f"{name} sets {sorted(given - anywhere)}, which no code reads"


def test_connections_in_the_environment_are_the_ones_the_code_uses(compose: dict[str, Any]) -> None:
    defaults = default_conn_ids(RUNTIME_DIRS)
    ledgers = ledger_conn_ids()
    assert "ledger_db" in defaults and {"xero_default", "quickbooks_default"} <= ledgers  # the scan itself works
    needed = set(defaults) - ledgers  # not a ledger: nobody creates it in the UI, so the deployment must
    for name, service in airflow_services(compose).items():
        conns = {k[len("AIRFLOW_CONN_"):].lower() for k in environment(service) if k.startswith("AIRFLOW_CONN_")}
        assert conns <= set(defaults) | ledgers, f"{name} defines connections no code uses: {conns}"
        assert needed <= conns, f"{name} lacks connections {sorted(needed - conns)} ({defaults})"


def test_ledgerbridge_database_is_the_separate_ledger_db_service(compose: dict[str, Any]) -> None:
    ledger_db = services(compose)["ledger-db"]
    db_env = {k: interpolate(v) for k, v in environment(ledger_db).items()}
    for name, service in airflow_services(compose).items():
        env = {k: interpolate(v) for k, v in environment(service).items()}
        assert env["LEDGERBRIDGE_DB_URL"] == env["AIRFLOW_CONN_LEDGER_DB"], name
        url = urlsplit(env["LEDGERBRIDGE_DB_URL"])
        assert (url.hostname, url.username, url.password, url.path.lstrip("/")) == (
            "ledger-db", db_env["POSTGRES_USER"], db_env["POSTGRES_PASSWORD"], db_env["POSTGRES_DB"]), name
        mounts = dict((target, source) for source, target in bind_mounts(service))
        for target, source in mounts.items():
            # the code finds include/sql and config/ next to plugins/: keep the repository's layout
            assert target == "/opt/airflow/" + source.removeprefix("./"), f"{name}: {source} -> {target}"
        paths = {k: v for k, v in env.items() if k.startswith("LEDGERBRIDGE_") and v.startswith("/")}
        assert {"LEDGERBRIDGE_CONFIG_DIR", "LEDGERBRIDGE_SQL_DIR"} <= set(paths), name
        for key, path in paths.items():
            base = max((t for t in mounts if path == t or path.startswith(t + "/")), key=len, default=None)
            assert base, f"{name}: {key}={path} is not in a mounted folder"
            assert (ROOT / mounts[base] / path[len(base):].lstrip("/")).exists(), f"{name}: {key}={path}"


def test_no_secret_is_committed_and_env_example_documents_every_variable(compose: dict[str, Any]) -> None:
    secretish = re.compile(r"PASSWORD|SECRET|FERNET|TOKEN|_KEY$")
    for name, service in services(compose).items():
        for key, value in environment(service).items():
            if secretish.search(key) and not key.endswith(("_FILE", "_PATH")):
                assert "${" in value, f"{name}: {key} is a literal; use ${{VAR:-local default}}"
            raw_password = re.search(r"://[^:/@]*:([^@]*)@", value)
            assert not raw_password or not raw_password.group(1) or "${" in raw_password.group(1), \
                f"{name}: {key} has a literal password; use ${{VAR:-local default}}"
    example = {line.split("=", 1)[0] for line in (ROOT / ".env.example").read_text().splitlines()
               if line and not line.startswith("#") and "=" in line}
    used = set().union(*(variables(text) for text in strings(compose)))
    assert used <= example, f".env.example does not document {sorted(used - example)}"
    assert example <= used, f".env.example lists variables docker-compose.yaml does not use: {sorted(example - used)}"
    for text in strings(compose):
        interpolate(text)  # no ${VAR:?} without a value


def test_sandboxes_start_with_options_the_sandbox_accepts(compose: dict[str, Any]) -> None:
    from sandbox.__main__ import parse  # noqa: PLC0415

    for ledger, port in (("xero", 8701), ("quickbooks", 8702)):
        service = services(compose)[f"sandbox-{ledger}"]
        cmd = command(service)
        assert cmd[:3] == ["python", "-m", "sandbox"]
        parsed_ledger, options = parse(cmd[3:])
        assert (parsed_ledger, options.port, options.host) == (ledger, port, "0.0.0.0")
        assert any(str(p).endswith(f":{port}:{port}") for p in service["ports"])


# --- the image ---------------------------------------------------------------------------------------------------
def test_image_is_requirements_txt_on_the_airflow_the_lock_pins(compose: dict[str, Any]) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    args = dict(re.findall(r"^ARG (\w+)=(\S+)", dockerfile, re.M))
    base = re.search(r"^FROM (\S+)", dockerfile, re.M).group(1)  # type: ignore[union-attr]
    base = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], base)
    lock = dict(line.split("==", 1) for line in (ROOT / "requirements.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert base == f"apache/airflow:{lock['apache-airflow']}-python{python}"
    assert f'">={python}' in (ROOT / "pyproject.toml").read_text()

    copies = dict((dst, src) for src, dst in re.findall(r"^COPY (?:--\S+ )*(\S+) (\S+)", dockerfile, re.M))
    for dst, src in copies.items():
        assert (ROOT / src).exists(), f"Dockerfile copies {src}, which is not in the repository"
    installs = re.findall(r"pip install (.+)", dockerfile)
    lock_path = next(dst for dst, src in copies.items() if src == "requirements.txt")
    assert any(f"-r {lock_path}" in line for line in installs), "the image must install requirements.txt"
    for line in installs:  # nothing besides the lock and our own package
        words = [w for w in line.split() if not w.startswith("-")]
        assert words in ([lock_path], ["/opt/airflow"]), f"unpinned install in Dockerfile: {line}"
    pythonpath = re.search(r"^ENV PYTHONPATH=(\S+)", dockerfile, re.M)
    assert pythonpath and "/opt/airflow/plugins" in pythonpath.group(1).split(":")
    for name, service in services(compose).items():
        if "build" in service:
            assert service["build"]["dockerfile"] == "Dockerfile", name
