"""The deployment files: deploy/compose.yaml against the Compose specification's schema, deploy/k8s/
against Kubernetes' own schemas (kubernetes-validate, strict: no unknown fields), both through yamllint,
HAProxy's configuration through `haproxy -c`, and the facts they must agree on with the Dockerfile
(port, health check) and with each other (the affinity cookie, the autoscaler's target). No container
engine or cluster here: tests/deploy/test_replicas.py runs the same topology as local processes."""

import importlib.resources
import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml
from yamllint import linter
from yamllint.config import YamlLintConfig

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench" / "load"))
from servers import dockerfile_argument, dockerfile_instructions  # noqa: E402

DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"
MANIFESTS = sorted(path for path in K8S.glob("*.yaml") if path.name != "kustomization.yaml")
KUBERNETES_VERSION = "1.30.0"  # the oldest release still in wide use; the files use nothing newer
YAMLLINT = YamlLintConfig(
    "{extends: default, rules: {line-length: {max: 110}, document-start: disable, "
    "truthy: {check-keys: false}}}"
)
HEALTH = "/_stcore/health"


def load(path):
    return yaml.safe_load(path.read_text())


def resources():
    """{kind: manifest} of deploy/k8s."""
    return {manifest["kind"]: manifest for manifest in map(load, MANIFESTS)}


def container():
    (app,) = resources()["Deployment"]["spec"]["template"]["spec"]["containers"]
    return app


@pytest.mark.parametrize("path", [DEPLOY / "compose.yaml", *K8S.glob("*.yaml")], ids=lambda path: path.name)
def test_yamllint_finds_nothing(path):
    problems = [
        f"{path.name}:{p.line}:{p.column} {p.message} ({p.rule})"
        for p in linter.run(path.read_text(), YAMLLINT, str(path))
    ]
    assert not problems, "\n".join(problems)


def test_compose_file_matches_the_compose_specification():
    schema_file = importlib.resources.files("check_jsonschema") / "builtin_schemas/vendor/compose-spec.json"
    schema = json.loads(schema_file.read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(load(DEPLOY / "compose.yaml"))


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda path: path.name)
def test_kubernetes_manifests_are_valid_in_strict_mode(path):
    kubernetes_validate.validate(load(path), KUBERNETES_VERSION, strict=True)
    kubernetes_validate.validate(load(path), kubernetes_validate.latest_version(), strict=True)


def test_a_manifest_with_a_typo_fails_validation():
    """The validator is not a rubber stamp: a misspelt field is refused in strict mode."""
    deployment = resources()["Deployment"]
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {"httpGet": {"path": HEALTH}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_kustomization_lists_every_manifest():
    listed = load(K8S / "kustomization.yaml")["resources"]
    assert sorted(listed) == [path.name for path in MANIFESTS]


def test_compose_app_is_the_dockerfile_image_with_its_health_check_and_haproxy_finds_it_by_name():
    compose = load(DEPLOY / "compose.yaml")
    app, balancer = compose["services"]["app"], compose["services"]["balancer"]
    assert app["build"]["dockerfile"] == "Dockerfile" and (DEPLOY / app["build"]["context"]).resolve() == REPO
    health = shlex.split(dockerfile_argument("HEALTHCHECK").split(" CMD ", 1)[1])
    assert app["healthcheck"]["test"] == ["CMD", *health]
    assert health[-1].endswith(HEALTH)
    (exposed,) = [arg for ins, arg in dockerfile_instructions() if ins == "EXPOSE"]
    assert app["expose"] == [exposed]
    assert balancer["depends_on"]["app"]["condition"] == "service_healthy"
    config_mount = f"./{(DEPLOY / 'haproxy-compose.cfg').name}:/usr/local/etc/haproxy/haproxy.cfg:ro"
    assert config_mount in balancer["volumes"]
    assert balancer["environment"]["REPLICAS"] == "app"  # the service's DNS name
    assert balancer["environment"]["REPLICA_PORT"] == exposed


def test_haproxy_compose_config_discovers_replicas_by_dns_with_affinity_and_health_checks():
    config = (DEPLOY / "haproxy-compose.cfg").read_text()
    assert "server-template app" in config and "resolvers discovery" in config
    assert "cookie SERVERID insert" in config and " dynamic" in config
    assert f"option httpchk GET {HEALTH}" in config


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="needs Debian's haproxy (.ci/run installs it)")
@pytest.mark.parametrize("config", ["haproxy.cfg", "haproxy-compose.cfg"])
def test_haproxy_accepts_the_configuration(config):
    done = subprocess.run(["haproxy", "-c", "-f", str(DEPLOY / config)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_deployment_probes_health_on_the_image_port_and_requests_one_core():
    app = container()
    (port,) = app["ports"]
    assert str(port["containerPort"]) == dockerfile_argument("EXPOSE")
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert app[probe]["httpGet"] == {"path": HEALTH, "port": port["name"]}
    assert app["resources"]["requests"]["cpu"] == "1000m"  # one Python process: at most one core
    assert "cpu" not in app["resources"]["limits"]  # no throttling
    assert app["resources"]["requests"]["memory"] == "512Mi"


def test_service_ingress_and_autoscaler_point_at_the_deployment_with_cookie_affinity():
    kinds = resources()
    deployment, service, ingress, autoscaler = (
        kinds[kind] for kind in ("Deployment", "Service", "Ingress", "HorizontalPodAutoscaler")
    )
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    (rule,) = ingress["spec"]["rules"]
    (path,) = rule["http"]["paths"]
    assert path["backend"]["service"]["name"] == service["metadata"]["name"]
    assert path["backend"]["service"]["port"]["name"] == service["spec"]["ports"][0]["name"]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert annotations["nginx.ingress.kubernetes.io/session-cookie-name"] == "SERVERID"  # as HAProxy's
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600  # websockets
    target = autoscaler["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    (metric,) = autoscaler["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert 0 < metric["resource"]["target"]["averageUtilization"] <= 80
