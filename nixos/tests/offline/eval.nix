# Offline evaluation of the module's Kubernetes provisioning (nixos/kubernetes.nix) with
# nixpkgs' lib and the stub NixOS options of the development harness (not in this
# repository: /work/shared/nixos-harness). Run through ./run.sh.
#
#   nix-instantiate --eval --strict --json eval.nix --arg harness HARNESS \
#     --arg libPath NIXPKGS_LIB --arg caseFile cases/k3s.nix
{
  harness,
  libPath,
  caseFile,
  moduleFile ? ../../module.nix,
}:
let
  lib = import libPath;
  basePkgs = import (harness + "/stubs/pkgs.nix") { inherit lib; };
  fakePkg =
    name:
    basePkgs.writeText name ""
    // {
      pname = name;
      meta.mainProgram = name;
    };
  # The packages the Kubernetes part uses, which the harness' pkgs lacks.
  pkgs = basePkgs // {
    kubectl = fakePkg "kubectl";
    k3s = fakePkg "k3s";
  };
  utils = import (harness + "/stubs/utils.nix") { inherit lib; };

  eval = lib.evalModules {
    specialArgs.modulesPath = harness + "/stubs";
    modules = [
      (harness + "/stubs/nixos-options.nix")
      moduleFile
      caseFile
      {
        _module.args = { inherit pkgs utils; };
        # As nixpkgs' k3s module: the package and the role have defaults.
        services.k3s.package = lib.mkDefault pkgs.k3s;
      }
    ];
  };
  inherit (eval) config;

  failed = map (x: x.message) (lib.filter (x: !x.assertion) config.assertions);
  checked =
    if failed != [ ] then
      throw "\nFailed assertions:\n${lib.concatMapStringsSep "\n" (x: "- ${x}") failed}"
    else
      config;

  ours = lib.filterAttrs (n: _: lib.hasPrefix "hypervisor-tui" n);
  # The script's text when ExecStart is a (stub) derivation, else the value.
  execText = v: if builtins.isAttrs v && v ? text then v.text else toString v;
  service = s: {
    inherit (s)
      enable
      description
      wantedBy
      wants
      after
      environment
      ;
    unitConfig = s.renderedUnitConfig;
    serviceConfig = lib.mapAttrs (
      n: v: if n == "ExecStart" then execText v else if builtins.isList v then map toString v else v
    ) s.serviceConfig;
  };
  toml = checked.environment.etc."hypervisor-tui/config.toml".source;
in
{
  services = lib.mapAttrs (_: service) (ours checked.systemd.services);
  timers = ours checked.systemd.timers;
  tmpfiles = checked.systemd.tmpfiles.rules or [ ];
  users = lib.mapAttrs (_: u: { inherit (u) group extraGroups isSystemUser; }) checked.users.users;
  groups = lib.attrNames checked.users.groups;
  settingsKubernetes = checked.services.hypervisor-tui.settings.kubernetes;
  configToml = toml.text or null;
  warnings = checked.warnings;
  # The committed objects, as the module links or applies them.
  objects = {
    console = builtins.readFile ../../kubernetes/hypervisor-tui.yaml;
    actiond = builtins.readFile ../../kubernetes/hypervisor-tui-actiond.yaml;
    consolePath = "${../../kubernetes/hypervisor-tui.yaml}";
    actiondPath = "${../../kubernetes/hypervisor-tui-actiond.yaml}";
  };
}
