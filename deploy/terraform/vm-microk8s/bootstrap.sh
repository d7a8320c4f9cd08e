#!/usr/bin/env bash
# First boot of the shopstack VM (cloud-init runs it as root): docs/deploy.md's MicroK8s
# steps, unattended. Parameters: /etc/shopstack/bootstrap.env (written by cloud-init from
# Terraform's variables). Safe to run again: each step checks what is already done.
set -euo pipefail

ENV_FILE="${ENV_FILE:-/etc/shopstack/bootstrap.env}"
# shellcheck source=/dev/null
source "$ENV_FILE"
: "${ADMIN_USER:?}" "${REPOSITORY_URL:?}" "${REPOSITORY_REF:?}" "${IMAGE_TAG:?}" "${SHOP_HOST:?}"
IMAGE_REGISTRY="${IMAGE_REGISTRY:-}"
ENABLE_MONITORING="${ENABLE_MONITORING:-true}"

CHECKOUT=/opt/shopstack
# MicroK8s' hostpath-storage keeps every PersistentVolume here: the data disk is mounted on it.
STORAGE_DIR=/var/snap/microk8s/common/default-storage
DATA_DISK=/dev/disk/azure/scsi1/lun0
SERVICES=(product inventory order identity gateway)
DONE_MARKER=/var/lib/shopstack/bootstrapped

log() { printf '%s shopstack-bootstrap: %s\n' "$(date -u +%FT%TZ)" "$*"; }
kubectl() { microk8s kubectl "$@"; }

# Retries a command that depends on something still starting (webhooks, CRDs, the registry).
retry() {
  local attempts=$1 delay=$2
  shift 2
  local n
  for ((n = 1; n <= attempts; n++)); do
    "$@" && return 0
    log "attempt $n/$attempts failed: $*"
    sleep "$delay"
  done
  return 1
}

if [[ -e "$DONE_MARKER" ]]; then
  log "already bootstrapped ($DONE_MARKER); nothing to do"
  exit 0
fi

# 1. Kubernetes 1.29 (docs/deploy.md step 1).
if ! snap list microk8s >/dev/null 2>&1; then
  log "installing MicroK8s 1.29"
  snap install microk8s --classic --channel=1.29/stable
fi
usermod -a -G microk8s "$ADMIN_USER"
microk8s status --wait-ready

# 2. The hostPath volumes on the managed data disk, before any volume is made. The disk is
# attached by Terraform after the VM exists, so it may appear only after boot.
log "waiting for the data disk $DATA_DISK"
retry 60 10 test -b "$DATA_DISK"
device="$(readlink -f "$DATA_DISK")"
if ! blkid "$device" >/dev/null 2>&1; then
  log "formatting $device (empty disk)"
  mkfs.ext4 -q -L shopstack-data "$device"
fi
uuid="$(blkid -s UUID -o value "$device")"
mkdir -p "$STORAGE_DIR"
if ! grep -q "UUID=$uuid" /etc/fstab; then
  # nofail: a missing disk must not stop the VM from booting (SSH stays reachable).
  echo "UUID=$uuid $STORAGE_DIR ext4 defaults,nofail,x-systemd.device-timeout=30s 0 2" >>/etc/fstab
fi
mountpoint -q "$STORAGE_DIR" || mount "$STORAGE_DIR"

# 3. The add-ons: DNS, the image registry (localhost:32000), ingress, storage, metrics,
# cert-manager, and observability (the Prometheus Operator, Grafana, Loki, Tempo) for the
# monitoring component.
log "enabling the add-ons"
microk8s enable dns registry ingress hostpath-storage metrics-server cert-manager observability
snap alias microk8s.kubectl kubectl
kubectl -n container-registry rollout status deployment/registry --timeout=10m
kubectl -n cert-manager rollout status deployment/cert-manager-webhook --timeout=10m

