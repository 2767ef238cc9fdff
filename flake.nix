{
  description = "hypervisor-tui: a console for NixOS hypervisor hosts (journal, health, network and guests on tty1, serial or SSH)";

  # nixos-unstable, because nixos-25.11 ships rustc 1.91 and Cargo.lock needs
  # 1.95 (sysinfo 0.40, sdjournal 0.1.15). nixos-26.05 or newer works too.
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;
      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];
      forAllSystems = f: lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
    in
    {
      packages = forAllSystems (pkgs: {
        default = pkgs.callPackage ./nixos/package.nix { };
        hypervisor-tui = self.packages.${pkgs.stdenv.hostPlatform.system}.default;
      });

      # Builds with the consumer's nixpkgs: its rustc must be >= 1.95.
      overlays.default = final: _prev: {
        hypervisor-tui = final.callPackage ./nixos/package.nix { };
      };

      nixosModules.default =
        { lib, pkgs, ... }:
        {
          imports = [ ./nixos/module.nix ];
          # Built with this flake's nixpkgs (a rustc new enough), unless the host
          # platform is not one of ours; then from the host's own nixpkgs.
          services.hypervisor-tui.package = lib.mkDefault (
            self.packages.${pkgs.stdenv.hostPlatform.system}.default
              or (pkgs.callPackage ./nixos/package.nix { })
          );
        };
      nixosModules.hypervisor-tui = self.nixosModules.default;

      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          # toolchain + what `make test` runs: tmux (end-to-end runs of the
          # binary), iproute2 (network namespaces), journalctl (systemd).
          nativeBuildInputs = with pkgs; [
            rustc
            cargo
            clippy
            rustfmt
            cargo-insta
            pkg-config
            tmux
            iproute2
            systemd
          ];
          buildInputs = [ pkgs.libvirt ];
          RUST_SRC_PATH = "${pkgs.rustPlatform.rustLibSrc}";
        };
      });

      checks = forAllSystems (pkgs: {
        package = self.packages.${pkgs.stdenv.hostPlatform.system}.default;
        # Needs KVM: boots a VM with the module (nixos/tests/console.nix).
        vm-console = pkgs.testers.runNixOSTest (import ./nixos/tests/console.nix { inherit self; });
        # Needs KVM: a k3s server with the console's read-only token (nixos/tests/k3s.nix).
        vm-k3s = pkgs.testers.runNixOSTest (import ./nixos/tests/k3s.nix { inherit self; });
      });

      formatter = forAllSystems (pkgs: pkgs.nixfmt);
    };
}
