#!/bin/sh
# `make demo`'s last step: the task worker and the sweep scheduler in the background, the
# web server, whose output is in front. Ctrl+C stops all three, and so does the web server
# ending on its own.
#
#   BIN=.venv/bin sh scripts/demo-serve.sh
#
# In production run the three as separate services instead (systemd units, supervisor):
#   manage.py worker --no-reload      (one or more, on any machine sharing the database)
#   manage.py scheduler --every 300   (one)
set -eu
BIN=${BIN:-.venv/bin}
ADDR=${YISHI_DEMO_ADDR:-127.0.0.1:8000}

"$BIN/python" manage.py worker --no-reload --interval 1 --verbosity 0 &
worker=$!
"$BIN/python" manage.py scheduler --every "${YISHI_SWEEP_EVERY:-60}" &
scheduler=$!

# The web server runs in the background too, so that the shell can react to a signal
# while it `wait`s (a shell runs traps only after a foreground command ends); its output
# still goes to this terminal. Ctrl+C or a TERM to this script stops all three.
"$BIN/python" manage.py runserver "$ADDR" &
server=$!

stop() {
    kill "$server" "$worker" "$scheduler" 2>/dev/null || true
    wait "$server" "$worker" "$scheduler" 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "task worker (pid $worker) and scheduler (pid $scheduler) running; web server on http://$ADDR/"
wait "$server"
