#!/usr/bin/env bash
# Runs a command under /usr/bin/time -v and samples, once a second, the resident set (VmRSS in
# /proc/<pid>/status) of every Java process it starts. At the end it prints, per Java process, its
# sampled peak, then /usr/bin/time's "Maximum resident set size" (the largest of the processes the
# command waited for), so the two can be compared:
#
#   scripts/peak-rss.sh ./mvnw -q -DskipTests package exec:java -pl flnas-examples -am
#
# The command's own output goes to the terminal as usual; the samples are written to
# ${PEAK_RSS_LOG:-peak-rss.log} (epoch seconds, pid, VmRSS in kB).
set -uo pipefail
log=${PEAK_RSS_LOG:-peak-rss.log}
timing=$(mktemp)
: > "$log"
/usr/bin/time -v -o "$timing" "$@" &
top=$!

descendants() {
  local children
  children=$(pgrep -P "$1")
  for c in $children; do
    echo "$c"
    descendants "$c"
  done
}

declare -A peak name
while kill -0 "$top" 2>/dev/null; do
  now=$(date +%s)
  for p in $(descendants "$top"); do
    [ "$(cat /proc/"$p"/comm 2>/dev/null)" = java ] || continue
    rss=$(awk '/^VmRSS/ {print $2}' /proc/"$p"/status 2>/dev/null)
    [ -n "$rss" ] || continue
    echo "$now $p $rss" >> "$log"
    if [ "${peak[$p]:-0}" -lt "$rss" ]; then peak[$p]=$rss; fi
    if [ -z "${name[$p]:-}" ]; then
      # the main class, or Maven's goals for the Maven JVM
      name[$p]=$(tr '\0' ' ' < /proc/"$p"/cmdline | grep -oE '(io\.flnas\.[A-Za-z.]+|org\.codehaus\.plexus\.classworlds\.launcher\.Launcher.*)' | head -1 | cut -c1-100)
    fi
  done
  sleep 1
done
wait "$top"
rc=$?
for p in "${!peak[@]}"; do
  printf 'sampled peak: pid %s %s MB  %s\n' "$p" "$((peak[$p] / 1024))" "${name[$p]}"
done
max_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$timing")
printf '/usr/bin/time -v: maximum resident set size %s MB, elapsed %s, exit %s\n' \
  "$((max_kb / 1024))" "$(awk -F': ' '/Elapsed/ {print $2}' "$timing")" "$rc"
rm -f "$timing"
exit "$rc"
