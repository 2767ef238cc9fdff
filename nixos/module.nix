# NixOS module for hypervisor-tui: the console replaces the login prompt on the
# chosen virtual terminals (tty1 by default) and, optionally, on serial ports;
# with `ssh.enable` the console user can also reach it over SSH through a
# forced command. Documentation: ./README.md.
{
  config,
  lib,
  pkgs,
  utils,
  ...
}:
let
  inherit (lib)
    concatMapStringsSep
    filterAttrs
    isAttrs
    isDerivation
    listToAttrs
    literalExpression
    mkAfter
    mkEnableOption
    mkIf
    mkMerge
    mkOption
    mkPackageOption
    nameValuePair
    types
    ;

  cfg = config.services.hypervisor-tui;

  settingsFormat = pkgs.formats.toml { };

  configPath = "/etc/hypervisor-tui/config.toml";

  # The tables of config.toml the program knows. Left empty, they are not
  # written (the program's own defaults apply).
  knownTables = [
    "journal"
    "kubernetes"
    "libvirt"
    "network"
    "alerts"
  ];

  # Typed options the user did not set are `null`; TOML has no null, so they
  # are dropped, and so are known tables that end up empty. The freeform type
  # itself rejects a null written by the user (see the `null-setting` case).
  dropNulls =
    v:
    if isAttrs v && !isDerivation v then
      lib.mapAttrs (_: dropNulls) (filterAttrs (_: x: x != null) v)
    else
      v;
  renderedSettings = filterAttrs (n: v: !(builtins.elem n knownTables && v == { })) (
    dropNulls cfg.settings
  );
  configFile = settingsFormat.generate "hypervisor-tui-config.toml" renderedSettings;

  exe = "${cfg.package}/bin/hypervisor-tui";
  execStart = lib.concatStringsSep " " (
    [
      exe
      "--config"
      configPath
    ]
    ++ lib.optional (cfg.extraArgs != [ ]) (utils.escapeSystemdExecArgs cfg.extraArgs)
  );

  # A nullable typed key inside the freeform settings.
  nullOption =
    type: description:
    mkOption {
      type = types.nullOr type;
      default = null;
      inherit description;
    };

  percent =
    what:
    nullOption (types.ints.between 1 100) "Alert threshold for ${what}, in percent (1-100). `null`: the program's default.";

  # A TOML table with a few typed keys that still accepts any other key.
  table =
    description: options:
    mkOption {
      type = types.submodule {
        freeformType = settingsFormat.type;
        inherit options;
      };
      default = { };
      inherit description;
    };

  serialModule = {
    options = {
      port = mkOption {
        type = types.str;
        example = "ttyS0";
        description = ''
          Device name of the serial port under /dev, without the `/dev/` prefix
          (`ttyS0`, `ttyAMA0`, `ttyUSB0`, `hvc0`, ...).
        '';
      };
      baud = mkOption {
        type = types.enum [
          9600
          19200
          38400
          57600
          115200
          230400
          460800
          921600
        ];
        default = 115200;
        description = "Line speed, set with `stty` before the console starts.";
      };
      term = mkOption {
        type = types.strMatching "[A-Za-z0-9][A-Za-z0-9._+-]*";
        default = "vt220";
        example = "xterm-256color";
        description = "Value of `TERM` for the console on this port (what the terminal at the other end emulates).";
      };
    };
  };

  # Hardening that leaves the terminal usable: no PrivateDevices (it would hide
  # /dev/ttyN) and nothing that installs a device allow-list (ProtectClock,
  # DeviceAllow), for the same reason. tests/module_units.rs runs the rendered unit
  # under a real systemd and checks that no source (journal, /proc, netlink, D-Bus,
  # libvirt's socket) reads worse with these options than without them.
  hardening = {
    User = cfg.user;
    Group = cfg.group;
    NoNewPrivileges = true;
    ProtectSystem = "strict";
    ProtectHome = true;
    PrivateTmp = true;
    ProtectKernelModules = true;
    ProtectKernelTunables = true;
    ProtectControlGroups = true;
    RestrictSUIDSGID = true;
    RestrictRealtime = true;
    LockPersonality = true;
    UMask = "0077";
  };

  consoleService =
    {
      tty,
      description,
      getty,
      term,
      device ? [ ],
      extraService ? { },
    }:
    {
      inherit description;
      wantedBy = [ "multi-user.target" ];
      # The login prompt on this line is masked below; Conflicts/After keep a
      # getty started by hand (or left over from an older generation) off it.
      conflicts = getty;
      after = getty ++ device ++ [ "systemd-user-sessions.service" ];
      before = [ "getty.target" ];
      bindsTo = device;
      restartTriggers = [ configFile ];
      environment = cfg.environment // {
        TERM = term;
      };
      # Never give up restarting the console.
      unitConfig.StartLimitIntervalSec = 0;
      serviceConfig =
        hardening
        // {
          # idle: wait until boot jobs are dispatched, like getty, so systemd's
          # status output does not scribble over the first frame.
          Type = "idle";
          ExecStart = execStart;
          Restart = "always";
          RestartSec = 1;
          TTYPath = "/dev/${tty}";
          StandardInput = "tty";
          StandardOutput = "tty";
          # Keep panics and log lines off the screen.
          StandardError = "journal";
          TTYReset = true;
          TTYVHangup = true;
        }
        // extraService;
    };

  vtUnit =
    n:
    let
      tty = "tty${toString n}";
    in
    nameValuePair "hypervisor-tui-${tty}" (consoleService {
      inherit tty;
      description = "hypervisor-tui console on ${tty}";
      getty = [
        "getty@${tty}.service"
        "autovt@${tty}.service"
      ];
      term = "linux";
      # Clear the VT (and its scrollback) when the console stops or restarts.
      extraService.TTYVTDisallocate = true;
    });

  serialUnit =
    s:
    nameValuePair "hypervisor-tui-${s.port}" (consoleService {
      tty = s.port;
      description = "hypervisor-tui console on serial port ${s.port}";
      getty = [ "serial-getty@${s.port}.service" ];
      inherit (s) term;
      device = [ "dev-${s.port}.device" ];
      # "+": full privileges, the console user may not open the port itself
      # (systemd opens TTYPath for the main process before dropping them).
      extraService.ExecStartPre = "+${pkgs.coreutils}/bin/stty -F /dev/${s.port} ${toString s.baud}";
    });

  masked = name: nameValuePair name { enable = false; };

  validPort = p: builtins.match "[A-Za-z][A-Za-z0-9]*" p != null && builtins.match "tty[0-9]+" p == null;
  ports = map (s: s.port) cfg.serialConsoles;
