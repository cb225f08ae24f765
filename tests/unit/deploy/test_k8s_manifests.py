"""The Kubernetes manifests are valid for the cluster version we target (kubernetes-validate, its
schemas shipped in the package, so offline), every long-running container is probed, the probes
hit endpoints that exist, the autoscaler scales the API on CPU and memory, and the Dagster
instance they ship is one dagster-k8s accepts."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

BASE = Path(__file__).resolve().parents[3] / "deploy" / "k8s" / "base"
KUBERNETES_VERSION = "1.31.0"
LONG_RUNNING = {"Deployment", "StatefulSet"}


def _documents() -> list[tuple[str, dict]]:
    out = []
    for path in sorted(BASE.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        out += [(path.name, doc) for doc in yaml.safe_load_all(path.read_text()) if doc]
    return out


DOCUMENTS = _documents()


def _by_kind(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for _, doc in DOCUMENTS if doc["kind"] == kind}


def test_the_kustomization_lists_every_manifest_and_nothing_else():
    kustomization = yaml.safe_load((BASE / "kustomization.yaml").read_text())
    on_disk = {p.name for p in BASE.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == on_disk


@pytest.mark.parametrize(("name", "doc"), DOCUMENTS, ids=[f"{n}:{d['kind']}/{d['metadata']['name']}"
                                                         for n, d in DOCUMENTS])
def test_every_resource_is_valid_for_the_target_version(name, doc):
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_an_invalid_resource_is_refused():
    """The validator is strict: a misspelt field fails, so the test above can fail."""
    broken = {**_by_kind("Service")["api"], "spec": {"selector": {"a": "b"}, "portz": []}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def _containers(doc: dict) -> list[dict]:
    return doc["spec"]["template"]["spec"]["containers"]


def test_every_long_running_container_has_readiness_and_liveness_probes_and_limits():
    checked = 0
    for _, doc in DOCUMENTS:
        if doc["kind"] not in LONG_RUNNING:
            continue
        for container in _containers(doc):
            assert "readinessProbe" in container and "livenessProbe" in container, doc["metadata"]["name"]
            assert {"requests", "limits"} <= set(container.get("resources", {})), doc["metadata"]["name"]
            checked += 1
    assert checked >= 6


def test_the_api_probes_hit_routes_the_api_serves_and_liveness_ignores_the_database():
    from api.app import create_app

    paths = set(create_app().openapi()["paths"])
    api = _containers(_by_kind("Deployment")["api"])[0]
    readiness, liveness = api["readinessProbe"]["httpGet"]["path"], api["livenessProbe"]["httpGet"]["path"]
    assert {readiness, liveness} <= paths
    assert readiness == "/health" and liveness == "/health/live"


def test_services_select_pods_that_exist_and_name_their_ports():
    pods = {}
    for _, doc in DOCUMENTS:
        if doc["kind"] in LONG_RUNNING:
            pods[doc["metadata"]["name"]] = (doc["spec"]["template"]["metadata"]["labels"],
                                             {p["name"] for c in _containers(doc) for p in c.get("ports", [])})
    for name, service in _by_kind("Service").items():
        selector = service["spec"]["selector"]
        matching = [ports for labels, ports in pods.values() if selector.items() <= labels.items()]
        assert matching, f"service {name} selects no pod"
        assert all(p["targetPort"] in matching[0] for p in service["spec"]["ports"]), name


def test_the_autoscaler_scales_the_api_on_cpu_and_memory():
    hpa = _by_kind("HorizontalPodAutoscaler")["api"]
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}
    assert {m["resource"]["name"] for m in hpa["spec"]["metrics"]} == {"cpu", "memory"}
    assert hpa["spec"]["minReplicas"] >= 2  # one pod may be drained (the PodDisruptionBudget keeps one)


def test_nothing_secret_is_kept_in_the_manifests():
    assert not _by_kind("Secret")
    for key in _by_kind("ConfigMap")["tourstack-env"]["data"]:
        assert not any(word in key for word in ("PASSWORD", "SECRET", "TOKEN", "KEY", "DATABASE_URL")), key


def test_the_dagster_instance_runs_each_run_in_a_pod_dagster_k8s_accepts():
    from dagster._config import process_config
    from dagster_k8s import K8sRunLauncher

    instance = yaml.safe_load(_by_kind("ConfigMap")["dagster-instance"]["data"]["dagster.yaml"])
    launcher = instance["run_launcher"]
    assert (launcher["module"], launcher["class"]) == ("dagster_k8s", "K8sRunLauncher")
    result = process_config(K8sRunLauncher.config_type(), launcher["config"])
    assert result.success, result.errors
    assert launcher["config"]["service_account_name"] in _by_kind("ServiceAccount")
    assert launcher["config"]["instance_config_map"] == "dagster-instance"
    workspace = yaml.safe_load(_by_kind("ConfigMap")["dagster-instance"]["data"]["workspace.yaml"])
    assert workspace["load_from"][0]["grpc_server"]["host"] in _by_kind("Service")