# 4. The repository at the requested ref (a branch, a tag or a commit).
if [[ ! -d "$CHECKOUT/.git" ]]; then
  log "cloning $REPOSITORY_URL at $REPOSITORY_REF"
  git init -q "$CHECKOUT"
  git -C "$CHECKOUT" remote add origin "$REPOSITORY_URL"
fi
retry 5 10 git -C "$CHECKOUT" fetch -q --depth 1 origin "$REPOSITORY_REF"
git -C "$CHECKOUT" checkout -q --detach FETCH_HEAD
cd "$CHECKOUT"

# 5. The images (docs/deploy.md step 2): built here and pushed to the cluster's registry, or
# pulled by the cluster from IMAGE_REGISTRY.
if [[ -z "$IMAGE_REGISTRY" ]]; then
  log "building the images"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io
  systemctl enable --now docker
  retry 3 30 env REGISTRY=localhost:32000 BUILD_NUMBER="$IMAGE_TAG" ci/image.sh
  image_registry=localhost:32000
else
  image_registry="$IMAGE_REGISTRY"
fi

# 6. The shop's two hosts: the overlay's two URLs, which the Ingress and the certificate follow.
overlay=deploy/k8s/overlays/microk8s
grep -q '^      - AUTH_ISSUER=https://id.shop.localhost$' "$overlay/kustomization.yaml"
grep -q '^      - STOREFRONT_URL=https://shop.localhost$' "$overlay/kustomization.yaml"
sed -i \
  -e "s|^      - AUTH_ISSUER=https://id.shop.localhost\$|      - AUTH_ISSUER=https://id.$SHOP_HOST|" \
  -e "s|^      - STOREFRONT_URL=https://shop.localhost\$|      - STOREFRONT_URL=https://$SHOP_HOST|" \
  "$overlay/kustomization.yaml"

# 7. Credentials (docs/deploy.md step 3): every git-ignored secret file, random values.
if [[ ! -x ci/k8s-secrets.sh ]]; then
  log "ci/k8s-secrets.sh is missing at $REPOSITORY_REF: deploy a newer ref"
  exit 1
fi
ci/k8s-secrets.sh microk8s

# 8. This machine's overlay: microk8s, its images, and the monitoring component when asked.
local_overlay=deploy/k8s/overlays/vm-local
mkdir -p "$local_overlay"
{
  echo "# Written by shopstack-bootstrap on this VM; not in the repository."
  echo "apiVersion: kustomize.config.k8s.io/v1beta1"
  echo "kind: Kustomization"
  echo "namespace: shopstack"
  echo "resources:"
  echo "  - ../microk8s"
  if [[ "$ENABLE_MONITORING" == true && -d deploy/k8s/components/monitoring ]]; then
    echo "components:"
    echo "  - ../../components/monitoring"
  fi
  echo "images:"
  for service in "${SERVICES[@]}"; do
    echo "  - name: localhost:32000/$service"
    echo "    newName: $image_registry/$service"
    echo "    newTag: \"$IMAGE_TAG\""
  done
} >"$local_overlay/kustomization.yaml"
if [[ "$ENABLE_MONITORING" == true ]]; then
  kubectl wait --for=condition=established --timeout=10m \
    crd/servicemonitors.monitoring.coreos.com crd/prometheusrules.monitoring.coreos.com
fi

# 9. Deploy and wait (docs/deploy.md step 4). Retried: cert-manager's webhook may still be
# warming up although its Deployment is ready.
log "applying $local_overlay"
retry 10 30 kubectl apply -k "$local_overlay"
kubectl -n shopstack rollout status statefulset/mysql statefulset/mongodb --timeout=15m
kubectl -n shopstack rollout status deployment/identity deployment/product \
  deployment/inventory deployment/order deployment/gateway --timeout=15m

mkdir -p "$(dirname "$DONE_MARKER")"
date -u +%FT%TZ >"$DONE_MARKER"
log "done: https://$SHOP_HOST/ (the first admin: docs/deploy.md, create-admin)"
