#!/bin/bash
# MariaDB's entrypoint runs this once, on an empty data directory: one database and one
# least-privileged user per service, the exporter's monitoring user and, when its password is
# given, the backup CronJob's read-only user. Each password comes as NAME or, the way
# Kubernetes mounts the mysql-credentials Secret, from the file NAME_FILE names (compose: .env
# values); never from here.
# The one script for both: compose mounts this folder, Kustomize makes the mysql-init
# ConfigMap from it; tests/deploy/test_database_scripts.py runs it against a real MariaDB.
set -euo pipefail

# NAME from the file $NAME_FILE names, if set; exactly one of the two. A file's trailing
# newline is not part of the password ($(<file) drops it).
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
for name in MARIADB_ROOT_PASSWORD INVENTORY_DB_PASSWORD ORDER_DB_PASSWORD IDENTITY_DB_PASSWORD \
  MYSQL_EXPORTER_PASSWORD BACKUP_DB_PASSWORD; do
  from_file "$name"
done
: "${MARIADB_ROOT_PASSWORD?}" "${INVENTORY_DB_PASSWORD:?}" "${ORDER_DB_PASSWORD:?}" \
  "${IDENTITY_DB_PASSWORD:?}" "${MYSQL_EXPORTER_PASSWORD:?}"
inventory_db="${INVENTORY_DB_NAME:-inventory}"
order_db="${ORDER_DB_NAME:-orders}"
identity_db="${IDENTITY_DB_NAME:-identity}"
exporter="${MYSQL_EXPORTER_USER:-exporter}"
backup="${BACKUP_DB_USER:-backup}"

# A value as an SQL string literal: quotes and backslashes escaped.
quote() {
  local value="${1//\\/\\\\}"
  printf "'%s'" "${value//\'/\'\'}"
}

# What mariadb-dump --single-transaction --routines --triggers --events needs of the three
# databases, and nothing that writes: SELECT (rows, SHOW CREATE), SHOW VIEW, TRIGGER, EVENT and
# LOCK TABLES (for any non-InnoDB table). No global privilege: without --master-data a
# single-transaction dump takes no FLUSH TABLES WITH READ LOCK, so RELOAD is not needed
# (tests/deploy/test_database_scripts.py dumps with exactly these grants).
backup_grants=""
if [[ -n "${BACKUP_DB_PASSWORD:-}" ]]; then
  backup_grants="CREATE USER IF NOT EXISTS '$backup'@'%' IDENTIFIED BY $(quote "$BACKUP_DB_PASSWORD")
  WITH MAX_USER_CONNECTIONS 2;"
  for db in "$inventory_db" "$order_db" "$identity_db"; do
    backup_grants+="
GRANT SELECT, SHOW VIEW, TRIGGER, EVENT, LOCK TABLES ON \`$db\`.* TO '$backup'@'%';"
  done
fi

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
$backup_grants
FLUSH PRIVILEGES;
SQL
