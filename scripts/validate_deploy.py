#!/usr/bin/env python3
"""Offline checks that the deployment files agree with services/ (run by scripts/validate-deploy.sh).

Services are found as ./platform finds them: every services/<name>/ holding exactly one *.csproj.
For each one this checks the Dockerfile's contract (one image per service, SERVICE build arg, non-root,
port 8080), docker-compose.yml (a service of the same name, build arg, image, env, healthcheck,
depends_on), k8s/ (Deployment, Service, migration Job when the service has a database, ConfigMap,
Secret template, Ingress, kustomization) and that no secret is committed. Needs no Docker engine, no
cluster and no network; uses `kubectl kustomize` and `docker-compose config` when they are installed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENV_EXAMPLE = ROOT / ".env.example"
K8S = ROOT / "k8s"
SECRET_TEMPLATE = K8S / "secret.example.yaml"

INFRA = {"postgres": "postgres:15", "rabbitmq": "rabbitmq:3.10-management"}
CONFIGMAP = "platform-config"
IMAGE_REPO = "platform"
# Every container listens here (the Dockerfile's Urls); compose, k8s and the gateway's addresses use it.
CONTAINER_PORT = "8080"
GATEWAY = "gateway"
SIMULATOR = "source-simulator"
KEBAB = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
# Words that mark a configuration key or variable as secret (matched without '_' and case).
SECRET_WORDS = ("password", "passwd", "secret", "token", "hottok", "apikey", "sha256", "userkey",
                "validationkey", "clientid", "connectionstrings")


def is_secret_key(key: str) -> bool:
    """Whether a key holds a secret: Gateway__ApiKeys__0__Sha256 yes, Gateway__ApiKeys__0__Name no."""
    norm = re.sub(r"[\W_]", "", key).lower()
    if norm.endswith("name"):
        return False
    return any(word in norm for word in SECRET_WORDS) or norm.endswith(("pass", "key"))


PLACEHOLDER = re.compile(r"change-me|<[^>]+>", re.IGNORECASE)
# Values that look like real credentials wherever they appear in the deployment files.
SECRET_PATTERNS = [
    (re.compile(r"\b[sr]k_(?:live|test)_[0-9A-Za-z]{10,}"), "a Stripe API key"),
    (re.compile(r"\bwhsec_[0-9A-Za-z]{10,}"), "a Stripe webhook secret"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), "an AWS access key"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}"), "a GitHub token"),
    (re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"), "a Slack token"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\."), "a JWT"),
    (re.compile(r"\b[0-9a-fA-F]{32,}\b"), "a long hex string (key, hash or token)"),
    (re.compile(r"://[^/\s:@${}]+:(?!\$\{)[^@\s/]{3,}@"), "a URL with an embedded password"),
    (re.compile(r"(?i)password=(?!\$\{|change-me|;|\s|$)[^;\s\"']+"), "a literal password"),
]


# ------------------------------------------------------------------------------------------ output

@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(f"{where}: {message}")


R = Report()


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


class Section:
    """Records one named check as passed when it added no error."""

    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        self.before = len(R.errors)
        return self

    def __exit__(self, *exc):
        if exc[0] is None and len(R.errors) == self.before:
            R.passed.append(self.name)
        return False


# ------------------------------------------------------------------------------------------ services

@dataclass
class Service:
    name: str
    project: str
    assembly: str
    has_db: bool
    uses_bus: bool
    local_port: str | None
    source: str | None  # connector-<source>
    credential_keys: list[str]

    @property
    def needs_secret(self) -> bool:
        return self.has_db or self.uses_bus or self.name == GATEWAY or bool(self.credential_keys)


def pascal(kebab: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in kebab.split("-"))


def service_sources(folder: Path) -> str:
    texts = []
    for path in folder.rglob("*.cs"):
        parts = set(path.relative_to(folder).parts)
        if "bin" in parts or "obj" in parts:
            continue
        texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(texts)


def discover_services() -> list[Service]:
    services = []
    for folder in sorted((ROOT / "services").iterdir()):
        if not folder.is_dir():
            continue
        projects = sorted(folder.glob("*.csproj"))
        if len(projects) != 1:
            if len(projects) > 1:
                R.warn(rel(folder), f"{len(projects)} .csproj files: ./platform and the Dockerfile skip it")
            continue
        name = folder.name
        project = projects[0].stem
        csproj = projects[0].read_text(encoding="utf-8", errors="replace")
        match = re.search(r"<AssemblyName>\s*([^<\s]+)\s*</AssemblyName>", csproj)
        assembly = match.group(1) if match else project
        code = service_sources(folder)
        migrations = any(p.is_dir() for p in folder.rglob("Migrations") if "obj" not in p.parts and "bin" not in p.parts)
        has_db = (folder / "Persistence").is_dir() or migrations or "AddPlatformDatabase" in code or "AddConnector(" in code
        uses_bus = "AddPlatformMessaging" in code or "AddConnector(" in code
        source = name.removeprefix("connector-") if name.startswith("connector-") else None
        keys = sorted({k for k in re.findall(r"[Cc]redentials\[\"([A-Za-z0-9]+)\"\]", code) if is_secret_key(k)})
        services.append(Service(name, project, assembly, has_db, uses_bus, local_port(folder), source, keys))
    return services


def local_port(folder: Path) -> str | None:
    """The port in appsettings.json's "Urls", read as ./platform reads it."""
    settings = folder / "appsettings.json"
    if not settings.is_file():
        return None
    match = re.search(r'"Urls"\s*:\s*"([^";]*)', settings.read_text(encoding="utf-8", errors="replace"))
    if not match:
        return None
    port = re.search(r":(\d+)/?$", match.group(1))
    return port.group(1) if port else None


