"""The Kubernetes manifests: each kustomization renders with a real kubectl and every resource passes the
Kubernetes JSON schemas (strict: no unknown fields), and the pieces fit together (what the proxy settings rely
on, budgets and autoscalers that select real Deployments, probes, grace periods, the database connections)."""

from __future__ import annotations

import math

import pytest

from tests.fixtures.deploy import (
    KUBERNETES_VERSIONS,
    KUSTOMIZATIONS,
    config_literals,
    find,
    gunicorn_settings,
    one,
    pgbouncer_ini,
    rendered,
)
from tests.fixtures.services import unavailable

WEB_LABELS = {"app.kubernetes.io/name": "tandem", "app.kubernetes.io/component": "web"}
POSTGRES_MAX_CONNECTIONS = 100 - 3  # PostgreSQL's default max_connections less superuser_reserved_connections
SPARE_FOR_PEOPLE = 10  # migrations, backups, psql


@pytest.mark.parametrize("directory", KUSTOMIZATIONS)
def test_every_resource_passes_the_kubernetes_schemas(directory):
    try:
        import kubernetes_validate
    except ImportError:
        unavailable("kubernetes-validate is not installed: `make deploy-tools` puts it into .venv")
    resources = rendered(directory)
    assert resources
    for version in KUBERNETES_VERSIONS:
        for resource in resources:
            try:
                kubernetes_validate.validate(resource, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                pytest.fail(f"{directory}: {resource['kind']}/{resource['metadata']['name']} against "
                            f"Kubernetes {version}: {error.message} at {list(error.path)}")
        assert all(r["metadata"].get("namespace") == "tandem" for r in resources if r["kind"] != "Namespace")


def _selects(selector: dict, labels: dict) -> bool:
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        if expression["operator"] == "In" and labels.get(expression["key"]) not in expression["values"]:
            return False
    return True


def test_only_the_ingress_controller_reaches_the_web_pods_whose_proxy_headers_are_believed():
    resources = rendered("deploy/kubernetes")
    settings = config_literals(resources)
    assert settings["FORWARDED_ALLOW_IPS"] == "*" and settings["TRUSTED_PROXIES"] == "1"
    policies = find(resources, "NetworkPolicy")
    deny_all = [p for p in policies if p["spec"]["podSelector"] == {} and "ingress" not in p["spec"]
                and p["spec"]["policyTypes"] == ["Ingress"]]
    assert deny_all, "no default deny of incoming connections in the namespace"
    web_rules = [rule for p in policies if _selects(p["spec"]["podSelector"], WEB_LABELS)
                 for rule in p["spec"].get("ingress", [])]
    assert web_rules, "nothing may reach the web pods"
    for rule in web_rules:
        assert rule["ports"] == [{"protocol": "TCP", "port": 8000}]
        for peer in rule["from"]:
            # From the ingress controller's pods in its namespace only: never all pods, nor an address block.
            assert set(peer) == {"namespaceSelector", "podSelector"}, peer
            assert peer["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "ingress-nginx"}
            assert peer["podSelector"]["matchLabels"]
    ingress = one(resources, "Ingress", "tandem-web")
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    service = one(resources, "Service", backend["name"])
    assert backend["port"]["name"] in [port["name"] for port in service["spec"]["ports"]]
    assert ingress["spec"]["tls"] and ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"]
    assert settings["BASE_URL"] == f"https://{ingress['spec']['rules'][0]['host']}"


def test_budgets_and_autoscalers_govern_the_deployments_that_exist():
    resources = rendered("deploy/kubernetes")
    deployments = {d["metadata"]["name"]: d for d in find(resources, "Deployment")}
    budgets = find(resources, "PodDisruptionBudget")
    for budget in budgets:
        matched = [name for name, d in deployments.items()
                   if _selects(budget["spec"]["selector"], d["spec"]["template"]["metadata"]["labels"])]
        assert len(matched) == 1, (budget["metadata"]["name"], matched)
    assert {b["metadata"]["name"] for b in budgets} == {"tandem-web", "tandem-worker"}
    scaled = {}
    for autoscaler in find(resources, "HorizontalPodAutoscaler"):
        target = autoscaler["spec"]["scaleTargetRef"]
        assert target["kind"] == "Deployment" and target["name"] in deployments
        assert 2 <= autoscaler["spec"]["minReplicas"] <= autoscaler["spec"]["maxReplicas"]
        scaled[target["name"]] = autoscaler
    assert set(scaled) == {"tandem-web", "tandem-worker"}
    for name in scaled:  # else every `kubectl apply` resets what the autoscaler chose
        assert "replicas" not in deployments[name]["spec"], name
    cron = deployments["tandem-cron"]["spec"]
    assert cron["replicas"] == 1 and cron["strategy"]["type"] == "Recreate"


def test_workers_have_probes_and_every_pod_has_time_to_stop():
    resources = rendered("deploy/kubernetes")
    worker = one(resources, "Deployment", "tandem-worker")["spec"]["template"]["spec"]
    (container,) = worker["containers"]
    for probe in ("startupProbe", "livenessProbe"):
        assert container[probe]["exec"]["command"] == ["python", "/etc/tandem/worker-alive.py"], probe
    # The liveness probe gives a worker RQ's whole time to live (420 s + 60 s) before it counts as dead.
    liveness = container["livenessProbe"]
    assert liveness["periodSeconds"] * liveness["failureThreshold"] >= 120

    web = one(resources, "Deployment", "tandem-web")["spec"]["template"]["spec"]
    (container,) = web["containers"]
    pre_stop = container["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    graceful = gunicorn_settings()["graceful_timeout"]
    # SIGTERM comes after the preStop hook; gunicorn then needs up to graceful_timeout, and a margin.
    assert web["terminationGracePeriodSeconds"] >= int(pre_stop[1]) + graceful + 5


def test_the_database_connections_add_up_with_and_without_pgbouncer():
    """The arithmetic of docs/deployment.md ("Database connections"), from the files themselves."""
    resources = rendered("deploy/kubernetes")
    settings = config_literals(resources)
    gunicorn = gunicorn_settings(GUNICORN_WORKERS=settings["GUNICORN_WORKERS"],
                                 GUNICORN_THREADS=settings["GUNICORN_THREADS"])
    per_web_pod = gunicorn["workers"] * gunicorn["threads"]  # one connection per thread, kept in each pool
    assert per_web_pod == 8
    autoscalers = {a["spec"]["scaleTargetRef"]["name"]: a["spec"] for a in find(resources, "HorizontalPodAutoscaler")}
    web_pods = autoscalers["tandem-web"]["maxReplicas"] + 1  # + maxSurge during a rolling update
    worker_pods = autoscalers["tandem-worker"]["maxReplicas"] + 1  # the default maxSurge rounds up to 1
    per_worker_pod = 1  # the work horse's, while a job runs; the worker and cron processes hold none
    clients = web_pods * per_web_pod + worker_pods * per_worker_pod
    assert clients == 7 * 8 + 5 * 1

    # Straight to PostgreSQL: it must take them all, with room left for people.
    assert clients <= POSTGRES_MAX_CONNECTIONS - SPARE_FOR_PEOPLE

    # Through PgBouncer in transaction pooling.
    with_pgbouncer = rendered("deploy/kubernetes-with-pgbouncer")
    ini = pgbouncer_ini()["pgbouncer"]
    assert ini["pool_mode"] == "transaction"
    assert int(ini["max_prepared_statements"]) > 0, "psycopg prepares statements: PgBouncer must track them"
    assert int(ini["max_client_conn"]) >= clients
    bouncers = one(with_pgbouncer, "Deployment", "tandem-pgbouncer")["spec"]["replicas"]
    surge = one(with_pgbouncer, "Deployment", "tandem-pgbouncer")["spec"]["strategy"]["rollingUpdate"]["maxSurge"]
    server = (bouncers + surge) * int(ini["max_db_connections"])
    assert server <= POSTGRES_MAX_CONNECTIONS - SPARE_FOR_PEOPLE
    assert int(ini["default_pool_size"]) + int(ini["reserve_pool_size"]) <= int(ini["max_db_connections"])
    assert int(ini["query_wait_timeout"]) < gunicorn["timeout"], "a waiting request must fail before gunicorn kills it"
    assert math.ceil(clients / server) >= 1
    # Only Tandem's own pods reach PgBouncer.
    policy = one(with_pgbouncer, "NetworkPolicy", "tandem-pgbouncer-from-tandem")
    (rule,) = policy["spec"]["ingress"]
    assert rule["ports"] == [{"protocol": "TCP", "port": 6432}]
    assert [set(peer) for peer in rule["from"]] == [{"podSelector"}]
