#!/usr/bin/env bash
# Stage 4, tests: unit and integration tests per package, with JUnit XML and coverage
# reports, and a coverage floor as the quality gate.
# Usage: ci/test.sh [--service product|inventory|order|identity|gateway|shopkit] [--unit] [--floor N]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

targets=(shopkit product inventory order identity gateway)
suite="tests"
floor="${COVERAGE_FLOOR:-80}"
while (($#)); do
  case "$1" in
    --service) targets=("$2"); shift 2 ;;
    --unit) suite="tests/unit"; shift ;;
    --floor) floor="$2"; shift 2 ;;
    *) die "unknown argument: $1" ;;
  esac
done

cd "$REPO_ROOT"
mkdir -p "$REPORTS_DIR"
export COVERAGE_FILE="$REPORTS_DIR/.coverage"
pytest="${PYTEST:-$REPO_ROOT/.venv/bin/pytest}"
for target in "${targets[@]}"; do
  case "$target" in
    shopkit) tests="libs/shopkit/$suite" module=shopkit ;;
    gateway) tests="web/$suite" module=gateway ;;
    *) tests="services/$target/$suite" module="${target}_service" ;;
  esac
  [[ -d "$tests" ]] || die "no tests at $tests"
  run "$pytest" "$tests" -p no:cacheprovider \
    --junitxml="$REPORTS_DIR/junit-$target.xml" \
    --cov="$module" --cov-report="xml:$REPORTS_DIR/coverage-$target.xml" \
    --cov-report=term --cov-fail-under="$floor"
done
log "reports in $REPORTS_DIR"
