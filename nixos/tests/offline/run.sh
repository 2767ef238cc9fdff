#!/usr/bin/env bash
# Offline checks of the module's Kubernetes provisioning (nixos/kubernetes.nix): evaluates
# nixos/module.nix with each case in cases/ using nixpkgs' lib and the stub NixOS options of
# the development harness, then checks the result with check.py.
#   nixos/tests/offline/run.sh HARNESS_DIR NIXPKGS_LIB_DIR
# HARNESS_DIR: the nixos-harness (stubs/), NIXPKGS_LIB_DIR: nixpkgs' lib/ folder. Neither is in
# this repository. Needs nix-instantiate (Nix >= 2.8; copies the two YAML files into
# /nix/store) and python3 >= 3.11. As root it also runs the token scripts (exec_token.py) with
# a stub kubectl in a private mount namespace; with HYPERVISOR_TUI_BIN set, that binary's
# `check` must read the kubeconfig they write.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
[ $# -eq 2 ] || { echo "usage: $0 HARNESS_DIR NIXPKGS_LIB_DIR" >&2; exit 2; }
HARNESS="$(realpath "$1")"; LIB="$(realpath "$2")"
[ -f "$HARNESS/stubs/nixos-options.nix" ] || { echo "no harness stubs at $HARNESS/stubs" >&2; exit 2; }
[ -f "$LIB/default.nix" ] || { echo "no nixpkgs lib at $LIB" >&2; exit 2; }
OUT="$(mktemp -d)"; trap 'rm -rf "$OUT"' EXIT; rc=0

echo "### nix-instantiate --parse on every .nix file of nixos/"
bad=0; n=0
while IFS= read -r -d '' f; do
  n=$((n+1)); nix-instantiate --parse "$f" >/dev/null 2>"$OUT/parse.err" || { bad=$((bad+1)); echo "  PARSE ERROR $f"; sed 's/^/    /' "$OUT/parse.err"; }
done < <(find "$HERE/../.." -name '*.nix' -print0)
echo "  $n files parsed, $bad errors"; [ "$bad" = 0 ] || rc=1

echo; echo "### the Kubernetes provisioning, case by case"
for cf in "$HERE"/cases/*.nix; do
  c=$(basename "$cf" .nix)
  expect=$(sed -n 's/^# EXPECT-FAIL: //p' "$cf" | head -1)
  if nix-instantiate --eval --strict --json --read-write-mode "$HERE/eval.nix" --argstr harness "$HARNESS" \
       --arg libPath "$LIB" --arg caseFile "$cf" >"$OUT/$c.json" 2>"$OUT/$c.err"; then
    if [ -n "$expect" ]; then echo "[FAIL] $c: evaluated but was expected to fail"; rc=1; continue; fi
    echo "[eval ok] $c"
    python3 "$HERE/check.py" "$c" "$OUT/$c.json" || rc=1
    # The token scripts themselves, run with a stub kubectl in a private mount namespace.
    if [ "$(id -u)" = 0 ] && grep -q kube-token "$OUT/$c.json"; then
      python3 "$HERE/exec_token.py" "$c" "$OUT/$c.json" ${HYPERVISOR_TUI_BIN:+"$HYPERVISOR_TUI_BIN"} || rc=1
    fi
  elif [ -n "$expect" ] && grep -Eq "$expect" "$OUT/$c.err"; then
    echo "[expected failure ok] $c"
  else
    echo "[FAIL] $c"; grep -v "build-users-group" "$OUT/$c.err" | sed 's/^/    /'; rc=1
  fi
done
echo; [ "$rc" = 0 ] && echo "ALL KUBERNETES CHECKS PASSED" || echo "SOME KUBERNETES CHECKS FAILED"
exit $rc
