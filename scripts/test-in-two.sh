#!/bin/sh
# `make test`: the whole suite in two pytest processes at once, one per core: the browser tests (Chromium,
# live servers) and everything else. Each has its own Redis database (TANDEM_TEST_REDIS_DB), temporary
# folders and free ports; the browser tests' output is shown after the others'. The status is non-zero when
# either fails. With arguments (`make test PYTEST_ARGS=...`) it runs one pytest with them instead.
set -u
PYTHON=${PYTHON:-.venv/bin/python}
if [ "$#" -gt 0 ]; then
  exec "$PYTHON" -m pytest "$@"
fi
browser_log=$(mktemp)
browser_temp=$(mktemp -d)
TANDEM_TEST_REDIS_DB=14 "$PYTHON" -m pytest tests/browser --basetemp="$browser_temp" -p no:cacheprovider \
  > "$browser_log" 2>&1 &
browser=$!
trap 'kill "$browser" 2>/dev/null; rm -rf "$browser_log" "$browser_temp"; exit 130' INT TERM
"$PYTHON" -m pytest --ignore=tests/browser
others=$?
wait "$browser"
browsers=$?
echo
echo "== the browser tests (run beside the others) =="
cat "$browser_log"
rm -rf "$browser_log" "$browser_temp"
[ "$others" -eq 0 ] && [ "$browsers" -eq 0 ]
