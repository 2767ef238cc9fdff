#!/usr/bin/env python3
"""Assertions on eval.nix's JSON for one case of nixos/tests/offline/cases (see run.sh)."""
import json
import sys
import tomllib

case, path = sys.argv[1], sys.argv[2]
d = json.load(open(path))
S, T, failures = d["services"], d["timers"], []
RUN = "/run/hypervisor-tui"
CONSOLE_KC, ACTIOND_KC = f"{RUN}/kubeconfig", f"{RUN}/actiond.kubeconfig"
MANIFESTS = "/var/lib/rancher/k3s/server/manifests"


def check(cond, msg):
    print(("  ok   " if cond else "  FAIL ") + msg)
    if not cond:
        failures.append(msg)


def config_toml():
    return tomllib.loads(d["configToml"] or "")


def token_unit(unit, sa, out, group, mode, lifetime=3600, k3s=True, admin="/etc/rancher/k3s/k3s.yaml"):
    s, t = S.get(f"{unit}"), T.get(unit)
    check(s is not None and s["enable"], f"{unit}.service exists")
    check(t is not None, f"{unit}.timer exists")
    if not s or not t:
        return
    sc, script = s["serviceConfig"], s["serviceConfig"].get("ExecStart", "")
    check(sc.get("Type") == "oneshot" and sc.get("User") == "root", f"{unit}: oneshot, as root")
    check(sc.get("Restart") == "on-failure" and s["unitConfig"].get("StartLimitIntervalSec") == 0,
          f"{unit}: retried on failure, never given up")
    check(f"create token {sa} --duration={lifetime}s" in script and "-n kube-system" in script,
          f"{unit}: a {lifetime} s token of kube-system/{sa} (TokenRequest)")
    check(f"--kubeconfig {admin} " in script or f"--kubeconfig '{admin}' " in script,
          f"{unit}: the admin kubeconfig {admin}, read by root only here")
    check(f"mktemp {RUN}/." in script and f'mv -f "$tmp" {out}' in script,
          f"{unit}: written beside {out}, then renamed over it (never half a file)")
    check(f"chown root:{group} \"$tmp\"" in script and f"chmod {mode} \"$tmp\"" in script
          and script.index("chmod") < script.index("mv -f"),
          f"{unit}: {mode} root:{group} before it takes the name")
    check(sc.get("UMask") == "0077", f"{unit}: UMask 0077 (the temporary file is root's alone)")
    check(sc.get("CapabilityBoundingSet") == ["CAP_CHOWN"], f"{unit}: only CAP_CHOWN")
    check(sc.get("ProtectSystem") == "strict" and sc.get("ReadWritePaths") == [RUN],
          f"{unit}: read-only system, writes {RUN} only")
    check(all(sc.get(k) is True for k in ["NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices",
                                            "RestrictSUIDSGID", "ProtectKernelModules"]),
          f"{unit}: NoNewPrivileges, ProtectHome, PrivateTmp, PrivateDevices, ...")
    check(("apply -f " in script) == (not k3s),
          f"{unit}: objects {'deployed by k3s' if k3s else 'applied by the service'}")
    check(("k3s.service" in s["after"]) == k3s, f"{unit}: after k3s.service iff k3s")
    check("multi-user.target" in s["wantedBy"], f"{unit}: wanted at boot")
    tc = t.get("timerConfig", {})
    check(tc.get("OnUnitActiveSec") == f"{lifetime // 3}s" and tc.get("Unit") == f"{unit}.service",
          f"{unit}.timer: renews every {lifetime // 3} s (a third of the lifetime)")
    check("timers.target" in t.get("wantedBy", []), f"{unit}.timer: wanted by timers.target")


def console_identity(k3s=True, lifetime=3600, admin="/etc/rancher/k3s/k3s.yaml"):
    token_unit("hypervisor-tui-kube-token", "hypervisor-tui", CONSOLE_KC, "hypervisor-tui", "0640",
               lifetime, k3s, admin)
    check(f"d {RUN} 0755 root root -" in d["tmpfiles"], f"{RUN} created 0755 root:root")
    link = f"L+ {MANIFESTS}/hypervisor-tui.yaml - - - - {d['objects']['consolePath']}"
    check((link in d["tmpfiles"]) == k3s, f"console objects linked into k3s' manifests: {k3s}")
    check(config_toml().get("kubernetes", {}).get("kubeconfig") == CONSOLE_KC,
          f"config.toml: [kubernetes] kubeconfig = {CONSOLE_KC}")
    u = d["users"]["hypervisor-tui"]
    check(u["group"] == "hypervisor-tui" and "hypervisor-tui" in d["groups"],
          "the console user's primary group hypervisor-tui exists (it reads the 0640 kubeconfig)")
    check(not {"root", "wheel", "k3s"} & set(u["extraGroups"]), f"console user not in root/wheel: {u['extraGroups']}")
    for name, s in S.items():
        if name.startswith("hypervisor-tui-tty"):
            check(s["serviceConfig"].get("User") == "hypervisor-tui" and "KUBECONFIG" not in s["environment"],
                  f"{name}: unprivileged, no KUBECONFIG of its own")


if case == "default":
    check(not any("kube-token" in n for n in S) and T == {}, "no token service or timer without k3s")
    check("kubernetes" not in config_toml(), "config.toml leaves [kubernetes] to the program")
    check(not any("rancher" in r for r in d["tmpfiles"]), "nothing linked into k3s")
elif case == "k3s":
    console_identity()
    check("hypervisor-tui-actiond-kube-token" not in S, "no actiond identity without actions")
    check(not any("actiond" in r for r in d["tmpfiles"]), "actiond's objects not deployed without actions")
    check(d["warnings"] == [], f"no warnings: {d['warnings']}")
elif case == "k3s-actions":
    console_identity(lifetime=1800)
    token_unit("hypervisor-tui-actiond-kube-token", "hypervisor-tui-actiond", ACTIOND_KC, "root", "0600", 1800)
    link = f"L+ {MANIFESTS}/hypervisor-tui-actiond.yaml - - - - {d['objects']['actiondPath']}"
    check(link in d["tmpfiles"], "actiond's objects linked into k3s' manifests")
    a = S.get("hypervisor-tui-actiond", {})
    check(a.get("environment", {}).get("KUBECONFIG") == ACTIOND_KC, f"actiond: KUBECONFIG={ACTIOND_KC}")
    check(ACTIOND_KC not in d["configToml"], "the console's config never names actiond's kubeconfig")
    sc = a.get("serviceConfig", {})
    check("AF_INET" in sc.get("RestrictAddressFamilies", []) and sc.get("IPAddressDeny") == "",
          "actiond: IP opened for the API server (only with Kubernetes provisioned)")
elif case == "k3s-agent":
    check(not any("kube-token" in n for n in S) and T == {}, "agent: no token service (no admin kubeconfig)")
    check("kubernetes" not in config_toml(), "agent: the console's kubeconfig left to the operator")
elif case == "other-cluster":
    console_identity(k3s=False, admin="/etc/kubernetes/admin.conf")
    script = S["hypervisor-tui-kube-token"]["serviceConfig"]["ExecStart"]
    check(f"apply -f {d['objects']['consolePath']}" in script, "the committed objects applied with kubectl")
elif case == "admin-kubeconfig":
    check(any("cluster-admin" in w for w in d["warnings"]), f"warned about the admin kubeconfig: {d['warnings']}")
    check(not any("kube-token" in n for n in S), "provision = false: no token service")
else:
    check(False, f"no assertions for case {case}")

sys.exit(1 if failures else 0)
