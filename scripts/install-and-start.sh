#!/usr/bin/env bash
# Installs k8ts's dependencies and starts a single-node cluster in the background.
# The admin kubeconfig is written to /var/lib/k8ts/kubeconfig.yaml and ~/.kube/config.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
DATA_DIR=${K8TS_DATA_DIR:-/var/lib/k8ts}
mkdir -p "$DATA_DIR"
if [ -f "$DATA_DIR/server.pid" ] && kill -0 "$(cat "$DATA_DIR/server.pid")" 2>/dev/null; then
  echo "k8ts server already running (pid $(cat "$DATA_DIR/server.pid"))"
else
  nohup ./bin/k8ts server --data-dir "$DATA_DIR" --write-kubeconfig "$HOME/.kube/config" "$@" >"$DATA_DIR/server.log" 2>&1 &
  echo $! >"$DATA_DIR/server.pid"
  for _ in $(seq 1 100); do
    if curl -sfk https://127.0.0.1:6443/readyz >/dev/null 2>&1; then break; fi
    sleep 0.2
  done
fi
curl -sfk https://127.0.0.1:6443/readyz >/dev/null || { echo "k8ts server did not start; see $DATA_DIR/server.log" >&2; exit 1; }
# The local node joins a few seconds later (containerd, offline images, bridge).
KUBECTL=(./.tools/bin/kubectl --kubeconfig "$DATA_DIR/kubeconfig.yaml")
for _ in $(seq 1 150); do
  if "${KUBECTL[@]}" get nodes -o jsonpath='{.items[*].status.conditions[?(@.type=="Ready")].status}' 2>/dev/null | grep -q True; then break; fi
  sleep 0.2
done
"${KUBECTL[@]}" get nodes -o wide
echo "k8ts is ready: kubectl get pods -A (log: $DATA_DIR/server.log; stop: kill \$(cat $DATA_DIR/server.pid); remove the node's containers: ./bin/k8ts agent --cleanup --data-dir $DATA_DIR)"