def gateway_settings() -> dict:
    path = ROOT / "services" / GATEWAY / "appsettings.json"
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as ex:
        R.warn(rel(path), f"not plain JSON ({ex}); gateway routes not cross-checked")
        return {}


def check_services(services: list[Service]) -> None:
    with Section("services: kebab-case folders, Platform.<Name> projects, local ports"):
        ports: dict[str, str] = {}
        for s in services:
            where = f"services/{s.name}"
            if not KEBAB.match(s.name):
                R.error(where, f"folder name '{s.name}' is not kebab-case (STYLE.md: one kebab-case name everywhere)")
            expected = f"Platform.Connectors.{pascal(s.source)}" if s.source else f"Platform.{pascal(s.name)}"
            if s.project.lower() != expected.lower():
                R.error(where, f"project {s.project}.csproj does not match the folder name (expected {expected}.csproj)")
            if s.local_port is None:
                R.warn(where, 'no "Urls": "http://127.0.0.1:PORT" in appsettings.json: ./platform up will not start it '
                       "(containers are unaffected: they listen on 8080)")
            elif s.local_port in ports:
                R.warn(where, f"local port {s.local_port} is also {ports[s.local_port]}'s (./platform up would clash)")
            else:
                ports[s.local_port] = s.name
        settings = gateway_settings()
        clusters = settings.get("ReverseProxy", {}).get("Clusters", {})
        by_name = {s.name: s for s in services}
        for name in settings.get("Gateway", {}).get("ReadyServices") or []:
            if GATEWAY in by_name and name not in by_name:
                R.error(f"services/{GATEWAY}/appsettings.json", f"Gateway:ReadyServices lists {name}, which is not "
                        "a service here: the deployed gateway would never be ready")
        for cluster, spec in clusters.items():
            address = spec.get("Destinations", {}).get("primary", {}).get("Address", "")
            port = re.search(r":(\d+)/?$", address)
            s = by_name.get(cluster)
            if s and s.local_port and port and port.group(1) != s.local_port:
                R.warn(f"services/{GATEWAY}/appsettings.json",
                       f"cluster {cluster} points at local port {port.group(1)} but services/{cluster} listens on {s.local_port}")


# ------------------------------------------------------------------------------------------ YAML

def load_yaml_files() -> dict[Path, list]:
    files = [COMPOSE_FILE] + sorted(p for p in K8S.rglob("*") if p.suffix in (".yaml", ".yml"))
    loaded = {}
    with Section(f"YAML: {len(files)} files parse"):
        for path in files:
            if not path.is_file():
                R.error(rel(path), "missing")
                continue
            try:
                loaded[path] = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
            except yaml.YAMLError as ex:
                R.error(rel(path), f"invalid YAML: {ex}")
    return loaded


# ------------------------------------------------------------------------------------------ Dockerfile

def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    lines, current = [], ""
    for raw in text.splitlines():
        line = raw.rstrip()
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if current and line.lstrip().startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        keyword, _, rest = current.strip().partition(" ")
        lines.append((keyword.upper(), rest.strip()))
        current = ""
    return lines


def env_pairs(rest: str) -> dict[str, str]:
    pairs = {}
    for token in re.findall(r'(\S+?)=("[^"]*"|\S+)', rest):
        pairs[token[0]] = token[1].strip('"')
    return pairs


def check_dockerfile() -> str:
    """Checks the Dockerfile; returns the port every container listens on."""
    port = CONTAINER_PORT
    with Section(f"Dockerfile: multi-stage, ARG SERVICE, non-root, Urls=http://0.0.0.0:{port}, EXPOSE {port}"):
        if not DOCKERFILE.is_file():
            R.error("Dockerfile", "missing")
            return port
        steps = dockerfile_instructions(DOCKERFILE.read_text(encoding="utf-8"))
        froms = [i for i, (k, _) in enumerate(steps) if k == "FROM"]
        if len(froms) < 2:
            R.error("Dockerfile", "not multi-stage: expected a build stage and a runtime stage")
            return port
        final = steps[froms[-1]:]
        if not any(k == "ARG" and re.match(r"SERVICE(=|$)", rest) for k, rest in steps):
            R.error("Dockerfile", "no `ARG SERVICE` (the folder under services/ to build)")
        if not any(k == "COPY" and "services/${SERVICE}" in rest for k, rest in steps):
            R.error("Dockerfile", "does not COPY services/${SERVICE}/: the build arg would not select the service")
        users = [rest for k, rest in final if k == "USER"]
        if not users:
            R.error("Dockerfile", "the runtime stage has no USER: it would run as root")
        elif users[-1].split(":")[0] in ("root", "0"):
            R.error("Dockerfile", f"the runtime stage runs as {users[-1]}")
        urls = None
        for k, rest in final:
            if k == "ENV":
                urls = env_pairs(rest).get("Urls", urls)
        if urls != f"http://0.0.0.0:{port}":
            R.error("Dockerfile", f"the runtime stage must set ENV Urls=http://0.0.0.0:{port} (found {urls!r})")
        exposed = [p for k, rest in final if k == "EXPOSE" for p in rest.split()]
        if port not in [p.split("/")[0] for p in exposed]:
            R.error("Dockerfile", f"the runtime stage does not EXPOSE {port}")
        if not any(k == "ENTRYPOINT" for k, _ in final):
            R.error("Dockerfile", "the runtime stage has no ENTRYPOINT")
        ignore = dockerignore_patterns()
        for k, rest in steps:
            if k != "COPY" or "--from=" in rest:
                continue
            args = [a for a in rest.split() if not a.startswith("--")]
            for src in args[:-1]:
                if "$" in src:
                    continue
                path = ROOT / src.rstrip("/")
                if not path.exists():
                    R.error("Dockerfile", f"COPY {src}: no such file in the repository")
                elif any(fnmatch(src.rstrip("/"), p.rstrip("/")) for p in ignore):
                    R.error("Dockerfile", f"COPY {src}: excluded by .dockerignore")
                elif path.is_file() and path.suffix == ".sh" and path.read_text().startswith("#!/bin/sh"):
                    R.error(rel(path), "runs under /bin/sh: dash drops environment variables whose names hold '-' "
                            "(ReverseProxy__Clusters__connector-stripe__...); use #!/bin/bash")
    with Section(".dockerignore: keeps bin/, obj/, .git/ and .env out of the build context"):
        ignore = dockerignore_patterns()
        for needed in ("**/bin", "**/obj", ".git", ".env"):
            if not any(p.rstrip("/") == needed for p in ignore):
                R.error(".dockerignore", f"add `{needed}`")
    return port