in
{
  # Guarded actions (actiond, its socket and PAM service): ./actions.nix. The console's
  # read-only Kubernetes identity and its token service: ./kubernetes.nix.
  imports = [
    ./actions.nix
    ./kubernetes.nix
  ];

  options.services.hypervisor-tui = {
    enable = mkEnableOption "the hypervisor-tui console on the host's virtual terminals (replacing their login prompt)";

    package = mkPackageOption pkgs "hypervisor-tui" { };

    virtualConsoles = mkOption {
      type = types.listOf types.int;
      default = [ 1 ];
      example = [
        1
        2
      ];
      description = ''
        Virtual terminals (by number) that show the console instead of a login
        prompt. For each VT N the module runs `hypervisor-tui-ttyN.service` and
        masks `getty@ttyN` and `autovt@ttyN`. Leave a VT out (e.g. tty2) to keep
        a login prompt there.
      '';
    };

    serialConsoles = mkOption {
      type = types.listOf (types.submodule serialModule);
      default = [ ];
      example = literalExpression ''[ { port = "ttyS0"; baud = 115200; } ]'';
      description = ''
        Serial ports that show the console instead of a login prompt. For each
        port the module runs `hypervisor-tui-<port>.service` (bound to the
        device) and masks `serial-getty@<port>`.
      '';
    };

    ssh = {
      enable = mkEnableOption ''
        access over SSH: the console user's keys may log in, and sshd runs the
        console (`--forced-command`) whatever command the client asks for.
        Needs `services.openssh.enable`
      '';
      authorizedKeys = mkOption {
        type = types.listOf types.singleLineStr;
        default = [ ];
        example = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA... ops@example" ];
        description = "Public keys allowed to log in as the console user.";
      };
    };

    user = mkOption {
      type = types.str;
      default = "hypervisor-tui";
      description = ''
        System user the console runs as (created by the module, member of
        `systemd-journal`). Use a dedicated name: with `ssh.enable` this user's
        SSH logins are forced into the console.
      '';
    };

    group = mkOption {
      type = types.str;
      default = "hypervisor-tui";
      description = "Primary group of the console user (created by the module).";
    };

    extraGroups = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = ''
        Further groups for the console user. No source needs one: the journal is
        read through `systemd-journal` (always added), libvirt through its read-only
        socket, which libvirt's default polkit policy opens to every user. Do not add
        `libvirtd`: it gives the read-write socket, i.e. control of every guest.
      '';
    };

    environment = mkOption {
      type = types.attrsOf types.str;
      default = { };
      example = {
        RUST_LOG = "info";
      };
      description = "Extra environment variables for every console unit (`TERM` is set per console).";
    };

    extraArgs = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "Extra command-line arguments for the console units (not for the SSH forced command).";
    };

    settings = mkOption {
      default = { };
      description = ''
        Contents of `${configPath}` (TOML). Keys are the program's own names;
        the program rejects unknown keys. Options left `null` are not written
        and the program's defaults apply.
      '';
      example = literalExpression ''
        {
          refresh_interval = 5;
          glyphs = "ascii";
          libvirt.uris = [ "qemu:///system" ];
          kubernetes = { enabled = true; kubeconfig = "/etc/rancher/k3s/k3s.yaml"; };
          alerts.disk_percent = 85;
        }
      '';
      type = types.submodule {
        freeformType = settingsFormat.type;
        options = {
          refresh_interval = mkOption {
            type = types.ints.positive;
            default = 2;
            description = "Seconds between two samples of the metrics.";
          };
          log_buffer_size = mkOption {
            type = types.ints.positive;
            default = 10000;
            description = "Journal lines kept in memory.";
          };
          glyphs = nullOption (types.enum [
            "auto"
            "unicode"
            "ascii"
          ]) "Glyph set of the UI: `auto` picks ascii on the Linux VT (TERM=linux), unicode elsewhere.";
          allow_quit = mkOption {
            type = types.bool;
            default = false;
            description = ''
              Whether `q` quits the console. Off under this module: systemd would
              restart it anyway, and a console that can be quit invites confusion.
            '';
          };
          time_zone = nullOption types.str ''
            Time zone of every time the console shows: `"local"` (the host's zone, the default),
            `"UTC"`, or an IANA name such as `"Europe/Berlin"`.
          '';
          journal = table "The `[journal]` table." {
            units = nullOption (types.listOf types.str) "Only show these units (`null`: all).";
            priority = nullOption (types.ints.between 0 7) "Lowest priority shown, 0 (emerg) to 7 (debug).";
            directory = nullOption types.str "Read the journal from this directory instead of the system journal.";
          };
          kubernetes = table "The `[kubernetes]` table." {
            enabled = nullOption types.bool "Whether to watch a Kubernetes cluster (nodes, pods, KubeVirt VMs).";
            kubeconfig = nullOption types.str "Path of the kubeconfig (readable by the console user).";
            node_name = nullOption types.str "This host's node name in the cluster (default: the hostname).";
          };
          libvirt = table "The `[libvirt]` table." {
            uris = nullOption (types.listOf types.str) "libvirt connection URIs to list guests from.";
          };
          network = table "The `[network]` table." {
            management_urls = nullOption (types.listOf types.str) "URLs shown on the network screen (e.g. the web UI of the host).";
          };
          alerts = table "The `[alerts]` table: thresholds in percent." {
            warn_percent = percent "the warning level of every gauge";
            cpu_percent = percent "CPU use";
            memory_percent = percent "memory use";
            disk_percent = percent "disk use";
            swap_percent = percent "swap use";
          };
        };
      };
    };
  };

  config = mkIf cfg.enable (mkMerge [
    {
      assertions = [
        {
          assertion = cfg.ssh.enable -> config.services.openssh.enable;
          message = "services.hypervisor-tui.ssh.enable requires services.openssh.enable = true (the console is reached through sshd's ForceCommand).";
        }
        {
          assertion = lib.all (n: n >= 1 && n <= 63) cfg.virtualConsoles;
          message = "services.hypervisor-tui.virtualConsoles: a VT number must be between 1 and 63 (tty1 ... tty63); got ${
            concatMapStringsSep ", " toString (lib.filter (n: n < 1 || n > 63) cfg.virtualConsoles)
          }.";
        }
        {
          assertion = lib.allUnique cfg.virtualConsoles;
          message = "services.hypervisor-tui.virtualConsoles lists a VT more than once.";
        }
        {
          assertion = lib.all validPort ports;
          message = "services.hypervisor-tui.serialConsoles: a port is a device name under /dev without the \"/dev/\" prefix and without a slash, like \"ttyS0\", \"ttyAMA0\", \"ttyUSB0\" or \"hvc0\" (VTs tty1, tty2, ... go in virtualConsoles); got ${
            concatMapStringsSep ", " builtins.toJSON (lib.filter (p: !validPort p) ports)
          }.";
        }
        {
          assertion = lib.allUnique ports;
          message = "services.hypervisor-tui.serialConsoles lists a port more than once.";
        }
      ];

      users.users.${cfg.user} = {
        isSystemUser = true;
        inherit (cfg) group;
        description = "hypervisor-tui console";
        extraGroups = [ "systemd-journal" ] ++ cfg.extraGroups;
      };
      users.groups.${cfg.group} = { };

      environment.systemPackages = [ cfg.package ];
      environment.etc."hypervisor-tui/config.toml".source = configFile;

      systemd.services = listToAttrs (
        map vtUnit cfg.virtualConsoles
        ++ map serialUnit cfg.serialConsoles
        ++ lib.concatMap (n: [
          (masked "getty@tty${toString n}")
          (masked "autovt@tty${toString n}")
        ]) cfg.virtualConsoles
        ++ map (p: masked "serial-getty@${p}") ports
      );
    }

    (mkIf cfg.ssh.enable {
      # ForceCommand is run by the user's shell (`$SHELL -c`), so the user
      # needs a real one; sshd sets SSH_ORIGINAL_COMMAND to what the client
      # asked for and the program picks a whitelisted verb from it.
      users.users.${cfg.user} = {
        shell = pkgs.bashInteractive;
        openssh.authorizedKeys.keys = cfg.ssh.authorizedKeys;
      };
      services.openssh.extraConfig = mkAfter ''
        Match User ${cfg.user}
          ForceCommand ${exe} --config ${configPath} --forced-command
          AllowTcpForwarding no
          AllowStreamLocalForwarding no
          AllowAgentForwarding no
          X11Forwarding no
          PermitTunnel no
          PermitTTY yes
        Match all
      '';
    })
  ]);
}
