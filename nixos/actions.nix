# Guarded actions for hypervisor-tui (issue 16): the privileged helper
# `hypervisor-tui actiond`, started on demand by a socket unit, authenticates
# operators with PAM (service `hypervisor-tui`), checks their group, runs a fixed
# list of verbs and writes one audit record per attempt to the journal. The
# console keeps running as its unprivileged user and only talks to the socket.
{
  config,
  lib,
  ...
}:
let
  inherit (lib) mkEnableOption mkIf mkOption types;

  cfg = config.services.hypervisor-tui;
  acfg = cfg.actions;

  socketPath = "/run/hypervisor-tui/actiond.sock";

  # The verbs actiond knows (src/config/actions.rs).
  verbs = [
    "guest.start"
    "guest.shutdown"
    "guest.reboot"
    "guest.force-off"
    "guest.suspend"
    "guest.resume"
    "unit.start"
    "unit.stop"
    "unit.restart"
    "guest.migrate"
    "node.cordon"
    "node.uncordon"
  ];
in
{
  options.services.hypervisor-tui.actions = {
    enable = mkEnableOption "guarded actions (guest start/shutdown/reboot/force off/suspend/resume, unit start/stop/restart) through the privileged actiond helper; off, the console is read-only";

    operatorGroup = mkOption {
      type = types.strMatching "[A-Za-z0-9_.-]{1,32}";
      default = "wheel";
      description = "Operators must be members of this group (and pass PAM's `hypervisor-tui` service) before an action runs.";
    };

    allow = mkOption {
      type = types.listOf (types.enum verbs);
      default = verbs;
      example = [
        "guest.start"
        "guest.shutdown"
      ];
      description = "The verbs that may run; actiond refuses every other.";
    };

    units = mkOption {
      type = types.listOf (types.strMatching "[A-Za-z0-9:_.@\\\\-]+\\.[a-z]+");
      default = [ ];
      example = [ "k3s.service" ];
      description = "The systemd units `unit.start`/`unit.stop`/`unit.restart` may touch (exact names).";
    };
  };

  config = mkIf (cfg.enable && acfg.enable) {
    services.hypervisor-tui.settings.actions = {
      enabled = true;
      operator_group = acfg.operatorGroup;
      allow = acfg.allow;
      socket = socketPath;
      client_user = cfg.user;
      units = acfg.units;
    };

    # Password checks only: no session, no login uid (the console is not a login).
    security.pam.services.hypervisor-tui = {
      unixAuth = true;
      setLoginUid = false;
      startSession = false;
    };

    # Only the console's group may connect; actiond also checks the peer's uid.
    systemd.sockets.hypervisor-tui-actiond = {
      description = "hypervisor-tui guarded actions (actiond socket)";
      wantedBy = [ "sockets.target" ];
      socketConfig = {
        ListenStream = socketPath;
        SocketUser = "root";
        SocketGroup = cfg.group;
        SocketMode = "0660";
        DirectoryMode = "0755";
        RemoveOnStop = true;
      };
    };

    systemd.services.hypervisor-tui-actiond = {
      description = "hypervisor-tui guarded actions (actiond)";
      requires = [ "hypervisor-tui-actiond.socket" ];
      after = [ "hypervisor-tui-actiond.socket" ];
      restartTriggers = [ config.environment.etc."hypervisor-tui/config.toml".source ];
      serviceConfig = import ./sandbox.nix // {
        ExecStart = "${cfg.package}/bin/hypervisor-tui --config /etc/hypervisor-tui/config.toml actiond";
        # Root: PAM must read /etc/shadow and libvirt's system socket is root's.
        User = "root";
        CapabilityBoundingSet = [ "CAP_AUDIT_WRITE" ];
        SystemCallFilter = [
          "@system-service"
          "~@privileged"
        ];
        # Unix sockets only: libvirt's, journald's, the system bus, NSS. (Kubernetes verbs
        # will need IP.)
        RestrictAddressFamilies = [
          "AF_UNIX"
          "AF_NETLINK"
        ];
        IPAddressDeny = "any";
        UMask = "0077";
      };
    };
  };
}
