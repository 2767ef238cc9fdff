# Two commands: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
CARGO ?= cargo
# Debian packages the build, the tests and the benchmarks need.
APT_PACKAGES := pkg-config libvirt-dev libvirt-clients tmux htop iproute2 procps \
	systemd systemd-journal-remote nix-bin systemd-container dbus \
	libvirt-daemon libvirt-daemon-driver-qemu qemu-system-x86 \
	libpam0g-dev libpam-wrapper polkitd openssh-server openssh-client rsync curl
# openssh-server, rsync, curl, polkitd: tests/module_ssh.rs and tests/module_units.rs run sshd,
# polkitd and libvirtd inside a throw-away systemd container only, never the host's. So that
# installing them starts no daemon on the host (sshd on port 22, libvirtd, polkitd), `deps`
# installs under a policy-rc.d that forbids starting services (what Debian's invoke-rc.d and
# deb-systemd-invoke ask), put in place only for the install when the host has none.
# actiond treats a client in an SSH session as read-only; tests act as the local console.
unexport SSH_CONNECTION SSH_CLIENT SSH_TTY
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps run demo screenshots test test-minimal bench fmt clean

deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		policy=; if [ ! -e /usr/sbin/policy-rc.d ]; then \
			printf '#!/bin/sh\n# hypervisor-tui make deps: start no service while installing\nexit 101\n' \
				| $(SUDO) tee /usr/sbin/policy-rc.d >/dev/null && $(SUDO) chmod 755 /usr/sbin/policy-rc.d && policy=1; \
		fi; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
		rc=$$?; if [ -n "$$policy" ]; then $(SUDO) rm -f /usr/sbin/policy-rc.d; fi; exit $$rc; \
	fi
	@$(CARGO) fmt --version >/dev/null 2>&1 || rustup component add rustfmt
	@$(CARGO) clippy --version >/dev/null 2>&1 || rustup component add clippy

run: deps
	$(CARGO) build --release
	./target/release/hypervisor-tui $(ARGS)

# The console on embedded sources (README "Try it"): nothing of the host's is needed or touched.
demo: deps
	$(CARGO) build --release
	./target/release/hypervisor-tui --demo

# Redraws the README's screens from the demo's fixed model; `make test` checks they are current.
screenshots:
	UPDATE_SCREENSHOTS=1 $(CARGO) test --test screenshots

test: deps
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings
	@# Without libvirt and kubernetes (no libvirt-dev needed) the console builds warning-free
	@# (lib.rs denies warnings there); its "not built in" sources are unit-tested in every build.
	@# `make test-minimal` runs the binary built that way (a second full build: kept out of here
	@# so a clean `make test` stays within 10 minutes on 2 cores).
	$(CARGO) check --no-default-features --lib --bins
	@# Outside a git checkout (.ci/run tests a `git archive` copy) the files are found with find.
	@for f in $$(git ls-files '*.nix' 2>/dev/null || find . -name '*.nix' -not -path './target/*'); do \
		nix-instantiate --parse "$$f" >/dev/null || exit 1; done; echo "nix: every .nix file parses"
	@# Benches are built and clippy-checked, not run: they measure (make bench), they do not assert.
	$(CARGO) test --no-run --benches
	$(CARGO) test --lib --bins --tests --examples

test-minimal: deps
	$(CARGO) test --no-default-features --test not_built_in

bench: deps
	$(CARGO) build --release
	benches/idle.sh
	$(CARGO) bench --bench dashboard
	benches/journal.sh
	$(CARGO) bench --bench network
	$(CARGO) bench --bench libvirt_f4
	$(CARGO) bench --bench kube_events

fmt:
	$(CARGO) fmt

clean:
	$(CARGO) clean
