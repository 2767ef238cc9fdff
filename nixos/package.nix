# The hypervisor-tui package, for callPackage (used by the flake's packages and
# overlay). Needs a rustc >= 1.95 (rust-version in Cargo.toml).
{
  lib,
  rustPlatform,
  pkg-config,
  libvirt,
}:
let
  cargoToml = lib.importTOML ../Cargo.toml;
  fs = lib.fileset;
in
rustPlatform.buildRustPackage {
  pname = "hypervisor-tui";
  inherit (cargoToml.package) version;

  # The Rust sources only: editing the Nix files or the docs does not rebuild.
  src = fs.toSource {
    root = ../.;
    fileset = fs.unions [
      ../Cargo.toml
      ../Cargo.lock
      ../src
      (fs.maybeMissing ../build.rs)
      (fs.maybeMissing ../benches)
      (fs.maybeMissing ../tests)
      (fs.maybeMissing ../config.example.toml)
    ];
  };

  cargoLock.lockFile = ../Cargo.lock;

  # virt-sys finds libvirt with pkg-config and links libvirt.so; every other
  # dependency is pure Rust or built by cc (ring).
  nativeBuildInputs = [ pkg-config ];
  buildInputs = [ libvirt ];

  # The test suite needs tmux, network namespaces and root (end-to-end runs of
  # the binary), none of which the build sandbox has; `nix develop -c make test`
  # runs it, and the flake's NixOS VM test (checks) covers the packaged binary.
  doCheck = false;

  meta = {
    description = cargoToml.package.description;
    license = lib.licenses.mit;
    mainProgram = "hypervisor-tui";
    platforms = lib.platforms.linux;
  };
}
