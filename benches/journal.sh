#!/usr/bin/env bash
# Journal benchmarks (F1): the newest 10,000 entries of a 1.5M-entry journal, beside
# journalctl on the same files in the same run, and the console's memory holding them.
# The journal is made once, by the project's generator (examples/gen_journal.rs) and
# systemd's own writer, and kept in target/bench-journal.
# Needs GNU time (/usr/bin/time) for peak RSS.
# Usage: benches/journal.sh   (`make bench` runs it)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=target/bench-journal
bin=./target/release/hypervisor-tui
[ -x "$bin" ] || cargo build --release
if [ ! -f "$dir/.complete" ]; then
  rm -rf "$dir" && mkdir -p "$dir"
  echo "making a 1.5M-entry journal in $dir (once)…" >&2
  cargo build -q --release --example gen_journal
  ./target/release/examples/gen_journal --entries 1500000 --seed 7 \
    | /lib/systemd/systemd-journal-remote --output="$dir/system.journal" - 2>/dev/null
  touch "$dir/.complete"
fi
big=$(ls -S "$dir"/*.journal | head -1)
echo "journal: $(ls "$dir"/*.journal | wc -l) files, $(du -sh "$dir" | cut -f1); largest file $(du -h "$big" | cut -f1)"

ms() { # median wall time of 5 warm runs of a command, in ms
  "$@" >/dev/null 2>&1 || true
  for _ in 1 2 3 4 5; do
    s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(((e - s) / 1000))
  done | sort -n | sed -n 3p | awk '{printf "%.1f ms", $1 / 1000}'
}

echo; echo "### In-process: journal → F1 display lines (what the journal thread does)"
echo; echo "Directory of rotated files:"; echo
cargo bench -q --bench journal_tail -- "$dir" 2>/dev/null
echo; echo "One large file ($big):"; echo
cargo bench -q --bench journal_tail -- "$big" 2>/dev/null

peak() { # peak RSS of one run (GNU time's %M, KiB), in MiB
  [ -x /usr/bin/time ] || { echo "n/a (no /usr/bin/time)"; return; }
  /usr/bin/time -f 'peak %M' "$@" 2>&1 >/dev/null | awk '/^peak / {v = $2} END {printf "%.0f MiB", v / 1024}'
}
row() { # | case | logs time | logs peak | journalctl time | journalctl peak |
  local name=$1 ours=$2 theirs=$3
  echo "| $name | $(ms $ours) | $(peak $ours) | $(ms $theirs) | $(peak $theirs) |"
}

echo; echo "### Command line, JSON out, beside journalctl (median of 5 warm runs; peak RSS)"; echo
echo "| case | hypervisor-tui logs | peak | journalctl | peak |"
echo "|---|---|---|---|---|"
row "-n 10000 (directory)" "$bin logs -D $dir -n 10000 --json" "journalctl -D $dir -n 10000 -o json -a"
row "-n 10000 (one file)" "$bin logs --file $big -n 10000 --json" "journalctl --file $big -n 10000 -o json -a"
row "-u sshd.service -n 10000" "$bin logs -D $dir -u sshd.service -n 10000 --json" \
  "journalctl -D $dir -u sshd.service -n 10000 -o json -a"
row "-g migration.of.vm4 -n 10000" "$bin logs -D $dir -g migration.of.vm4 -n 10000 --json" \
  "journalctl -D $dir -g migration.of.vm4 -n 10000 -o json -a"

echo; echo "### logs without -n: the whole journal streamed (one run)"; echo
s=$(date +%s%N)
all=$(/usr/bin/time -f 'peak %M' $bin logs -D "$dir" --json 2>&1 >/dev/null | awk '/^peak / {print $2}')
e=$(date +%s%N)
echo "| entries printed | time | peak RSS |"
echo "|---|---|---|"
echo "| $($bin logs -D "$dir" | wc -l) | $(((e - s) / 1000000)) ms | $((all / 1024)) MiB |"

echo; echo "### Memory of the console holding 10,000 entries (F1 loaded, idle)"; echo
sock=hvtui-jbench-$$
cfg=$(mktemp)
trap 'tmux -L $sock kill-server 2>/dev/null || true; rm -f "$cfg"' EXIT
printf '[journal]\ndirectory = "%s"\n[libvirt]\nuris = []\n[kubernetes]\nenabled = false\n' "$PWD/$dir" >"$cfg"
tmux -L "$sock" -f /dev/null new-session -d -x 200 -y 60 "exec env TERM=xterm-256color LANG=C.UTF-8 $bin --config $cfg"
sleep 5
pid=$(tmux -L "$sock" display-message -p '#{pane_pid}')
anon=$(awk '/^RssAnon/ {print $2}' /proc/$pid/status)
priv=$(awk '/^Private/ {s += $2} END {print s}' /proc/$pid/smaps)
rss=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status)
hwm=$(awk '/^VmHWM/ {print $2}' /proc/$pid/status)
echo "| RSS | peak RSS | anonymous | private (smaps) |"
echo "|---|---|---|---|"
awk -v a="$rss" -v b="$hwm" -v c="$anon" -v d="$priv" 'BEGIN { printf "| %.1f MB | %.1f MB | %.1f MB | %.1f MB |\n", a/1024, b/1024, c/1024, d/1024 }'
