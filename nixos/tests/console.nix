# NixOS VM test of the module, wired into the flake's `checks` as
# `vm-console` (pkgs.testers.runNixOSTest). Needs KVM and nixpkgs: it cannot
# run on the development machines, only where `nix flake check` can boot VMs.
#
# It boots a machine with the module (SSH enabled), then checks that:
#   - hypervisor-tui-tty1.service runs and the login prompt on tty1 is gone
#     (getty@tty1 and autovt@tty1 masked and inactive);
#   - the console is drawn on tty1 (the footer's tabs);
#   - killing the process gets it restarted (new PID, NRestarts=1);
#   - the console user can log in over SSH, `snapshot --json` gives JSON,
#     and any other command, a shell or a forwarding is refused.
{ self }:
{
  name = "hypervisor-tui-console";

  nodes.machine =
    { pkgs, ... }:
    let
      # A fixed public key for the module's ssh.authorizedKeys option
      # (nixpkgs' test key; its private half is used below).
      inherit (import "${pkgs.path}/nixos/tests/ssh-keys.nix" pkgs) snakeOilPublicKey;
    in
    {
      imports = [ self.nixosModules.default ];

      virtualisation.memorySize = 1024;

      services.openssh.enable = true;
      # The test also logs in with a key pair generated at run time inside the
      # VM; sshd looks for it here in addition to the NixOS default files.
      services.openssh.authorizedKeysFiles = [ "/run/hypervisor-tui-test/%u.pub" ];

      services.hypervisor-tui = {
        enable = true;
        virtualConsoles = [ 1 ];
        ssh.enable = true;
        ssh.authorizedKeys = [ snakeOilPublicKey ];
        settings.kubernetes.enabled = false;
      };

      environment.etc."hypervisor-tui-test/snakeoil".source =
        (import "${pkgs.path}/nixos/tests/ssh-keys.nix" pkgs).snakeOilPrivateKey;
    };

  testScript = ''
    import json

    unit = "hypervisor-tui-tty1.service"

    def prop(name):
        return machine.succeed(f"systemctl show --property={name} --value {unit}").strip()

    start_all()
    machine.wait_for_unit("multi-user.target")
    machine.wait_for_unit(unit)

    with subtest("the login prompt on tty1 is gone"):
        for getty in ["getty@tty1.service", "autovt@tty1.service"]:
            state = machine.succeed(f"systemctl show --property=LoadState --value {getty}").strip()
            assert state == "masked", f"{getty}: LoadState={state}, expected masked"
            machine.fail(f"systemctl is-active --quiet {getty}")
        # "agett[y]" so the pattern does not match this shell's own command line.
        machine.fail("pgrep -f 'agett[y].*tty1'")
        assert prop("User") == "hypervisor-tui", "the console runs as the console user"

    with subtest("the console is drawn on tty1"):
        machine.wait_until_tty_matches("1", "F1 Logs")
        machine.wait_until_tty_matches("1", "F2 Dashboard")
        machine.wait_until_tty_matches("1", "F4 Machines")

    with subtest("a killed console is restarted"):
        old_pid = prop("MainPID")
        assert old_pid != "0", "the console has a main process"
        machine.succeed(f"kill -9 {old_pid}")
        machine.wait_until_succeeds(
            f"test \"$(systemctl show --property=NRestarts --value {unit})\" -ge 1"
        )
        machine.wait_for_unit(unit)
        new_pid = prop("MainPID")
        assert new_pid not in ("0", old_pid), f"new PID {new_pid}, old PID {old_pid}"
        machine.wait_until_tty_matches("1", "F1 Logs")

    with subtest("SSH: the console user gets the snapshot, nothing else"):
        machine.wait_for_unit("sshd.service")
        machine.wait_for_open_port(22)
        # A key pair generated here, authorized through authorizedKeysFiles.
        machine.succeed(
            "mkdir -p -m 700 /root/.ssh",
            "ssh-keygen -q -t ed25519 -N ''' -C vm-test -f /root/.ssh/id_ed25519",
            "install -D -m 644 /root/.ssh/id_ed25519.pub /run/hypervisor-tui-test/hypervisor-tui.pub",
        )
        opts = "-o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
        ssh = f"ssh {opts} -i /root/.ssh/id_ed25519 hypervisor-tui@localhost"

        # The whitelisted verbs, without a terminal (no -t).
        snapshot = json.loads(machine.succeed(f"{ssh} snapshot --json"))
        assert snapshot["host"]["hostname"] == "machine", f"snapshot --json: {snapshot!r}"
        assert "journal" in snapshot["sources"], f"snapshot --json: {snapshot!r}"
        machine.succeed(f"{ssh} snapshot | grep -q .")
        machine.succeed(f"{ssh} 'logs -n 5'")
        # check lists the sources; its status says whether all are reachable
        # (libvirt and Kubernetes are not, here), so only its output is checked.
        _, out = machine.execute(f"{ssh} check 2>&1")
        assert "journal" in out, f"check: {out}"

        # Anything but a whitelisted verb is refused with a message.
        for cmd in ["id", "sh -c id", "snapshot; id", "cat /etc/passwd"]:
            status, out = machine.execute(f"{ssh} '{cmd}' 2>&1")
            assert status != 0, f"{cmd!r} was not refused: {out}"
            assert "uid=" not in out and "root:" not in out, f"{cmd!r} ran: {out}"
        # No forwarding of any kind (-W asks for a direct-tcpip channel).
        machine.fail(f"{ssh} -W localhost:22 < /dev/null")

        # The key from the module's ssh.authorizedKeys works too.
        machine.succeed("install -m 600 /etc/hypervisor-tui-test/snakeoil /root/.ssh/snakeoil")
        json.loads(
            machine.succeed(f"ssh {opts} -i /root/.ssh/snakeoil hypervisor-tui@localhost snapshot --json")
        )
  '';
}
