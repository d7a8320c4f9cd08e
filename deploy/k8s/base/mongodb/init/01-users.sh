#!/bin/bash
# MongoDB's entrypoint runs this once, on an empty data directory, after creating the root
# user: the catalog's own user (readWrite on shopstack_product only), the exporter's read-only
# monitoring user and, when its password is given, the backup CronJob's user (the built-in
# `backup` role: what mongodump needs, no write). Each password comes as NAME or, the way
# Kubernetes mounts the mongodb-credentials Secret, from the file NAME_FILE names (compose:
# .env values). The new users' passwords reach mongosh through process.env, not its command
# line (the root login is passed the way the image's own init passes it). Compose mounts this
# same folder.
set -euo pipefail

# NAME from the file $NAME_FILE names, if set; exactly one of the two.
from_file() {
  local name="$1" file_var="$1_FILE"
  if [[ -n "${!file_var:-}" ]]; then
    if [[ -n "${!name:-}" ]]; then
      echo "$0: set $name or $file_var, not both" >&2
      exit 1
    fi
    printf -v "$name" '%s' "$(<"${!file_var}")"
  fi
}
for name in MONGO_INITDB_ROOT_USERNAME MONGO_INITDB_ROOT_PASSWORD PRODUCT_DB_PASSWORD \
  MONGODB_EXPORTER_PASSWORD MONGODB_BACKUP_PASSWORD; do
  from_file "$name"
done
: "${MONGO_INITDB_ROOT_USERNAME:?}" "${MONGO_INITDB_ROOT_PASSWORD:?}" "${PRODUCT_DB_PASSWORD:?}" \
  "${MONGODB_EXPORTER_PASSWORD:?}"
export PRODUCT_DB_PASSWORD MONGODB_EXPORTER_PASSWORD
export MONGODB_BACKUP_PASSWORD="${MONGODB_BACKUP_PASSWORD:-}"
mongosh --quiet --norc admin \
  --username "$MONGO_INITDB_ROOT_USERNAME" --password "$MONGO_INITDB_ROOT_PASSWORD" \
  --eval '
    db.createUser({user: "product", pwd: process.env.PRODUCT_DB_PASSWORD,
                   roles: [{role: "readWrite", db: "shopstack_product"}]});
    db.createUser({user: "exporter", pwd: process.env.MONGODB_EXPORTER_PASSWORD,
                   roles: [{role: "clusterMonitor", db: "admin"}, {role: "read", db: "local"}]});
    if (process.env.MONGODB_BACKUP_PASSWORD) {
      db.createUser({user: "backup", pwd: process.env.MONGODB_BACKUP_PASSWORD,
                     roles: [{role: "backup", db: "admin"}]});
    }
  '
