#!/usr/bin/env bash
# Post the build's outcome to Slack (the pipeline's failure and recovery notices).
# Usage: SLACK_WEBHOOK_URL=… ci/notify.sh failure|recovered [--dry-run]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
parse_common_flags "$@"

outcome="${1:-}"
case "$outcome" in
  failure) text=":red_circle: shopstack build ${BUILD_NUMBER} (${GIT_SHA}) failed: ${BUILD_URL:-no build URL}" ;;
  recovered) text=":large_green_circle: shopstack build ${BUILD_NUMBER} (${GIT_SHA}) is green again" ;;
  *) die "usage: ci/notify.sh failure|recovered" ;;
esac
[[ "$DRY_RUN" == true || -n "${SLACK_WEBHOOK_URL:-}" ]] || die "SLACK_WEBHOOK_URL is not set"
payload="$(printf '{"channel":"#microservices-alerts","text":"%s"}' "$text")"
run curl --fail --silent --show-error --max-time 10 \
  -H 'Content-Type: application/json' -d "$payload" "${SLACK_WEBHOOK_URL:-https://hooks.slack.com/services/DRY-RUN}"
