#!/usr/bin/env bash
# Offline check of the Kubernetes manifests: renders every overlay (and the
# base) with `kubectl kustomize` and validates each rendered document against
# the Kubernetes OpenAPI schemas (k8s/validate, npm package kubernetes-models).
# Needs: kubectl (any recent version; only its built-in kustomize is used, no
# cluster), node >= 18 and npm (npm ci from the committed package-lock.json).
#
#   k8s/check.sh            # base + all overlays
#   k8s/check.sh dev        # just one overlay
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
validate_dir="$here/validate"

for tool in kubectl node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "check.sh: '$tool' not found on PATH" >&2; exit 2; }
done

if [[ ! -d "$validate_dir/node_modules/kubernetes-models" || ! -d "$validate_dir/node_modules/js-yaml" ]]; then
  echo "check.sh: installing validator dependencies (npm ci --prefix k8s/validate)" >&2
  npm ci --prefix "$validate_dir" --no-audit --no-fund --loglevel=error >&2
fi

if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  targets=(base)
  for dir in "$here"/overlays/*/; do
    targets+=("$(basename "$dir")")
  done
fi

status=0
for target in "${targets[@]}"; do
  if [[ "$target" == base ]]; then
    dir="$here/base"
  else
    dir="$here/overlays/$target"
  fi
  if [[ ! -f "$dir/kustomization.yaml" ]]; then
    echo "[$target] FAIL: no kustomization.yaml in ${dir#"$here"/}" >&2
    status=1
    continue
  fi
  rendered="$(mktemp)"
  if ! kubectl kustomize "$dir" >"$rendered"; then
    echo "[$target] FAIL: kubectl kustomize failed" >&2
    rm -f "$rendered"
    status=1
    continue
  fi
  if ! node "$validate_dir/validate.mjs" --label "$target" "$rendered"; then
    status=1
  fi
  rm -f "$rendered"
done

if [[ $status -eq 0 ]]; then
  echo "k8s/check.sh: all manifests valid"
else
  echo "k8s/check.sh: manifest check FAILED" >&2
fi
exit $status