def dockerignore_patterns() -> list[str]:
    if not DOCKERIGNORE.is_file():
        R.error(".dockerignore", "missing")
        return []
    return [l.strip() for l in DOCKERIGNORE.read_text().splitlines() if l.strip() and not l.startswith("#")]


# ------------------------------------------------------------------------------------------ compose

# ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, ${VAR:+alt}: name, operator, argument.
INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}")


def as_env(value) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in value)
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


def default_of(value: str) -> str:
    """The value compose would use with the default of each ${VAR:-default}."""
    return INTERPOLATION.sub(lambda m: m.group(3) if (m.group(2) or "").endswith("-") else "", value)


def secret_value_ok(value: str) -> bool:
    """A secret in docker-compose.yml must come from .env: ${VAR}, ${VAR:?msg} or ${VAR:-} (empty default)."""
    whole = INTERPOLATION.fullmatch(value.strip())
    if whole:
        op, default = whole.group(2), whole.group(3)
        return not op or op.endswith("?") or (op.endswith("-") and not default)
    if re.search(r"(?i)password=", value):
        return all(re.match(r"\$\{", part) for part in re.findall(r"(?i)password=([^;]*)", value))
    return False


def check_compose(services: list[Service], docs: dict[Path, list], port: str, gateway_clusters: set[str]) -> None:
    compose = (docs.get(COMPOSE_FILE) or [None])[0]
    if not isinstance(compose, dict) or not isinstance(compose.get("services"), dict):
        R.error("docker-compose.yml", "no `services:` mapping")
        return
    declared = compose["services"]
    names = {s.name for s in services}
    where = "docker-compose.yml"

    with Section("compose: postgres:15 and rabbitmq:3.10-management with healthchecks and named volumes"):
        volumes = set((compose.get("volumes") or {}).keys())
        for infra, image in INFRA.items():
            spec = declared.get(infra)
            if not spec:
                R.error(where, f"no `{infra}` service ({image})")
                continue
            if spec.get("image") != image:
                R.error(where, f"{infra}: image {spec.get('image')!r}, expected {image!r}")
            if not (spec.get("healthcheck") or {}).get("test"):
                R.error(where, f"{infra}: no healthcheck (the services wait for service_healthy)")
            mounts = [v.split(":")[0] if isinstance(v, str) else v.get("source") for v in spec.get("volumes") or []]
            named = [m for m in mounts if m in volumes]
            if not named:
                R.error(where, f"{infra}: no named volume (declare one under top-level `volumes:`)")
            if spec.get("ports"):
                R.error(where, f"{infra}: publishes ports; only the gateway is published")

    with Section("compose: one service per services/ folder, same name, build arg, image, healthcheck, depends_on"):
        for extra in sorted(set(declared) - names - set(INFRA)):
            R.error(where, f"service `{extra}` has no services/{extra}/ folder with one .csproj (remove it or fix its name)")
        for s in services:
            spec = declared.get(s.name)
            if spec is None:
                R.error(where, f"no service `{s.name}` for services/{s.name}/: add one built with args SERVICE: {s.name} "
                        f"(copy a similar service's block)")
                continue
            at = f"{where}: {s.name}"
            build = spec.get("build")
            if not isinstance(build, dict):
                R.error(at, "needs `build:` with context ., dockerfile Dockerfile and args SERVICE")
            else:
                args = as_env(build.get("args"))
                if str(build.get("context", "")).rstrip("/") not in (".", ""):
                    R.error(at, f"build context {build.get('context')!r}: the Dockerfile needs the repository root (.)")
                if build.get("dockerfile", "Dockerfile") != "Dockerfile":
                    R.error(at, f"dockerfile {build.get('dockerfile')!r}: every service builds from the root Dockerfile")
                if args.get("SERVICE") != s.name:
                    R.error(at, f"build arg SERVICE={args.get('SERVICE')!r}, expected {s.name!r} (the folder name)")
            image = str(spec.get("image", ""))
            if not re.fullmatch(rf"{IMAGE_REPO}/{re.escape(s.name)}(:[^/]+)?", image):
                R.error(at, f"image {image!r}, expected {IMAGE_REPO}/{s.name}:<tag> (the name k8s/ deploys)")
            test = (spec.get("healthcheck") or {}).get("test")
            test_text = " ".join(test) if isinstance(test, list) else str(test or "")
            if "/health/ready" not in test_text or (spec.get("healthcheck") or {}).get("disable"):
                R.error(at, "healthcheck must probe /health/ready")
            check_compose_ports(s, spec.get("ports"), port, at)
            env = as_env(spec.get("environment"))
            if "Urls" in env and env["Urls"] != f"http://0.0.0.0:{port}":
                R.error(at, f"Urls={env['Urls']!r}: the container listens on http://0.0.0.0:{port}")
            check_depends_on(s, spec.get("depends_on"), declared, at, gateway_clusters)
            if s.has_db:
                conn = env.get("ConnectionStrings__Platform", "")
                if "Host=postgres" not in conn:
                    R.error(at, "has a database: set ConnectionStrings__Platform to Host=postgres;...;Password=${POSTGRES_PASSWORD...}")
            if s.uses_bus:
                if env.get("RabbitMq__Host") != "rabbitmq":
                    R.error(at, "uses RabbitMQ: set RabbitMq__Host: rabbitmq (and Port, VirtualHost, Username, Password)")
                for key in ("RabbitMq__Username", "RabbitMq__Password"):
                    if key not in env:
                        R.error(at, f"uses RabbitMQ: set {key}")
            if s.source:
                check_connector_env(s, env, at, names, default_of)
            if s.name == GATEWAY:
                for key in ("Gateway__ApiKeys__0__Name", "Gateway__ApiKeys__0__Sha256"):
                    if key not in env:
                        R.error(at, f"set {key} (from .env)")
                check_cluster_addresses(env, names, at, port, gateway_clusters)

    with Section("compose: secrets only from .env, every ${VAR} in .env.example"):
        used: set[str] = set()
        required: set[str] = set()
        for name, spec in declared.items():
            env = as_env((spec or {}).get("environment"))
            for key, value in env.items():
                if (is_secret_key(key) or re.search(r"(?i)password=", value)) and not secret_value_ok(value):
                    R.error(f"{where}: {name}", f"{key} holds a literal secret; use ${{VAR}} from .env "
                            f"(with a placeholder in .env.example)")
        text = COMPOSE_FILE.read_text(encoding="utf-8")
        for m in INTERPOLATION.finditer(text):
            used.add(m.group(1))
            if m.group(2) and "?" in m.group(2):
                required.add(m.group(1))
        example = parse_env_example()
        for var in sorted(used - set(example)):
            R.error(".env.example", f"{var} is used by docker-compose.yml: add `{var}=` with a placeholder")
        for var in sorted(set(example) - used):
            R.warn(".env.example", f"{var} is not used by docker-compose.yml")
    compose_config(required)


