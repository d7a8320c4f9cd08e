#!/bin/bash
# The mongodb-backup CronJob: one gzipped mongodump archive of the catalog per run into
# $BACKUP_DIR, archives older than $RETENTION_DAYS days deleted. With RESTORE_FILE set it
# restores that archive instead (docs/deploy.md, "Restore"). The nightly job logs in as the
# `backup` user (MongoDB's built-in backup role), the restore job as root. The user name and
# password come as MONGO_USERNAME[_FILE] and MONGO_PASSWORD_FILE (a mounted Secret); the
# password goes through a --config file in /tmp (mode 600), so it is on no command line.
set -euo pipefail
: "${MONGO_HOST:?}" "${BACKUP_DIR:?}" "${MONGO_PASSWORD_FILE:?}"
if [[ -n "${MONGO_USERNAME_FILE:-}" ]]; then
  MONGO_USERNAME="$(<"$MONGO_USERNAME_FILE")"
fi
: "${MONGO_USERNAME:?}"
config="$(mktemp)"
trap 'rm -f "$config"' EXIT
chmod 600 "$config"
password="$(<"$MONGO_PASSWORD_FILE")"
password="${password//\\/\\\\}"
printf 'password: "%s"\n' "${password//\"/\\\"}" >"$config"
unset password
auth=(--host="$MONGO_HOST" --port="${MONGO_PORT:-27017}" --username="$MONGO_USERNAME"
  --authenticationDatabase=admin --config="$config")

if [[ -n "${RESTORE_FILE:-}" ]]; then
  # --drop: each restored collection replaces the current one.
  mongorestore "${auth[@]}" --archive="$RESTORE_FILE" --gzip --drop
  echo "restored $RESTORE_FILE"
  exit 0
fi

file="$BACKUP_DIR/mongodb-$(date -u +%Y%m%dT%H%M%SZ).archive.gz"
mongodump "${auth[@]}" --db="${MONGO_DATABASE:-shopstack_product}" --archive="$file.partial" --gzip
mv "$file.partial" "$file"
echo "wrote $file ($(stat -c %s "$file") bytes)"
find "$BACKUP_DIR" -maxdepth 1 -name 'mongodb-*.archive.gz' -type f -mtime +"${RETENTION_DAYS:-7}" -print -delete
