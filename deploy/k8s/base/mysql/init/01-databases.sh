#!/bin/bash
# MariaDB's entrypoint runs this once, on an empty data directory: one database and one
# least-privileged user per service, and the exporter's monitoring user. Passwords come from
# the environment (compose: .env; Kubernetes: the mysql-credentials Secret), never from here.
# The one script for both: compose mounts this folder, Kustomize makes the mysql-init
# ConfigMap from it; tests/deploy/test_database_scripts.py runs it against a real MariaDB.
set -euo pipefail
: "${MARIADB_ROOT_PASSWORD?}" "${INVENTORY_DB_PASSWORD:?}" "${ORDER_DB_PASSWORD:?}" \
  "${IDENTITY_DB_PASSWORD:?}" "${MYSQL_EXPORTER_PASSWORD:?}"
inventory_db="${INVENTORY_DB_NAME:-inventory}"
order_db="${ORDER_DB_NAME:-orders}"
identity_db="${IDENTITY_DB_NAME:-identity}"
exporter="${MYSQL_EXPORTER_USER:-exporter}"

# A value as an SQL string literal: quotes and backslashes escaped.
quote() {
  local value="${1//\\/\\\\}"
  printf "'%s'" "${value//\'/\'\'}"
}

MYSQL_PWD="$MARIADB_ROOT_PASSWORD" "${MARIADB_CLIENT:-mariadb}" --user=root "$@" <<SQL
CREATE DATABASE IF NOT EXISTS \`$inventory_db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS \`$order_db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$inventory_db'@'%' IDENTIFIED BY $(quote "$INVENTORY_DB_PASSWORD");
GRANT ALL PRIVILEGES ON \`$inventory_db\`.* TO '$inventory_db'@'%';
CREATE USER IF NOT EXISTS '$order_db'@'%' IDENTIFIED BY $(quote "$ORDER_DB_PASSWORD");
GRANT ALL PRIVILEGES ON \`$order_db\`.* TO '$order_db'@'%';
CREATE DATABASE IF NOT EXISTS \`$identity_db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$identity_db'@'%' IDENTIFIED BY $(quote "$IDENTITY_DB_PASSWORD");
GRANT ALL PRIVILEGES ON \`$identity_db\`.* TO '$identity_db'@'%';
CREATE USER IF NOT EXISTS '$exporter'@'%' IDENTIFIED BY $(quote "$MYSQL_EXPORTER_PASSWORD")
  WITH MAX_USER_CONNECTIONS 3;
GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.* TO '$exporter'@'%';
FLUSH PRIVILEGES;
SQL