def check_compose_ports(s: Service, ports, port: str, at: str) -> None:
    published = []
    for p in ports or []:
        if isinstance(p, dict):
            published.append(f"{p.get('published')}:{p.get('target')}")
        else:
            published.append(str(p).split("/")[0].removeprefix("0.0.0.0:"))
    if s.name == GATEWAY:
        if published != [f"8080:{port}"]:
            R.error(at, f"ports {published}: publish exactly \"8080:{port}\" (host 8080 to the container's {port})")
    elif published:
        R.error(at, f"ports {published}: only the gateway is published; reach {s.name} through it")


def check_depends_on(s: Service, depends, declared: dict, at: str, gateway_clusters: set[str]) -> None:
    if isinstance(depends, list):
        R.error(at, "depends_on as a list does not wait for readiness: use `name: {condition: service_healthy}`")
        return
    depends = depends or {}
    for dep, spec in depends.items():
        if dep not in declared:
            R.error(at, f"depends on `{dep}`, which is not a compose service")
        elif (spec or {}).get("condition") != "service_healthy":
            R.error(at, f"depends_on {dep}: use condition: service_healthy")
    wanted = (["postgres"] if s.has_db else []) + (["rabbitmq"] if s.uses_bus else [])
    if s.name == GATEWAY:
        wanted += sorted(c for c in gateway_clusters if c in declared)
    for dep in wanted:
        if dep not in depends:
            R.error(at, f"add depends_on {dep} (condition: service_healthy)")


def check_connector_env(s: Service, env: dict[str, str], at: str, names: set[str], resolve) -> None:
    prefix = f"connectors__{s.source}__".lower()
    keys = {k.lower(): k for k in env}
    base = keys.get(prefix + "http__baseaddress")
    if not base:
        R.error(at, f"set Connectors__{pascal(s.source)}__Http__BaseAddress (the source simulator by default)")
    elif SIMULATOR in names and not resolve(env[base]).startswith(f"http://{SIMULATOR}:{CONTAINER_PORT}/"):
        R.error(at, f"{base} defaults to {resolve(env[base])!r}: point it at http://{SIMULATOR}:{CONTAINER_PORT}/ by default")
    for cred in s.credential_keys:
        pattern = re.compile(rf"^{re.escape(prefix)}workspaces__[^_]+(?:_[^_]+)*__{cred.lower()}$")
        if not any(pattern.match(k) for k in keys):
            R.error(at, f"services/{s.name} reads credential `{cred}`: set "
                    f"Connectors__{pascal(s.source)}__Workspaces__<workspace>__{cred} from .env")


def check_cluster_addresses(env: dict[str, str], deployed: set[str], at: str, port: str, clusters: set[str]) -> None:
    pattern = re.compile(r"^ReverseProxy__Clusters__(.+)__Destinations__primary__Address$")
    for key, value in env.items():
        m = pattern.match(key)
        if m and m.group(1) not in deployed:
            R.error(at, f"{key} names {m.group(1)!r}, which is not deployed here")
    for cluster in sorted(clusters & deployed):
        key = f"ReverseProxy__Clusters__{cluster}__Destinations__primary__Address"
        if env.get(key) != f"http://{cluster}:{port}/":
            R.error(at, f"set {key}: http://{cluster}:{port}/ (found {env.get(key)!r})")


