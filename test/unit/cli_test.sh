#!/bin/sh
# test/unit/cli_test.sh - runs a command and checks its exit status and output.
# usage: cli_test.sh EXPECT REGEX COMMAND [ARGS...]
#   EXPECT: 0 (must succeed) or fail (must exit non-zero); a crash (killed by
#   a signal) always fails. REGEX (grep -E) must match a line of the
#   command's stdout+stderr.
expect=$1
regex=$2
shift 2
output=$("$@" 2>&1)
status=$?
printf '%s\n' "$output"
if [ "$status" -gt 128 ]; then
  echo "cli_test: FAIL: crashed (exit status $status)"
  exit 1
fi
if [ "$expect" = 0 ] && [ "$status" -ne 0 ]; then
  echo "cli_test: FAIL: exit status $status, expected 0"
  exit 1
fi
if [ "$expect" = fail ] && [ "$status" -eq 0 ]; then
  echo "cli_test: FAIL: succeeded, expected a failure"
  exit 1
fi
if ! printf '%s\n' "$output" | grep -E -q -e "$regex"; then
  echo "cli_test: FAIL: no line matches: $regex"
  exit 1
fi
echo "cli_test: ok"
