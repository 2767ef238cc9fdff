#!/usr/bin/env bash
# Writes ./rendered/ from the module, for the tests that run the units under a real systemd
# and a real sshd (tests/module_units.rs, tests/module_ssh.rs). Run it after changing
# ../module.nix and commit the result; `git diff rendered/` shows what a host would get.
#   nixos/tests/render-units.sh HARNESS_DIR NIXPKGS_LIB_DIR
# HARNESS_DIR: the offline harness (its stubs/ declare the NixOS options the module sets);
# NIXPKGS_LIB_DIR: the lib/ folder of nixpkgs. Neither is part of this repository, so CI
# cannot re-render; the tests read the committed files.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 HARNESS_DIR NIXPKGS_LIB_DIR" >&2; exit 2; }
HERE="$(cd "$(dirname "$0")" && pwd)"
HARNESS="$(realpath "$1")"; LIB="$(realpath "$2")"
OUT="$HERE/rendered"
ev() {
  nix --extra-experimental-features nix-command eval --file "$HERE/render-units.nix" \
    --arg libPath "$LIB" --arg harnessDir "$HARNESS" "$@" 2>/dev/null
}
header() {
  printf '%s Rendered by nixos/tests/render-units.sh from nixos/module.nix with\n' "$1"
  printf '%s nixos/tests/render-case.nix (the offline harness'"'"'s stubs, nixpkgs lib). Do not edit:\n' "$1"
  printf '%s re-render. /nix/store paths are the stubs'"'"' fake ones; the tests substitute them.\n' "$1"
}
rm -rf "$OUT"; mkdir -p "$OUT"
: > "$OUT/masked"
for unit in $(ev --raw units --apply 'u: builtins.concatStringsSep " " (builtins.attrNames u)'); do
  text=$(ev --raw units --apply "u: u.\"$unit\"")
  if [ "$text" = "(masked: symlink to /dev/null)" ]; then
    echo "$unit" >> "$OUT/masked"
  else
    { header "#"; printf '%s\n' "$text"; } > "$OUT/$unit"
  fi
done
{ header "#"; echo "# The console user, as systemd-sysusers.d(5) lines."; ev --raw sysusers; } > "$OUT/sysusers.conf"
{ header "#"; echo "# Appended to sshd_config by services.openssh.extraConfig."; ev --raw sshd_match; } > "$OUT/sshd_config.match"
{ header "#"; ev --raw config_toml; } > "$OUT/config.toml"
sed -i "1i # Units masked by the module (symlinks to /dev/null), one a line." "$OUT/masked"
ls -l "$OUT"
