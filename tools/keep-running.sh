#!/bin/sh
# Runs one `make up` process and keeps the platform up when it dies: honcho stops every
# process as soon as one exits, which turned one crash into a whole-shop outage.
# Usage: tools/keep-running.sh NAME COMMAND [ARG]...
#   UP_RESTART=on-failure  restart NAME by itself after a failure (one second apart);
#   kill -HUP <pid>        restart it by hand (the pid is in the log line that says it died).
set -u
name=$1
shift
policy=${UP_RESTART:-no}
child=
stopping=
restart=

# honcho stops a process by signalling its whole group, so the child has the signal too:
# wait for it to drain its requests, then leave.
trap 'stopping=1' TERM INT
trap 'restart=1' HUP

while :; do
    "$@" &
    child=$!
    status=0
    # A trapped signal ends `wait` early: wait again until the child has really gone.
    while kill -0 "$child" 2>/dev/null; do
        wait "$child"
        status=$?
    done
    if [ -n "$stopping" ]; then
        exit "$status"
    fi
    if [ "$policy" = on-failure ] && [ "$status" -ne 0 ]; then
        echo "shopstack: $name exited with status $status; restarting it (UP_RESTART=on-failure)"
        sleep 1
        continue
    fi
    echo "shopstack: $name exited with status $status; the other services keep running." \
        "Restart it with: kill -HUP $$ (or run make up with UP_RESTART=on-failure)"
    restart=
    while [ -z "$restart" ]; do
        if [ -n "$stopping" ]; then
            exit "$status"
        fi
        sleep 1 &
        wait $! 2>/dev/null
    done
    echo "shopstack: restarting $name"
done
