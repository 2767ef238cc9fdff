# NixOS VM test of the console on a k3s server, wired into the flake's `checks` as `vm-k3s`
# (pkgs.testers.runNixOSTest). Needs KVM and nixpkgs: it cannot run on the development
# machines, only where `nix flake check` can boot VMs. It is written to pass there.
#
# With nothing but `services.k3s.enable` and `services.hypervisor-tui.enable` (+ actions), it
# checks that:
#   - the token service writes /run/hypervisor-tui/kubeconfig, 0640 root:hypervisor-tui, and
#     actiond's /run/hypervisor-tui/actiond.kubeconfig, 0600 root:root; the timer is active;
#   - the console user cannot read k3s' admin kubeconfig nor actiond's;
#   - the console's token may get/list/watch what the console reads and nothing else
#     (`kubectl auth can-i`); actiond's may cordon and start VMs but not list pods;
#   - `snapshot --json` as the console user sees the node (nodes_total > 0) with no kind
#     forbidden (KubeVirt is not installed: its kinds are "not served", not forbidden);
#   - a renewal (the token service run again) replaces the file while the console on tty1
#     keeps running (same PID) and the snapshot still works.
{ self }:
{
  name = "hypervisor-tui-k3s";

  nodes.machine =
    { pkgs, ... }:
    {
      imports = [ self.nixosModules.default ];

      virtualisation = {
        memorySize = 2048;
        diskSize = 4096;
        cores = 2;
      };

      # A single k3s server; the add-ons that pull images from the network are off (the VM
      # has none), the node registers all the same.
      services.k3s = {
        enable = true;
        role = "server";
        extraFlags = [
          "--disable coredns"
          "--disable local-storage"
          "--disable metrics-server"
          "--disable servicelb"
          "--disable traefik"
        ];
      };

      services.hypervisor-tui = {
        enable = true;
        actions.enable = true;
      };

      environment.systemPackages = [ pkgs.kubectl ];
    };

  testScript = ''
    import json

    console_kc = "/run/hypervisor-tui/kubeconfig"
    actiond_kc = "/run/hypervisor-tui/actiond.kubeconfig"
    as_console = "runuser -u hypervisor-tui --"

    def can_i(kubeconfig, what):
        status, out = machine.execute(f"kubectl --kubeconfig {kubeconfig} auth can-i {what}")
        lines = out.strip().splitlines()
        return status == 0 and bool(lines) and lines[-1].strip() == "yes"

    start_all()
    machine.wait_for_unit("k3s.service")
    machine.wait_until_succeeds("kubectl --kubeconfig /etc/rancher/k3s/k3s.yaml get node machine", timeout=300)

    with subtest("the token service writes both kubeconfigs, each readable by its own only"):
        machine.wait_until_succeeds(f"test -s {console_kc} && test -s {actiond_kc}", timeout=300)
        assert machine.succeed(f"stat -c '%a %U %G' {console_kc}").strip() == "640 root hypervisor-tui"
        assert machine.succeed(f"stat -c '%a %U %G' {actiond_kc}").strip() == "600 root root"
        machine.succeed("systemctl is-active hypervisor-tui-kube-token.timer")
        machine.succeed("systemctl is-active hypervisor-tui-actiond-kube-token.timer")
        machine.succeed(f"{as_console} test -r {console_kc}")
        machine.fail(f"{as_console} cat {actiond_kc}")
        machine.fail(f"{as_console} cat /etc/rancher/k3s/k3s.yaml")

    with subtest("the console's token reads, and only reads"):
        for what in ["list nodes", "watch pods -A", "list services -A", "list persistentvolumeclaims -A",
                     "list events -A", "list virtualmachines.kubevirt.io -A",
                     "list virtualmachineinstances.kubevirt.io -A",
                     "list virtualmachineinstancemigrations.kubevirt.io -A"]:
            assert can_i(console_kc, what), f"console token cannot {what}"
        for what in ["create pods", "delete pods -A", "patch nodes", "get secrets -A", "list secrets -A",
                     "create serviceaccounts --subresource=token -n kube-system", "update virtualmachines.kubevirt.io -A",
                     "'*' '*'"]:
            assert not can_i(console_kc, what), f"console token can {what}"

    with subtest("actiond's token: cordon and KubeVirt verbs, no reads of workloads"):
        assert can_i(actiond_kc, "patch nodes")
        assert can_i(actiond_kc, "update virtualmachines.subresources.kubevirt.io --subresource=start -A")
        assert not can_i(actiond_kc, "list pods -A")
        assert not can_i(actiond_kc, "get secrets -A")

    def snapshot():
        out = machine.succeed(f"{as_console} hypervisor-tui --config /etc/hypervisor-tui/config.toml snapshot --json")
        return json.loads(out)

    with subtest("snapshot --json as the console user: the node, nothing forbidden"):
        snap = snapshot()
        k = snap["kubernetes"]
        assert k is not None, f"no cluster: {snap['sources']['kubernetes']}"
        assert k["nodes_total"] and k["nodes_total"] > 0, f"nodes: {k}"
        forbidden = {kind: why for kind, why in k["missing"].items() if why.startswith("forbidden")}
        assert forbidden == {}, f"forbidden kinds: {forbidden}"
        assert snap["sources"]["kubernetes"]["state"] == "ok", snap["sources"]["kubernetes"]

    with subtest("a renewal replaces the file; the console keeps running"):
        machine.wait_for_unit("hypervisor-tui-tty1.service")
        pid = machine.succeed("systemctl show --property=MainPID --value hypervisor-tui-tty1.service").strip()
        inode = machine.succeed(f"stat -c %i {console_kc}").strip()
        machine.succeed("systemctl start hypervisor-tui-kube-token.service")
        assert machine.succeed(f"stat -c %i {console_kc}").strip() != inode, "the file was not replaced"
        assert machine.succeed(f"stat -c '%a %U %G' {console_kc}").strip() == "640 root hypervisor-tui"
        machine.sleep(5)
        assert machine.succeed("systemctl show --property=MainPID --value hypervisor-tui-tty1.service").strip() == pid
        assert snapshot()["sources"]["kubernetes"]["state"] == "ok"
  '';
}
