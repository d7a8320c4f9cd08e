#!/usr/bin/env bash
# Builds every service image with buildah from the one Dockerfile (deploy/images/Dockerfile),
# unchanged and with the build args the pipeline uses (ci/lib.sh), starts one container per
# image and checks that it serves liveness and readiness, runs as non-root, writes nothing
# outside /tmp, and (product) carries no SQL driver. The containers are then used together:
# every service verifies tokens with the identity container's keys, the order container gets
# its own token from it (a client secret generated for this run), and an order goes through
# the gateway.
#
# No Docker engine, registry or Kubernetes is reachable on the build machines, so the
# Dockerfile's base image (python:3.11.14-slim-bookworm) is stood in for by a debootstrapped
# Debian bookworm with Debian's python3.11, at the same paths the real image has
# (/usr/local/bin/python3.11), tagged with the very name the Dockerfile uses.
#
# Needs root, buildah, debootstrap, PyPI and Debian mirrors. The stand-in base and buildah's
# layer cache live under $SHOPSTACK_IMAGE_CACHE (default /var/cache/shopstack-images), so a
# second run only rebuilds what changed. Storage is overlay where the kernel mounts it, else
# vfs, which copies the whole root filesystem for every layer (measured, four images from a
# cached base: 45 s on overlay, 5 minutes on vfs); SHOPSTACK_STORAGE_DRIVER forces one.
# With MariaDB on 127.0.0.1:3306 (root, no password) inventory, order and identity run on it
# (databases made and dropped here); else on SQLite in the container's /tmp.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Where the scan stage writes its reports: the caller's choice, else this run's scratch folder
# (read before lib.sh, which defaults it to the repository's reports/).
SCAN_REPORTS="${REPORTS_DIR:-}"
# Each image's CycloneDX SBOM is kept (tests/deploy/test_image_sboms.py reads them): in the
# repository's git-ignored reports/sbom/ unless the caller chose a reports folder.
SBOMS="${SBOM_DIR:-${REPORTS_DIR:-$REPO/reports}/sbom}"
# SERVICES, DOCKERFILE and build_args_of: the images exactly as ci/image.sh builds them.
# shellcheck source=SCRIPTDIR/../../ci/lib.sh
source "$REPO/ci/lib.sh"
CACHE="${SHOPSTACK_IMAGE_CACHE:-/var/cache/shopstack-images}"
TAG="${SHOPSTACK_IMAGE_TAG:-check}"
# Bump when the stand-in's recipe changes, so a cached rootfs is not reused.
BASE_RECIPE=v1
VENV_BIN="$REPO/.venv/bin"
WORK="$(mktemp -d)"

# overlay if this kernel mounts it here, else vfs (always works, but slowly).
storage_driver() {
  local probe="$WORK/overlay-probe"
  mkdir -p "$probe"/{lower,upper,work,merged}
  if mount -t overlay overlay -o "lowerdir=$probe/lower,upperdir=$probe/upper,workdir=$probe/work" \
    "$probe/merged" 2>/dev/null; then
    umount "$probe/merged"
    echo overlay
  else
    echo vfs
  fi
}
DRIVER="${SHOPSTACK_STORAGE_DRIVER:-$(storage_driver)}"
# One store per driver: buildah refuses a store made by another driver.
BUILDAH=(buildah --root "$CACHE/storage-$DRIVER" --runroot "$CACHE/run-$DRIVER" --storage-driver "$DRIVER")
declare -A PORT PGID CONTAINER
DATABASES=()
PIDS=()