def parse_env_example() -> dict[str, str]:
    values = {}
    if not ENV_EXAMPLE.is_file():
        R.error(".env.example", "missing: docker-compose.yml reads its secrets from .env, made from .env.example")
        return values
    for n, line in enumerate(ENV_EXAMPLE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", line):
            R.error(f".env.example:{n}", f"not KEY=VALUE: {line!r}")
            continue
        key, value = line.split("=", 1)
        values[key] = value
        if is_secret_key(key) and value and not PLACEHOLDER.search(value):
            R.error(f".env.example:{n}", f"{key} has a value; secrets here must be empty or a change-me placeholder")
    return values


def compose_tool() -> list[str] | None:
    for candidate in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(candidate[0]) and subprocess.run(candidate + ["version"], capture_output=True).returncode == 0:
            return candidate
    return None


def compose_config(required: set[str]) -> None:
    tool = compose_tool()
    if tool is None:
        R.skipped.append("docker compose config (neither `docker compose` nor `docker-compose` here; "
                         "on Debian: apt-get install docker-compose)")
        return
    example = ENV_EXAMPLE.read_text(encoding="utf-8") if ENV_EXAMPLE.is_file() else ""
    lines = []
    for line in example.splitlines():
        key, sep, value = line.partition("=")
        # Required secrets are empty in the example; give them a throwaway value for the check.
        lines.append(f"{key}=validate-only" if sep and key in required and not value else line)
    with tempfile.NamedTemporaryFile("w", suffix=".env", delete=False) as env_file:
        env_file.write("\n".join(lines) + "\n")
    try:
        with Section(f"compose: `{' '.join(tool)} config -q` accepts docker-compose.yml"):
            run = subprocess.run(tool + ["--project-directory", str(ROOT), "-f", str(COMPOSE_FILE),
                                         "--env-file", env_file.name, "config", "-q"],
                                 capture_output=True, text=True, cwd=ROOT)
            if run.returncode != 0:
                R.error("docker-compose.yml", f"`{' '.join(tool)} config` failed: {(run.stderr or run.stdout).strip()}")
    finally:
        os.unlink(env_file.name)


# ------------------------------------------------------------------------------------------ k8s

def kustomize_render(kustomization: dict) -> tuple[list[dict], str]:
    """The rendered k8s/ objects: with kubectl/kustomize when present, else the resources as written."""
    for cmd in (["kubectl", "kustomize", str(K8S)], ["kustomize", "build", str(K8S)]):
        if shutil.which(cmd[0]):
            run = subprocess.run(cmd, capture_output=True, text=True)
            if run.returncode != 0:
                R.error("k8s/kustomization.yaml", f"`{' '.join(cmd[:2])}` failed: {run.stderr.strip()}")
                return [], " ".join(cmd[:2])
            return [d for d in yaml.safe_load_all(run.stdout) if d], " ".join(cmd[:2])
    R.skipped.append("kubectl kustomize (no kubectl or kustomize here): checked the resource files as written")
    objects = []
    for res in kustomization.get("resources") or []:
        path = K8S / res
        if path.is_file():
            for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
                if doc:
                    doc.setdefault("metadata", {}).setdefault("namespace", kustomization.get("namespace"))
                    objects.append(doc)
    return objects, "the resource files"


def container_port(container: dict, ref) -> int | None:
    if isinstance(ref, int):
        return ref
    for p in container.get("ports") or []:
        if p.get("name") == ref:
            return p.get("containerPort")
    return int(ref) if isinstance(ref, str) and ref.isdigit() else None


def non_root(pod: dict, container: dict) -> bool:
    pod_sc, sc = pod.get("securityContext") or {}, container.get("securityContext") or {}
    run_as_non_root = sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
    user = sc.get("runAsUser", pod_sc.get("runAsUser"))
    return run_as_non_root is True and user != 0


def check_pod(s: Service, pod: dict, at: str, port: int, job: bool) -> dict | None:
    containers = pod.get("containers") or []
    if len(containers) != 1:
        R.error(at, f"expected one container, found {len(containers)}")
        return None
    c = containers[0]
    if not non_root(pod, c):
        R.error(at, "set securityContext runAsNonRoot: true (and a non-zero runAsUser)")
    if (c.get("securityContext") or {}).get("allowPrivilegeEscalation") is not False:
        R.error(at, "set the container's securityContext allowPrivilegeEscalation: false")
    res = c.get("resources") or {}
    for kind in ("requests", "limits"):
        for what in ("cpu", "memory"):
            if not (res.get(kind) or {}).get(what):
                R.error(at, f"set resources.{kind}.{what}")
    refs = c.get("envFrom") or []
    if not any((r.get("configMapRef") or {}).get("name") == CONFIGMAP for r in refs):
        R.error(at, f"envFrom must include configMapRef {CONFIGMAP}")
    secret = [r["secretRef"] for r in refs if (r.get("secretRef") or {}).get("name") == s.name]
    if not secret:
        R.error(at, f"envFrom must include secretRef {s.name} (its Secret in secret.example.yaml)")
    elif s.needs_secret and secret[0].get("optional"):
        R.error(at, f"secretRef {s.name} is optional, but {s.name} needs its secrets to start")
    env = {e.get("name"): e.get("value") for e in c.get("env") or []}
    if "Urls" in env and env["Urls"] != f"http://0.0.0.0:{port}":
        R.error(at, f"env Urls={env['Urls']!r}: the container listens on http://0.0.0.0:{port}")
    if job:
        if "--migrate-only" not in (c.get("args") or []) + (c.get("command") or []):
            R.error(at, "the migration job must run the image with args: [--migrate-only]")
        if pod.get("restartPolicy") not in ("Never", "OnFailure"):
            R.error(at, "restartPolicy must be Never or OnFailure")
        return c
    if port not in [p.get("containerPort") for p in c.get("ports") or []]:
        R.error(at, f"containerPort {port} (named http) is missing")
    for probe, path in (("readinessProbe", "/health/ready"), ("livenessProbe", "/health/live")):
        get = ((c.get(probe) or {}).get("httpGet")) or {}
        if get.get("path") != path:
            R.error(at, f"{probe} must GET {path} (found {get.get('path')!r})")
        elif container_port(c, get.get("port")) != port:
            R.error(at, f"{probe} port {get.get('port')!r} is not the container's {port}")
    return c


def raw_images(kustomization: dict) -> dict[tuple[str, str], str]:
    """(kind, name) -> image of the first container, as written in the resource files."""
    images = {}
    for res in kustomization.get("resources") or []:
        path = K8S / res
        if not path.is_file():
            continue
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc and doc.get("kind") in ("Deployment", "Job"):
                pod = doc.get("spec", {}).get("template", {}).get("spec", {})
                containers = pod.get("containers") or [{}]
                images[(doc["kind"], doc["metadata"]["name"])] = containers[0].get("image", "")
    return images


def check_k8s(services: list[Service], docs: dict[Path, list], port: int, gateway_clusters: set[str]) -> None:
    kpath = K8S / "kustomization.yaml"
    kustomization = (docs.get(kpath) or [None])[0]
    if not isinstance(kustomization, dict):
        R.error("k8s/kustomization.yaml", "missing or empty")
        return
    names = {s.name for s in services}
    resources = [str(r) for r in kustomization.get("resources") or []]

    with Section("k8s: kustomization lists every manifest, not the Secret template"):
        for res in resources:
            if not (K8S / res).exists():
                R.error("k8s/kustomization.yaml", f"resource {res} does not exist")
        if any(Path(r).name == SECRET_TEMPLATE.name for r in resources):
            R.error("k8s/kustomization.yaml", f"lists {SECRET_TEMPLATE.name}: the template must never be applied")
        listed = {(K8S / r).resolve() for r in resources}
        for path in docs:
            if path.is_relative_to(K8S) and path not in (kpath, SECRET_TEMPLATE) and path.resolve() not in listed:
                R.error(rel(path), "is not in kustomization.yaml resources (it would never be deployed)")
        namespace = kustomization.get("namespace")
        if not namespace:
            R.error("k8s/kustomization.yaml", "set `namespace:`")
        image_entries = {i.get("name") for i in kustomization.get("images") or []}
        for s in services:
            if f"{IMAGE_REPO}/{s.name}" not in image_entries:
                R.error("k8s/kustomization.yaml", f"images: add `- name: {IMAGE_REPO}/{s.name}` with newTag")

    objects, how = kustomize_render(kustomization)
    by_kind: dict[str, dict[str, dict]] = {}
    for o in objects:
        by_kind.setdefault(o.get("kind"), {})[o.get("metadata", {}).get("name")] = o
    images = raw_images(kustomization)

    with Section(f"k8s: rendered with {how}; no Secret committed; namespace, ConfigMap"):
        for name in by_kind.get("Secret", {}):
            R.error("k8s/", f"Secret {name} is deployed from the repository: secrets go only in {SECRET_TEMPLATE.name} "
                    "placeholders, created by the operator")
        if kustomization.get("namespace") not in by_kind.get("Namespace", {}):
            R.error("k8s/", f"no Namespace {kustomization.get('namespace')!r} among the resources")
        config = by_kind.get("ConfigMap", {}).get(CONFIGMAP)
        data = (config or {}).get("data") or {}
        if config is None:
            R.error("k8s/", f"no ConfigMap {CONFIGMAP}")
        for key, value in data.items():
            if not isinstance(value, str):
                R.error(f"k8s/ ConfigMap {CONFIGMAP}", f"{key}: value must be a string (quote it)")
            if is_secret_key(key) or re.search(r"(?i)password=", str(value)):
                R.error(f"k8s/ ConfigMap {CONFIGMAP}", f"{key} looks secret: move it to the service's Secret")
        if data.get("Urls", f"http://0.0.0.0:{port}") != f"http://0.0.0.0:{port}":
            R.error(f"k8s/ ConfigMap {CONFIGMAP}", f"Urls={data['Urls']!r}: the containers listen on {port}")
        if any(s.uses_bus for s in services) and not data.get("RabbitMq__Host"):
            R.error(f"k8s/ ConfigMap {CONFIGMAP}", "set RabbitMq__Host (and Port, VirtualHost)")
        if GATEWAY in names:
            check_cluster_addresses(data, names, f"k8s/ ConfigMap {CONFIGMAP}", str(port), gateway_clusters)
        for s in services:
            if s.source and not any(k.lower() == f"connectors__{s.source}__http__baseaddress" for k in data):
                R.error(f"k8s/ ConfigMap {CONFIGMAP}", f"set Connectors__{pascal(s.source)}__Http__BaseAddress for {s.name}")

    with Section("k8s: per service a Deployment (probes, resources, non-root, envFrom) and a Service on 8080"):
        deployments, k8s_services = by_kind.get("Deployment", {}), by_kind.get("Service", {})
        for extra in sorted(set(deployments) - names):
            R.error("k8s/", f"Deployment {extra} has no services/{extra}/ folder")
        for extra in sorted(set(k8s_services) - names):
            R.error("k8s/", f"Service {extra} has no services/{extra}/ folder")
        jobs = by_kind.get("Job", {})
        for s in services:
            d = deployments.get(s.name)
            if d is None:
                R.error("k8s/", f"no Deployment {s.name} for services/{s.name}/: add k8s/services/{s.name}.yaml "
                        f"(copy a similar service's) and list it in kustomization.yaml")
                continue
            at = f"k8s/ Deployment {s.name}"
            template = d.get("spec", {}).get("template", {})
            labels = template.get("metadata", {}).get("labels") or {}
            selector = d.get("spec", {}).get("selector", {}).get("matchLabels") or {}
            if labels.get("app.kubernetes.io/name") != s.name:
                R.error(at, f"pod label app.kubernetes.io/name must be {s.name}")
            if any(labels.get(k) != v for k, v in selector.items()) or not selector:
                R.error(at, "spec.selector.matchLabels must match the pod template's labels")
            image = images.get(("Deployment", s.name), "")
            if not re.fullmatch(rf"{IMAGE_REPO}/{re.escape(s.name)}(:[^/]+)?", image):
                R.error(at, f"image {image!r}, expected {IMAGE_REPO}/{s.name} (tag set by kustomization images)")
            pod = template.get("spec") or {}
            check_pod(s, pod, at, port, job=False)
            svc = k8s_services.get(s.name)
            if svc is None:
                R.error("k8s/", f"no Service {s.name} (the gateway and others reach it by that name)")
                continue
            at = f"k8s/ Service {s.name}"
            sel = svc.get("spec", {}).get("selector") or {}
            if not sel or any(labels.get(k) != v for k, v in sel.items()):
                R.error(at, f"selector {sel} does not select Deployment {s.name}'s pods")
            for job in jobs.values():
                job_labels = job.get("spec", {}).get("template", {}).get("metadata", {}).get("labels") or {}
                if sel and all(job_labels.get(k) == v for k, v in sel.items()):
                    R.error(at, f"selector also selects Job {job['metadata']['name']}'s pod: add a component label")
            ports = svc.get("spec", {}).get("ports") or []
            container = (pod.get("containers") or [{}])[0]
            if not any(p.get("port") == port and container_port(container, p.get("targetPort", p.get("port"))) == port
                       for p in ports):
                R.error(at, f"needs port {port} with targetPort http ({port}): the gateway's addresses are http://<service>:{port}/")

    with Section("k8s: a migration Job (--migrate-only) for every service with a database, none for the others"):
        for s in services:
            owned = [j for j in by_kind.get("Job", {}).values()
                     if (j.get("spec", {}).get("template", {}).get("metadata", {}).get("labels") or {})
                     .get("app.kubernetes.io/name") == s.name]
            if s.has_db and not owned:
                R.error("k8s/", f"services/{s.name} has a database: add Job {s.name}-migrate running --migrate-only")
            if not s.has_db and owned:
                R.error("k8s/", f"Job {owned[0]['metadata']['name']}: services/{s.name} has no database to migrate")
            for j in owned:
                at = f"k8s/ Job {j['metadata']['name']}"
                image = images.get(("Job", j["metadata"]["name"]), "")
                if not re.fullmatch(rf"{IMAGE_REPO}/{re.escape(s.name)}(:[^/]+)?", image):
                    R.error(at, f"image {image!r}, expected {IMAGE_REPO}/{s.name}")
                check_pod(s, j.get("spec", {}).get("template", {}).get("spec") or {}, at, port, job=True)

    with Section("k8s: the gateway's Ingress"):
        if GATEWAY in names:
            routed = False
            gateway_svc = by_kind.get("Service", {}).get(GATEWAY, {})
            svc_ports = gateway_svc.get("spec", {}).get("ports") or []
            for ing in by_kind.get("Ingress", {}).values():
                for rule in ing.get("spec", {}).get("rules") or []:
                    for p in (rule.get("http") or {}).get("paths") or []:
                        backend = (p.get("backend") or {}).get("service") or {}
                        if backend.get("name") == GATEWAY:
                            ref = backend.get("port") or {}
                            if any(sp.get("port") == ref.get("number") or (ref.get("name") and sp.get("name") == ref.get("name"))
                                   for sp in svc_ports):
                                routed = True
                            else:
                                R.error(f"k8s/ Ingress {ing['metadata']['name']}", f"backend port {ref} is not a port of Service {GATEWAY}")
                        elif backend.get("name"):
                            R.error(f"k8s/ Ingress {ing['metadata']['name']}", f"routes to {backend.get('name')}: only the gateway is exposed")
            if not routed:
                R.error("k8s/", f"no Ingress routes to Service {GATEWAY}")

    check_secret_template(services, docs)


def check_secret_template(services: list[Service], docs: dict[Path, list]) -> None:
    with Section(f"k8s: {SECRET_TEMPLATE.name} has a placeholder Secret per service that needs one"):
        secrets = {}
        for doc in docs.get(SECRET_TEMPLATE, []):
            name = doc.get("metadata", {}).get("name")
            if doc.get("kind") != "Secret":
                R.error(rel(SECRET_TEMPLATE), f"{doc.get('kind')} {name}: only Secrets belong here")
                continue
            if doc.get("data"):
                R.error(rel(SECRET_TEMPLATE), f"Secret {name}: use stringData with CHANGE-ME placeholders, not data")
            secrets[name] = doc.get("stringData") or {}
            for key, value in secrets[name].items():
                if (is_secret_key(key) or re.search(r"(?i)password=", str(value))) and not PLACEHOLDER.search(str(value)):
                    R.error(rel(SECRET_TEMPLATE), f"Secret {name}: {key} must be a CHANGE-ME placeholder")
        if not SECRET_TEMPLATE.is_file():
            R.error(rel(SECRET_TEMPLATE), "missing")
        names = {s.name for s in services}
        for extra in sorted(set(secrets) - names):
            R.error(rel(SECRET_TEMPLATE), f"Secret {extra} has no services/{extra}/ folder")
        for s in services:
            if not s.needs_secret:
                continue
            data = secrets.get(s.name)
            if data is None:
                R.error(rel(SECRET_TEMPLATE), f"add Secret {s.name} (its Deployment reads it)")
                continue
            wanted = (["ConnectionStrings__Platform"] if s.has_db else []) + \
                     (["RabbitMq__Username", "RabbitMq__Password"] if s.uses_bus else []) + \
                     (["Gateway__ApiKeys__0__Name", "Gateway__ApiKeys__0__Sha256"] if s.name == GATEWAY else [])
            for key in wanted:
                if key not in data:
                    R.error(rel(SECRET_TEMPLATE), f"Secret {s.name}: add {key}")
            for cred in s.credential_keys:
                if not any(re.fullmatch(rf"(?i)connectors__{s.source}__workspaces__\w+__{cred}", k) for k in data):
                    R.error(rel(SECRET_TEMPLATE), f"Secret {s.name}: add Connectors__{pascal(s.source)}__Workspaces__<workspace>__{cred}")


# ------------------------------------------------------------------------------------------ secrets

def owned_files() -> list[Path]:
    files = [DOCKERFILE, DOCKERIGNORE, COMPOSE_FILE, ENV_EXAMPLE]
    files += sorted(p for p in K8S.rglob("*") if p.is_file())
    files += sorted(p for p in (ROOT / "scripts").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return [f for f in files if f.is_file()]


def git(*args: str) -> subprocess.CompletedProcess | None:
    if not shutil.which("git") or not (ROOT / ".git").exists():
        return None
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)


def check_make_env(services: list[Service]) -> None:
    """scripts/make-env.sh's simulator credentials must be accounts the simulator has."""
    script = ROOT / "scripts" / "make-env.sh"
    settings = ROOT / "services" / SIMULATOR / "appsettings.json"
    if not script.is_file() or SIMULATOR not in {s.name for s in services} or not settings.is_file():
        return
    try:
        accounts = json.loads(settings.read_text(encoding="utf-8")).get("Simulator", {}).get("Accounts", [])
    except json.JSONDecodeError:
        return
    credentials = " ".join(str(a.get("Credential", "")) for a in accounts).replace(":", " ").split()
    for var, value in re.findall(r"\[([A-Z]+_DEMO_(?:API_KEY|CLIENT_ID|CLIENT_SECRET|USER_KEY))\]=(\S+)", script.read_text()):
        if value not in credentials:
            R.warn(rel(script), f"{var}={value} is not a credential of the simulator's demo accounts "
                   f"({rel(settings)} Simulator:Accounts)")


def check_committed_secrets() -> None:
    with Section("secrets: nothing secret-looking in the Dockerfile, compose, .env.example, k8s/ or scripts/"):
        for path in owned_files():
            if path == Path(__file__).resolve():
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                for pattern, what in SECRET_PATTERNS:
                    m = pattern.search(line)
                    if m and not PLACEHOLDER.search(m.group(0)):
                        R.error(f"{rel(path)}:{n}", f"looks like {what}: {m.group(0)[:24]}...; keep secrets in .env or k8s Secrets")
        for local in (ROOT / ".env", K8S / "secret.yaml"):
            name = rel(local)
            tracked = git("ls-files", "--error-unmatch", name)
            if tracked is not None and tracked.returncode == 0:
                R.error(name, "is tracked by git: it holds real secrets; git rm --cached it")
            elif local.exists():
                ignored = git("check-ignore", "-q", name)
                if ignored is not None and ignored.returncode != 0:
                    R.warn(name, "exists and is not git-ignored: add it to .gitignore so it is never committed")


# ------------------------------------------------------------------------------------------ scripts

def check_scripts() -> None:
    scripts = sorted((ROOT / "scripts").rglob("*.sh"))
    with Section("scripts: bash -n" + (" and shellcheck" if shutil.which("shellcheck") else "")):
        for script in scripts:
            run = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
            if run.returncode != 0:
                R.error(rel(script), run.stderr.strip())
        if shutil.which("shellcheck") and scripts:
            run = subprocess.run(["shellcheck", "-S", "warning", *map(str, scripts)], capture_output=True, text=True)
            if run.returncode != 0:
                R.error("scripts/", "shellcheck:\n" + run.stdout.strip())
    if not shutil.which("shellcheck"):
        R.skipped.append("shellcheck (not installed)")


# ------------------------------------------------------------------------------------------ main

def main() -> int:
    services = discover_services()
    if not services:
        print("validate-deploy: no services/<name>/ with one .csproj: nothing to check")
        return 1
    print(f"validate-deploy: {len(services)} services under services/")
    for s in services:
        flags = ", ".join(f for f, on in (("database", s.has_db), ("RabbitMQ", s.uses_bus)) if on) or "no database, no bus"
        extra = f"; credentials {', '.join(s.credential_keys)}" if s.credential_keys else ""
        print(f"  {s.name:<22} {s.project} (local port {s.local_port or '-'}; {flags}{extra})")
    gateway_clusters = set(gateway_settings().get("ReverseProxy", {}).get("Clusters", {}).keys())

    check_services(services)
    docs = load_yaml_files()
    port = check_dockerfile()
    check_compose(services, docs, port, gateway_clusters)
    check_k8s(services, docs, int(port), gateway_clusters)
    check_make_env(services)
    check_committed_secrets()
    check_scripts()

    print()
    for line in R.passed:
        print(f"  ok       {line}")
    for line in R.skipped:
        print(f"  skipped  {line}")
    for line in R.warnings:
        print(f"warning: {line}")
    for line in R.errors:
        print(f"error: {line}")
    print()
    if R.errors:
        print(f"validate-deploy: FAILED with {len(R.errors)} error(s), {len(R.warnings)} warning(s)")
        return 1
    print(f"validate-deploy: passed ({len(R.passed)} checks, {len(R.warnings)} warning(s), {len(R.skipped)} skipped)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
