#!/bin/bash
# The mysql-backup CronJob: one gzipped logical dump of the service databases per run into
# $BACKUP_DIR, dumps older than $RETENTION_DAYS days deleted. With RESTORE_FILE set it restores
# that dump instead (docs/deploy.md, "Restore"). The nightly job logs in as the read-only
# `backup` user, the restore job as root. The password is read from the file
# MYSQL_PASSWORD_FILE names (a mounted Secret) into an option file in /tmp that only this user
# reads, so it is on no command line and in no environment. tests/deploy runs both modes
# against a real MariaDB.
set -euo pipefail
: "${MYSQL_HOST:?}" "${BACKUP_DIR:?}" "${DATABASES:?}"
client=()
if [[ -n "${MYSQL_PASSWORD_FILE:-}" ]]; then
  options="$(mktemp)"
  trap 'rm -f "$options"' EXIT
  chmod 600 "$options"
  password="$(<"$MYSQL_PASSWORD_FILE")"
  password="${password//\\/\\\\}"
  printf '[client]\npassword="%s"\n' "${password//\"/\\\"}" >"$options"
  unset password
  # An option file is only honoured as the very first argument.
  client=(--defaults-extra-file="$options")
fi
client+=(--host="$MYSQL_HOST" --port="${MYSQL_PORT:-3306}" --user="${MYSQL_USER:-root}")

if [[ -n "${RESTORE_FILE:-}" ]]; then
  # The dump holds CREATE DATABASE IF NOT EXISTS, USE and DROP TABLE IF EXISTS per table:
  # restoring replaces the dumped tables and leaves nothing half-old.
  gunzip -c "$RESTORE_FILE" | mysql "${client[@]}"
  echo "restored $RESTORE_FILE"
  exit 0
fi

file="$BACKUP_DIR/mysql-$(date -u +%Y%m%dT%H%M%SZ).sql.gz"
# --single-transaction: a consistent InnoDB snapshot without locking the services out.
# shellcheck disable=SC2086 # DATABASES is a space-separated list of names
mysqldump "${client[@]}" --single-transaction --routines --triggers --events --hex-blob \
  --databases $DATABASES | gzip >"$file.partial"
# Only a complete dump gets the name the retention and the restore look for.
mv "$file.partial" "$file"
echo "wrote $file ($(stat -c %s "$file") bytes)"
find "$BACKUP_DIR" -maxdepth 1 -name 'mysql-*.sql.gz' -type f -mtime +"${RETENTION_DAYS:-7}" -print -delete
