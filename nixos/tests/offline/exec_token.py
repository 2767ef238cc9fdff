#!/usr/bin/env python3
"""Runs the token services' scripts from eval.nix's JSON for real, with a stub kubectl, in a
private mount namespace (a tmpfs over /run, a copy of /etc/group that has the console's
group): the kubeconfig each writes, its mode and group, no temporary file left behind, and
the kubectl calls made. Needs root (unshare -m). Usage: exec_token.py CASE JSON [BINARY]"""
import json
import os
import re
import subprocess
import sys
import tempfile

case, path = sys.argv[1], sys.argv[2]
binary = sys.argv[3] if len(sys.argv) > 3 else None
d = json.load(open(path))
failures = []


def check(cond, msg):
    print(("  ok   " if cond else "  FAIL ") + msg)
    if not cond:
        failures.append(msg)


STUB = r"""#!/bin/sh
echo "$*" >> "$KUBECTL_LOG"
case "$*" in
  *"get serviceaccount"*) exit 0 ;;
  *"create token"*) printf 'tok-%s' "$(cat /proc/sys/kernel/random/uuid)" ;;
  *"apply -f"*) echo "applied" ;;
  *"cluster.server}"*) printf 'https://127.0.0.1:6443' ;;
  *"certificate-authority-data}"*) printf 'Q0EK' ;;
  *) echo "unexpected kubectl $*" >&2; exit 1 ;;
esac
"""

for unit, out, group, mode in [
    ("hypervisor-tui-kube-token", "/run/hypervisor-tui/kubeconfig", "hypervisor-tui", "640"),
    ("hypervisor-tui-actiond-kube-token", "/run/hypervisor-tui/actiond.kubeconfig", "root", "600"),
]:
    if unit not in d["services"]:
        continue
    script = d["services"][unit]["serviceConfig"]["ExecStart"]
    with tempfile.TemporaryDirectory() as t:
        kubectl = os.path.join(t, "kubectl")
        open(kubectl, "w").write(STUB)
        os.chmod(kubectl, 0o755)
        script = re.sub(r"/nix/store/[^ /]*-kubectl/bin/kubectl", kubectl, script)
        open(os.path.join(t, "token.sh"), "w").write(script)
        group_file = os.path.join(t, "group")
        open(group_file, "w").write(open("/etc/group").read() + "hypervisor-tui:x:64990:\n")
        log = os.path.join(t, "kubectl.log")
        inner = f"""set -e
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -m 0755 /run/hypervisor-tui
mount --bind {group_file} /etc/group
KUBECTL_LOG={log} bash {t}/token.sh > {t}/stdout
first=$(stat -c %i {out})
KUBECTL_LOG={log} bash {t}/token.sh > /dev/null
stat -c '%a %U %G %i' {out} > {t}/stat
cp {out} {t}/kubeconfig
ls -A /run/hypervisor-tui > {t}/ls
echo "$first" > {t}/first
"""
        r = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", inner],
                           capture_output=True, text=True)
        check(r.returncode == 0, f"{unit}: ran twice (mint, renew) {r.stderr.strip()}")
        if r.returncode != 0:
            continue
        m, u, g, ino = open(f"{t}/stat").read().split()
        check((m, u, g) == (mode, "root", group), f"{unit}: {out} is {m} {u}:{g} (want {mode} root:{group})")
        check(ino != open(f"{t}/first").read().strip(), f"{unit}: the renewal replaced the file (new inode)")
        left = open(f"{t}/ls").read().split()
        check(left == [os.path.basename(out)], f"{unit}: nothing else left in /run/hypervisor-tui: {left}")
        kc = open(f"{t}/kubeconfig").read()
        check(re.search(r"^    token: tok-[0-9a-f-]{36}$", kc, re.M) is not None
              and "    server: https://127.0.0.1:6443\n" in kc and "certificate-authority-data: Q0EK\n" in kc
              and "namespace: kube-system" in kc, f"{unit}: kubeconfig with the token, server and CA")
        calls = open(log).read().splitlines()
        check(all(c.startswith("--kubeconfig ") for c in calls), f"{unit}: every kubectl call names the admin kubeconfig")
        applies = [c for c in calls if " apply -f " in c]
        check(bool(applies) == (case == "other-cluster"), f"{unit}: kubectl apply {'run' if applies else 'not run'}")
        if binary and unit == "hypervisor-tui-kube-token":
            cfg = os.path.join(t, "c.toml")
            open(cfg, "w").write(f'[libvirt]\nuris = []\n[kubernetes]\nkubeconfig = "{t}/kubeconfig"\n')
            r = subprocess.run([binary, "--config", cfg, "check"], capture_output=True, text=True, timeout=60)
            line = next((x for x in r.stdout.splitlines() if "kubernetes" in x), r.stdout + r.stderr)
            check("https://127.0.0.1:6443" in line and "bad kubeconfig" not in line and "cannot read" not in line,
                  f"{unit}: hypervisor-tui reads the kubeconfig it wrote: {line.strip()}")

sys.exit(1 if failures else 0)
