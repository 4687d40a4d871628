"""The deploy files agree with the app: ports, probe paths, env names, secrets, scopes, commands.

Container images cannot be built or pulled here, so this checks what can be checked without them: every
file parses, every env name is one the settings module reads, every port and path lines up, and every
command the files run is one the CLI accepts.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot import oauth
from bot.cli import build_parser
from bot.settings import DEFAULT_PORT, ENV_NAMES
from bot.slack.http_server import EVENTS_PATH, HEALTH_PATH, METRICS_PATH, READY_PATH

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"

# Every name the settings module reads; a deploy file setting anything else sets it for nothing.
KNOWN_ENV_NAMES = frozenset(ENV_NAMES)
# Secrets must come from a Secret in Kubernetes, never from a literal value in the manifest.
SECRET_ENV_NAMES = frozenset(
    {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_CLIENT_SECRET", "DATABASE_URL"}
)


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def k8s_docs() -> dict[str, dict[str, Any]]:
    """kind -> document, for every manifest in deploy/k8s."""
    docs: dict[str, dict[str, Any]] = {}
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc:
                docs[doc["kind"]] = doc
    return docs


def assert_cli_accepts(argv: list[str]) -> None:
    """The command is `smtpbot ...` and our own parser takes its arguments."""
    assert argv[0] == "smtpbot", argv
    args = build_parser().parse_args(argv[1:])
    assert args.command == "serve" and args.http is True, argv


# ---------------------------------------------------------------------------------------------------------
# Dockerfile
# ---------------------------------------------------------------------------------------------------------


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with continuation lines joined and comments dropped."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    joined = re.sub(r"\\\n(?:\s*#.*\n)*", " ", text)
    pairs = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            pairs.append((word.upper(), rest.strip()))
    return pairs


def final_stage(instructions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last_from = max(i for i, (word, _) in enumerate(instructions) if word == "FROM")
    return instructions[last_from:]


def test_dockerfile_runs_slim_python_as_non_root_with_healthcheck() -> None:
    runtime = final_stage(dockerfile_instructions())
    assert re.match(r"python:3\.1[1-9]-slim", runtime[0][1]), runtime[0]
    users = [rest for word, rest in runtime if word == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    healthchecks = [rest for word, rest in runtime if word == "HEALTHCHECK"]
    assert len(healthchecks) == 1 and HEALTH_PATH in healthchecks[0]
    exposed = [rest for word, rest in runtime if word == "EXPOSE"]
    assert exposed == [str(DEFAULT_PORT)]
    env_text = " ".join(rest for word, rest in runtime if word == "ENV")
    env = dict(re.findall(r"(\w+)=(\S+)", env_text))
    assert env.get("PORT") == str(DEFAULT_PORT)
    assert set(env) - {"PATH", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE"} <= KNOWN_ENV_NAMES
    cmd = [rest for word, rest in runtime if word == "CMD"]
    assert_cli_accepts(json.loads(cmd[-1]))


def test_dockerfile_bakes_in_the_package_and_knowledge() -> None:
    instructions = dockerfile_instructions()
    copies = " ".join(rest for word, rest in instructions if word == "COPY")
    for needed in ("pyproject.toml", "bot", "knowledge"):
        assert re.search(rf"(^|\s){re.escape(needed)}(\s|$)", copies), needed
        assert (ROOT / needed).exists(), needed
    runs = " ".join(rest for word, rest in instructions if word == "RUN")
    assert "pip install ." in runs and "Engine.load()" in runs  # the build fails without knowledge


def test_the_uid_the_image_runs_as_is_the_one_kubernetes_expects() -> None:
    runtime = final_stage(dockerfile_instructions())
    uid = next(rest for word, rest in reversed(runtime) if word == "USER").split(":")[0]
    pod = k8s_docs()["Deployment"]["spec"]["template"]["spec"]
    assert str(pod["securityContext"]["runAsUser"]) == uid
    assert pod["securityContext"]["runAsNonRoot"] is True


# ---------------------------------------------------------------------------------------------------------
# docker compose
# ---------------------------------------------------------------------------------------------------------


def test_compose_wires_the_bot_to_postgres_and_redis() -> None:
    compose = load_yaml(DEPLOY / "docker-compose.yml")
    services = compose["services"]
    assert {"bot", "postgres", "redis"} <= set(services)
    bot = services["bot"]
    env = {str(k): str(v) for k, v in bot["environment"].items()}
    assert set(env) <= KNOWN_ENV_NAMES, set(env) - KNOWN_ENV_NAMES

    # The port the app listens on is the port published and the port the image exposes.
    assert int(env["PORT"]) == DEFAULT_PORT
    published = [str(p).split(":")[-1] for p in bot["ports"]]
    assert published == [env["PORT"]]

    # DATABASE_URL points at the postgres service with its own credentials, through psycopg.
    pg_env = services["postgres"]["environment"]
    db = urlsplit(oauth.normalise_database_url(env["DATABASE_URL"]))
    assert db.scheme == "postgresql+psycopg"
    assert (db.hostname, db.port or 5432) == ("postgres", 5432)
    assert (db.username, db.password) == (pg_env["POSTGRES_USER"], pg_env["POSTGRES_PASSWORD"])
    assert db.path.lstrip("/") == pg_env["POSTGRES_DB"]

    redis_url = urlsplit(env["REDIS_URL"])
    assert redis_url.scheme in ("redis", "rediss") and redis_url.hostname == "redis"

    # The bot starts only once both answer, and both have health checks to say so.
    for dependency in ("postgres", "redis"):
        assert bot["depends_on"][dependency]["condition"] == "service_healthy"
        assert services[dependency]["healthcheck"]["test"]

    # The build context and Dockerfile exist where compose looks for them.
    context = (DEPLOY / bot["build"]["context"]).resolve()
    assert context == ROOT
    assert (context / bot["build"]["dockerfile"]).is_file()
    # The data volume is mounted where the image keeps its data.
    assert any(str(v).endswith(":" + env["SMTPBOT_DATA_DIR"]) for v in bot["volumes"])


# ---------------------------------------------------------------------------------------------------------
# Kubernetes
# ---------------------------------------------------------------------------------------------------------


def test_k8s_manifests_are_complete_and_kustomization_lists_them() -> None:
    docs = k8s_docs()
    assert {"Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Secret"} <= set(docs)
    kustomization = load_yaml(K8S / "kustomization.yaml")
    for resource in kustomization["resources"]:
        assert (K8S / resource).is_file(), resource
    # The example Secret is documentation: applying the kustomization must not overwrite real credentials.
    assert "secret.example.yaml" not in kustomization["resources"]


def container() -> dict[str, Any]:
    (only,) = k8s_docs()["Deployment"]["spec"]["template"]["spec"]["containers"]
    return only


def test_k8s_deployment_runs_two_replicas_with_probes_on_the_app_port() -> None:
    deployment = k8s_docs()["Deployment"]
    assert deployment["spec"]["replicas"] >= 2
    c = container()
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    env = {e["name"]: e for e in c["env"]}
    assert ports["http"] == int(env["PORT"]["value"]) == DEFAULT_PORT
    assert c["readinessProbe"]["httpGet"]["path"] == READY_PATH
    assert c["livenessProbe"]["httpGet"]["path"] == HEALTH_PATH
    for probe in ("readinessProbe", "livenessProbe"):
        port = c[probe]["httpGet"]["port"]
        assert port in ports or port in ports.values(), (probe, port)
    assert_cli_accepts(c["args"])
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/path"] == METRICS_PATH
    assert int(annotations["prometheus.io/port"]) == ports["http"]


def test_k8s_env_names_are_settings_and_secrets_come_from_the_secret() -> None:
    docs = k8s_docs()
    secret = docs["Secret"]
    secret_keys = set(secret.get("stringData", {})) | set(secret.get("data", {}))
    for entry in container()["env"]:
        name = entry["name"]
        assert name in KNOWN_ENV_NAMES, name
        if name in SECRET_ENV_NAMES:
            assert "value" not in entry, f"{name} must not be a literal in the manifest"
        ref = entry.get("valueFrom", {}).get("secretKeyRef")
        if ref is not None:
            assert ref["name"] == secret["metadata"]["name"]
            assert ref["key"] == name
            if not ref.get("optional", False):
                assert ref["key"] in secret_keys, f"the example Secret lacks required key {ref['key']}"
    names = {e["name"] for e in container()["env"]}
    # Several replicas need the shared services: without these each replica would keep its own state.
    assert {"DATABASE_URL", "REDIS_URL", "SLACK_SIGNING_SECRET"} <= names


def test_k8s_service_pdb_and_hpa_select_the_deployment_pods() -> None:
    docs = k8s_docs()
    deployment = docs["Deployment"]
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()

    service = docs["Service"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    port_names = {p["name"] for p in container()["ports"]}
    for port in service["spec"]["ports"]:
        assert port["targetPort"] in port_names

    pdb = docs["PodDisruptionBudget"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert pdb["spec"]["minAvailable"] < deployment["spec"]["replicas"]  # drains can still proceed

    hpa = docs["HorizontalPodAutoscaler"]
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    assert hpa["spec"]["minReplicas"] >= 2 and hpa["spec"]["maxReplicas"] >= hpa["spec"]["minReplicas"]


# ---------------------------------------------------------------------------------------------------------
# Heroku
# ---------------------------------------------------------------------------------------------------------


def test_heroku_app_json_names_settings_and_provides_postgres_and_redis() -> None:
    app = json.loads((ROOT / "app.json").read_text(encoding="utf-8"))
    assert set(app["env"]) <= KNOWN_ENV_NAMES, set(app["env"]) - KNOWN_ENV_NAMES
    assert app["env"]["SLACK_SIGNING_SECRET"]["required"] is True
    # Add-ons attached "as" NAME set NAME_URL, which is what the app reads.
    provided = {addon["as"] + "_URL" for addon in app["addons"]}
    assert provided == {"DATABASE_URL", "REDIS_URL"}
    assert set(app["formation"]) == {"web"}


def test_heroku_python_buildpack_finds_the_version_and_installs_the_project() -> None:
    """Heroku's Python buildpack needs requirements.txt (it does not install from pyproject.toml alone)
    and reads the Python version from .python-version; both must agree with the project and the image."""
    requirements = [
        line.strip()
        for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert requirements == ["."]
    version = (ROOT / ".python-version").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"3\.\d+", version), version
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    minimum = re.search(r'requires-python\s*=\s*">=(3\.\d+)"', pyproject)
    assert minimum and tuple(map(int, version.split("."))) >= tuple(map(int, minimum.group(1).split(".")))
    bases = re.findall(r"^FROM python:(\d+\.\d+)-slim", (DEPLOY / "Dockerfile").read_text(), re.MULTILINE)
    assert bases and set(bases) == {version}
    app = json.loads((ROOT / "app.json").read_text(encoding="utf-8"))
    assert [b["url"] for b in app["buildpacks"]] == ["heroku/python"]


def test_procfile_web_process_serves_http_on_herokus_port() -> None:
    procfile = ROOT / "Procfile"
    processes = dict(
        line.split(":", 1) for line in procfile.read_text(encoding="utf-8").splitlines() if ":" in line
    )
    argv = shlex.split(processes["web"])
    # Heroku gives the port in $PORT; the CLI reads it when --port is not given.
    if "--port" in argv:
        assert argv[argv.index("--port") + 1] == "$PORT"
        argv[argv.index("--port") + 1] = str(DEFAULT_PORT)
    assert_cli_accepts(argv)


# ---------------------------------------------------------------------------------------------------------
# Slack app manifest
# ---------------------------------------------------------------------------------------------------------


def test_install_scopes_and_redirect_match_the_slack_manifest() -> None:
    manifest = load_yaml(DEPLOY / "slack-manifest.yml")
    oauth_config = manifest["oauth_config"]
    assert sorted(oauth_config["scopes"]["bot"]) == sorted(oauth.BOT_SCOPES)
    assert oauth_config["redirect_urls"]
    for url in oauth_config["redirect_urls"]:
        assert urlsplit(url).path == oauth.REDIRECT_PATH, url
    # Every URL Slack posts requests to is the path the HTTP server serves.
    settings = manifest["settings"]
    urls = [settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"]]
    urls += [command["url"] for command in manifest["features"].get("slash_commands", [])]
    assert {urlsplit(url).path for url in urls} == {EVENTS_PATH}
