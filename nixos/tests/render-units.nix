# Renders what the module gives a host into plain files, for the tests that run the units
# under a real systemd (tests/module_units.rs, tests/module_ssh.rs): the console unit texts,
# the masked gettys, the console user (as a systemd-sysusers.d file), the sshd Match block
# and /etc/hypervisor-tui/config.toml. Development only: it needs the offline harness's stub
# NixOS options and nixpkgs' lib, neither of which is in this repository; ./render-units.sh
# runs it and writes ./rendered/. The unit text is rendered by the harness's stubs the way
# nixos/lib/systemd-lib.nix does (serviceToUnit); store paths are the stubs' fake ones.
{
  libPath,
  harnessDir,
  moduleFile ? ../module.nix,
}:
let
  lib = import libPath;
  pkgs = import (harnessDir + "/stubs/pkgs.nix") { inherit lib; };
  utils = import (harnessDir + "/stubs/utils.nix") { inherit lib; };
  eval = lib.evalModules {
    specialArgs.modulesPath = harnessDir + "/stubs";
    modules = [
      (harnessDir + "/stubs/nixos-options.nix")
      moduleFile
      ./render-case.nix
      { _module.args = { inherit pkgs utils; }; }
    ];
  };
  inherit (eval) config;
  failed = map (x: x.message) (lib.filter (x: !x.assertion) config.assertions);
  cfg =
    if failed != [ ] then throw "failed assertions: ${lib.concatStringsSep "; " failed}" else config;
  tui = cfg.services.hypervisor-tui;
  user = cfg.users.users.${tui.user};
  ours = lib.filterAttrs (
    n: _: lib.hasPrefix "hypervisor-tui" n || lib.hasPrefix "getty@" n || lib.hasPrefix "autovt@" n
  ) cfg.systemd.services;
  shell =
    if user.shell == null then
      "/usr/sbin/nologin"
    else if lib.isDerivation user.shell then
      "${user.shell}${user.shell.shellPath}"
    else
      toString user.shell;
  sysusers = ''
    g ${user.group} -
    u ${tui.user} -:${user.group} "${user.description}" ${user.home} ${shell}
  ''
  + lib.concatMapStrings (g: "m ${tui.user} ${g}\n") user.extraGroups;
in
{
  # name -> text; a masked unit's text is "(masked: symlink to /dev/null)".
  units = lib.mapAttrs' (n: s: lib.nameValuePair "${n}.service" s.text) ours;
  inherit sysusers;
  sshd_match = cfg.services.openssh.extraConfig;
  config_toml = cfg.environment.etc."hypervisor-tui/config.toml".source.text;
  authorized_keys = lib.concatStringsSep "\n" user.openssh.authorizedKeys.keys;
}