log() { printf '[images %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

cleanup() {
  local pgid name db
  for pgid in "${PGID[@]}"; do kill -TERM -- "-$pgid" 2>/dev/null || true; done
  for pgid in "${PIDS[@]}"; do kill -TERM "$pgid" 2>/dev/null || true; done
  sleep 1
  for name in "${CONTAINER[@]}"; do "${BUILDAH[@]}" rm "$name" >/dev/null 2>&1 || true; done
  for db in "${DATABASES[@]}"; do
    mysql --protocol=tcp -h127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS \`$db\`" || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The single base image name every FROM uses (builder and runtime stages alike).
base_image_name() {
  local names
  names="$(grep '^FROM ' "$REPO/$DOCKERFILE" | awk '{print $2}' | sort -u)"
  [[ "$(wc -l <<<"$names")" == 1 ]] || die "the Dockerfile uses more than one base: $names"
  printf '%s\n' "$names"
}

# debootstrap (about 30 s), then what the Dockerfile uses from python:3.11-slim: python at
# /usr/local/bin, `python -m venv` with ensurepip, CA certificates. Cached as a tarball.
make_base_rootfs() {
  local tarball="$1" rootfs="$WORK/rootfs"
  log "debootstrap bookworm into $rootfs (cached afterwards as $tarball)"
  debootstrap --variant=minbase --include=python3.11,python3-venv,ca-certificates \
    bookworm "$rootfs" http://deb.debian.org/debian >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }
  local name
  for name in python python3 python3.11; do ln -sf /usr/bin/python3.11 "$rootfs/usr/local/bin/$name"; done
  # This sandbox's egress proxy re-signs TLS: the stand-in trusts the host's CA bundle, which
  # holds Debian's CAs plus the proxy's. The real base image needs none of this.
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"*
  tar -C "$rootfs" -cf "$tarball.partial" . && mv "$tarball.partial" "$tarball"
  rm -rf "$rootfs"
}

ensure_base_image() {
  local base="$1" tarball="$CACHE/base-bookworm-py311-$BASE_RECIPE.tar" ctr mnt
  if "${BUILDAH[@]}" inspect --type image "$base" >/dev/null 2>&1; then
    log "stand-in base $base: cached"
    return
  fi
  [[ -f "$tarball" ]] || make_base_rootfs "$tarball"
  ctr="$("${BUILDAH[@]}" from scratch)"
  mnt="$("${BUILDAH[@]}" mount "$ctr")"
  tar -C "$mnt" -xf "$tarball"
  "${BUILDAH[@]}" umount "$ctr" >/dev/null
  # The real image's environment, plus the CA bundle for pip and uv (see above).
  "${BUILDAH[@]}" config --env PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env LANG=C.UTF-8 --env PYTHON_VERSION=3.11 \
    --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    --env PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    --cmd python3 "$ctr"
  "${BUILDAH[@]}" commit --quiet --rm "$ctr" "$base" >/dev/null
  log "stand-in base $base: committed"
}

build_image() {
  local svc="$1" started build_args
  started=$SECONDS
  mapfile -t build_args < <(build_args_of "$svc")
  log "build $svc from $DOCKERFILE"
  "${BUILDAH[@]}" bud --isolation chroot --layers --pull=never --format docker --quiet \
    "${build_args[@]}" --build-arg "VERSION=$SHOPSTACK_VERSION" --build-arg "REVISION=$(git -C "$REPO" rev-parse HEAD)" \
    -f "$REPO/$DOCKERFILE" -t "localhost/shopstack/$svc:$TAG" "$REPO" >"$WORK/build-$svc.log" 2>&1 \
    || { tail -40 "$WORK/build-$svc.log" >&2; die "build of $svc failed"; }
  log "built $svc in $((SECONDS - started)) s"
}

# One list field of an image's Docker config (Entrypoint, Cmd, Healthcheck.Test), one
# argument per NUL-terminated item (buildah 1.28's --format has no json function).
image_args() {
  "${BUILDAH[@]}" inspect --type image "localhost/shopstack/$1:$TAG" >"$WORK/inspect-$1.json"
  python3 - "$WORK/inspect-$1.json" "$2" <<'EOF'
import json, sys
value = json.load(open(sys.argv[1]))["Docker"]["config"]
for key in sys.argv[2].split("."):
    value = value[key]
sys.stdout.write("".join(arg + "\0" for arg in value))
EOF
}

# Starts the image's own ENTRYPOINT + CMD as the image's USER, host network, in its own
# process group; extra arguments are KEY=VALUE environment settings.
start_container() {
  local svc="$1" port="$2" entry cmd
  shift 2
  local env_args=()
  local kv
  for kv in "$@"; do env_args+=(--env "$kv"); done
  image_args "$svc" Entrypoint >"$WORK/entry-$svc"
  image_args "$svc" Cmd >"$WORK/cmd-$svc"
  mapfile -d '' entry <"$WORK/entry-$svc"
  mapfile -d '' cmd <"$WORK/cmd-$svc"
  CONTAINER[$svc]="$("${BUILDAH[@]}" from --pull-never --name "shopstack-check-$svc" "localhost/shopstack/$svc:$TAG")"
  touch "$WORK/started-$svc"
  setsid "${BUILDAH[@]}" run --isolation chroot "${env_args[@]}" "${CONTAINER[$svc]}" -- \
    "${entry[@]}" "${cmd[@]}" >"$WORK/run-$svc.log" 2>&1 &
  PGID[$svc]=$!
  PORT[$svc]="$port"
}

http_status() {
  python3 - "$1" <<'EOF'
import sys, urllib.error, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=3).status)
except urllib.error.HTTPError as e:
    print(e.code)
except OSError:
    print(0)
EOF
}

wait_for() {
  local url="$1" svc="$2"
  for _ in $(seq 120); do
    [[ "$(http_status "$url")" == 200 ]] && return 0
    kill -0 "${PGID[$svc]}" 2>/dev/null || { cat "$WORK/run-$svc.log" >&2; die "$svc exited"; }
    sleep 0.5
  done
  cat "$WORK/run-$svc.log" >&2
  die "$url did not answer 200"
}

check_container() {
  local svc="$1" base="http://127.0.0.1:${PORT[$1]}" pid uid rss health mnt written
  wait_for "$base/actuator/health/liveness" "$svc"
  [[ "$(http_status "$base/actuator/health/readiness")" == 200 ]] || die "$svc is not ready"
  pid="$(ss -ltnpH "sport = :${PORT[$svc]}" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)"
  uid="$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")"
  rss="$(awk '/^VmRSS:/ {print int($2 / 1024)}' "/proc/$pid/status")"
  [[ "$uid" != 0 ]] || die "$svc runs as root"
  # The image's HEALTHCHECK command, run inside the container as the image's user, on the
  # PORT the container was started with.
  image_args "$svc" Healthcheck.Test >"$WORK/health-$svc"
  mapfile -d '' health <"$WORK/health-$svc"
  [[ "${health[0]}" == CMD ]] || die "$svc: HEALTHCHECK is not an exec form"
  "${BUILDAH[@]}" run --isolation chroot --env "PORT=${PORT[$svc]}" "${CONTAINER[$svc]}" -- \
    "${health[@]:1}" || die "$svc: HEALTHCHECK failed"
  # Read-only-root friendly: nothing written outside /tmp since the container started
  # (buildah's own bind-mount targets excepted).
  mnt="$("${BUILDAH[@]}" mount "${CONTAINER[$svc]}")"
  written="$(find "$mnt" -xdev -newer "$WORK/started-$svc" \
    -not -path "$mnt/tmp" -not -path "$mnt/tmp/*" -not -path "$mnt/etc/hosts" \
    -not -path "$mnt/etc/resolv.conf" -not -path "$mnt/etc/hostname" -not -path "$mnt/run" \
    -not -path "$mnt/run/*" -not -path "$mnt/dev" -not -path "$mnt/proc" -not -path "$mnt/sys" \
    -not -path "$mnt" -not -path "$mnt/etc" -print)"
  "${BUILDAH[@]}" umount "${CONTAINER[$svc]}" >/dev/null
  [[ -z "$written" ]] || die "$svc wrote outside /tmp: ${written//$mnt/}"
  log "ok $svc: liveness and readiness 200, HEALTHCHECK passes, uid $uid, no writes outside /tmp, RSS $rss MiB"
}

# A fresh database for one service; its name is kept in DATABASES for cleanup. Not called
# in $(...): a subshell would lose that.
make_database() {
  local db="shopstack_img_$1_$$"
  mysql --protocol=tcp -h127.0.0.1 -uroot -e "CREATE DATABASE \`$db\`"
  DATABASES+=("$db")
}

main() {
  [[ "$(id -u)" == 0 ]] || die "run as root (buildah with vfs storage and chroot isolation)"
  command -v buildah >/dev/null || die "buildah is not installed (apt-get install buildah)"
  command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
  mkdir -p "$CACHE"
  local started=$SECONDS base svc
  log "buildah storage driver: $DRIVER"
  base="$(base_image_name)"
  ensure_base_image "$base"
  for svc in "${SERVICES[@]}"; do build_image "$svc"; done

  local inventory_db order_db identity_db mongo_port client_secret smoke_secret issuer
  if mysqladmin --protocol=tcp -h127.0.0.1 -uroot ping >/dev/null 2>&1; then
    log "inventory, order and identity on MariaDB at 127.0.0.1:3306"
    make_database inventory
    make_database order
    make_database identity
    inventory_db="mysql+asyncmy://root@127.0.0.1:3306/${DATABASES[0]}?charset=utf8mb4"
    order_db="mysql+asyncmy://root@127.0.0.1:3306/${DATABASES[1]}?charset=utf8mb4"
    identity_db="mysql+asyncmy://root@127.0.0.1:3306/${DATABASES[2]}?charset=utf8mb4"
  else
    log "no MariaDB on 127.0.0.1:3306: inventory, order and identity on SQLite in the container's /tmp"
    inventory_db="sqlite+aiosqlite:////tmp/inventory.db"
    order_db="sqlite+aiosqlite:////tmp/order.db"
    identity_db="sqlite+aiosqlite:////tmp/identity.db"
  fi
  # The product image has no SQL driver: it runs on the MongoDB wire server from the venv.
  mongo_port="$(free_port)"
  "$VENV_BIN/nx-27017" --db memory --port "$mongo_port" >"$WORK/nx.log" 2>&1 &
  PIDS+=($!)
  # The product container gives up after its 2 s server selection: wait until nx listens
  # (on a loaded machine it may take longer than the other containers' start).
  for _ in $(seq 60); do
    python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' \
      "$mongo_port" 2>/dev/null && break
    sleep 0.5
  done

  for svc in "${SERVICES[@]}"; do PORT[$svc]="$(free_port)"; done
  # Every service accepts the identity container's tokens; its keys come from it on loopback.
  issuer="http://127.0.0.1:${PORT[identity]}"
  local auth=("AUTH_ISSUER=$issuer" "AUTH_JWKS_URL=$issuer/jwks")
  # Generated for this run only, as an operator would (never a fixed value).
  client_secret="$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
  smoke_secret="$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
  storefront_secret="$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
  # Each on its free port through the unprefixed PORT of the launch contract.
  start_container identity "${PORT[identity]}" "PORT=${PORT[identity]}" \
    "IDENTITY_DATABASE_URL=$identity_db" "IDENTITY_ISSUER=$issuer" "${auth[@]}" \
    "IDENTITY_ORDER_SERVICE_CLIENT_SECRET=$client_secret" \
    "IDENTITY_SMOKE_CLIENT_SECRET=$smoke_secret" \
    "IDENTITY_STOREFRONT_CLIENT_SECRET=$storefront_secret" \
    "IDENTITY_STOREFRONT_REDIRECT_URIS=http://127.0.0.1:${PORT[gateway]}/auth/callback" \
    "IDENTITY_STOREFRONT_POST_LOGOUT_REDIRECT_URIS=http://127.0.0.1:${PORT[gateway]}/"
  start_container product "${PORT[product]}" "PORT=${PORT[product]}" "${auth[@]}" \
    "PRODUCT_DATABASE_URL=mongodb://127.0.0.1:$mongo_port/shopstack_product"
  start_container inventory "${PORT[inventory]}" "PORT=${PORT[inventory]}" "${auth[@]}" \
    "INVENTORY_DATABASE_URL=$inventory_db"
  start_container order "${PORT[order]}" "PORT=${PORT[order]}" "${auth[@]}" \
    "ORDER_DATABASE_URL=$order_db" \
    "ORDER_PRODUCT_URL=http://127.0.0.1:${PORT[product]}" \
    "ORDER_INVENTORY_URL=http://127.0.0.1:${PORT[inventory]}" \
    "ORDER_CLIENT_SECRET=$client_secret" "ORDER_TOKEN_URL=$issuer/token"
  start_container gateway "${PORT[gateway]}" "PORT=${PORT[gateway]}" "${auth[@]}" \
    "GATEWAY_PRODUCT_URL=http://127.0.0.1:${PORT[product]}" \
    "GATEWAY_INVENTORY_URL=http://127.0.0.1:${PORT[inventory]}" \
    "GATEWAY_ORDER_URL=http://127.0.0.1:${PORT[order]}" \
    "GATEWAY_PUBLIC_URL=http://127.0.0.1:${PORT[gateway]}" \
    "GATEWAY_OIDC_CLIENT_SECRET=$storefront_secret" \
    "GATEWAY_SESSION_STORE_URL=sqlite+aiosqlite:////tmp/gateway-sessions.db"
  for svc in "${SERVICES[@]}"; do check_container "$svc"; done

  # The catalog image deliberately lacks SQL drivers (README: product-service without `sql`).
  "${BUILDAH[@]}" run --isolation chroot "${CONTAINER[product]}" -- python -c \
    'import importlib.util as u, sys; found = [m for m in ("asyncmy", "sqlalchemy", "aiosqlite") if u.find_spec(m)]; sys.exit(f"SQL modules in the image: {found}" if found else 0)' \
    || die "the product image carries a SQL driver"
  log "ok product: no asyncmy, sqlalchemy or aiosqlite in the image"

  # The images together: the page and an order placed through the gateway, the product and
  # its stock set with the smoke client's token (role admin) from the identity container.
  SMOKE_TOKEN_URL="$issuer/token" SMOKE_CLIENT_SECRET="$smoke_secret" \
    python3 "$REPO/deploy/images/smoke_order.py" "http://127.0.0.1:${PORT[gateway]}" \
    || die "an order through the gateway failed"
  # The pipeline's scan stage, for real on these images: misconfigurations and secrets (the
  # vulnerability database cannot be downloaded here), and an SBOM per image.
  mkdir -p "$WORK/archives"
  for svc in "${SERVICES[@]}"; do
    "${BUILDAH[@]}" push --quiet "localhost/shopstack/$svc:$TAG" "docker-archive:$WORK/archives/$svc.tar" \
      || die "could not export the $svc image"
  done
  TRIVY="$VENV_BIN/trivy" TRIVY_OFFLINE=true REPORTS_DIR="${SCAN_REPORTS:-$WORK/reports}" \
    SBOM_DIR="$SBOMS" "$REPO/ci/scan.sh" --archives "$WORK/archives" \
    || die "trivy found a problem in an image"
  log "ok trivy: no misconfiguration or secret in any image"
  log "ok sbom: a CycloneDX SBOM per image in $SBOMS"
  log "all images pass in $((SECONDS - started)) s"
}

main "$@"
