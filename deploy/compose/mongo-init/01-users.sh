#!/bin/bash
# MongoDB's entrypoint runs this once, on an empty data directory, after creating the root
# user: the catalog's own user (readWrite on shopstack_product only) and the exporter's
# read-only monitoring user. Passwords come from the environment (compose: .env; Kubernetes:
# the mongodb-credentials Secret); the two new ones reach mongosh through process.env, not
# its command line (the root login is passed the way the image's own init passes it).
# deploy/k8s/base/mongodb/init/01-users.sh is a copy; a test keeps the two identical.
set -euo pipefail
: "${MONGO_INITDB_ROOT_USERNAME:?}" "${MONGO_INITDB_ROOT_PASSWORD:?}" "${PRODUCT_DB_PASSWORD:?}" \
  "${MONGODB_EXPORTER_PASSWORD:?}"
mongosh --quiet --norc admin \
  --username "$MONGO_INITDB_ROOT_USERNAME" --password "$MONGO_INITDB_ROOT_PASSWORD" \
  --eval '
    db.createUser({user: "product", pwd: process.env.PRODUCT_DB_PASSWORD,
                   roles: [{role: "readWrite", db: "shopstack_product"}]});
    db.createUser({user: "exporter", pwd: process.env.MONGODB_EXPORTER_PASSWORD,
                   roles: [{role: "clusterMonitor", db: "admin"}, {role: "read", db: "local"}]});
  '
