#!/usr/bin/env bash
# Idle footprint: the release binary and htop, each in its own tmux pane at
# 80x24, measured side by side over the same window. Peak RSS is VmHWM from
# /proc/PID/status; CPU % is (utime+stime) over the window / wall time.
# Usage: benches/idle.sh [SECONDS]   (default 30; `make bench` runs it)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
bin=./target/release/hypervisor-tui
[ -x "$bin" ] || cargo build --release
sock=hvtui-bench-$$
cfg=$(mktemp)
trap 'tmux -L $sock kill-server 2>/dev/null || true; rm -f "$cfg"' EXIT
: >"$cfg"   # an empty config: every default, refresh_interval = 2 s

start() { # name command...
  tmux -L "$sock" -f /dev/null new-session -d -s "$1" -x 80 -y 24 "exec env TERM=xterm-256color LANG=C.UTF-8 ${*:2}"
}
pane_pid() { tmux -L "$sock" display-message -p -t "$1" '#{pane_pid}'; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

start tui "$bin" --config "$cfg"
start f2 "$bin" --config "$cfg"   # the same console, showing F2 (its process scan runs only there)
start htop htop -d 20   # htop's refresh set to the console's 2 s
sleep 1
tmux -L "$sock" send-keys -t f2 F2
sleep 1                 # start-up is not idle
declare -A t0
for s in tui f2 htop; do t0[$s]=$(ticks "$(pane_pid $s)"); done
sleep "$secs"
hz=$(getconf CLK_TCK)
echo "| program | window | peak RSS (VmHWM) | RSS at end | of which anonymous | private (smaps) | threads | CPU % of one core |"
echo "|---|---|---|---|---|---|---|---|"
for s in tui f2 htop; do
  pid=$(pane_pid $s)
  t1=$(ticks "$pid")
  cpu=$(awk -v a="${t0[$s]}" -v b="$t1" -v hz="$hz" -v s="$secs" 'BEGIN { printf "%.2f", (b - a) / hz / s * 100 }')
  case $s in
    tui) name="hypervisor-tui $($bin --version | cut -d' ' -f2) (F1)" ;;
    f2) name="hypervisor-tui $($bin --version | cut -d' ' -f2) (F2 shown)" ;;
    *) name=$(htop --version | head -1) ;;
  esac
  anon=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status")
  priv=$(awk '/^Private/ {s += $2} END {print s}' "/proc/$pid/smaps")
  threads=$(awk '/^Threads/ {print $2}' "/proc/$pid/status")
  printf '| %s | %ss | %s MB | %s MB | %s MB | %s MB | %s | %s %% |\n' "$name" "$secs" "$(mb "$(hwm_kb "$pid")")" \
    "$(mb "$(rss_kb "$pid")")" "$(mb "$anon")" "$(mb "$priv")" "$threads" "$cpu"
done
