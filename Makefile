# SPDX-License-Identifier: GPL-2.0
# umlrun: `make` installs what is missing, builds the default UML kernel
# (6.12, cached), the hostexec module, the guest init and the launcher;
# `make kernels` builds every series ahead (umlrun builds the others on
# first use); `make check` builds them all and runs the unit and
# integration tests; `make deb` builds the Debian packages (umlrun and
# the prebuilt kernels, in build/deb/). V=1 shows commands, WERROR=0 keeps
# warnings non-fatal, SANITIZE=1 builds the launcher with ASan and UBSan.

# The series, the build script's exit codes, the cache layout: shared
# facts, read here, by the scripts and (as build/gen/facts.h) by the C.
include scripts/facts
KERNEL_VERSION ?= $(DEFAULT_SERIES)
KERNEL_VERSIONS := $(SERIES)
PREFIX ?= /usr/local

# Debian packages the build, the tests and the recipes of the README and
# docs/ need (tests/recipes.t runs those: fio, git, docker.io, ...).
PACKAGES := gcc make libc6-dev bc bison flex libelf-dev libssl-dev git \
	pkg-config xz-utils patch perl musl-tools libslirp-dev libglib2.0-dev \
	linux-source-6.12 linux-source-6.1 busybox-static util-linux clang \
	libclang-rt-14-dev tmux gdb valgrind python3 socat iproute2 iptables \
	nftables e2fsprogs squashfs-tools squashfs-tools-ng gzip xz-utils \
	zstd bzip2 openssl lcov python3-seccomp fio ccache \
	linux-config-6.12 linux-config-6.1 wireguard-tools xfsprogs btrfs-progs \
	erofs-utils cryptsetup-bin mdadm bpftool apparmor ipset iputils-ping \
	golang-github-docker-docker-dev \
	docker.io
# ... and those `make deb` and tests/deb.t need on top.
DEB_PACKAGES := debhelper dpkg-dev lintian debootstrap

ifeq ($(V),1)
Q :=
quiet = @true
else
Q := @
quiet = @printf '  %-7s %s\n'
endif

CC ?= cc
MUSL_CC ?= musl-gcc
WARNINGS := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter
ifneq ($(WERROR),0)
WARNINGS += -Werror
endif
CFLAGS ?= -O2 -g
CFLAGS += $(WARNINGS) -std=gnu11 -D_FORTIFY_SOURCE=2
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif
INIT_CFLAGS := -Os $(WARNINGS) -std=gnu11 -static
# Recursive: expanded after `deps` has installed libslirp-dev.
SLIRP_CFLAGS = $(shell pkg-config --cflags slirp)
SLIRP_LIBS = $(shell pkg-config --libs slirp)

B := build
# userspace/ by trust boundary: launcher/ runs on the host, init/ is the
# guest's PID 1, shared/ is compiled into both.
SHARED_SRC := $(addprefix userspace/shared/,proto.c util.c)
LAUNCHER_SRC := $(addprefix userspace/launcher/,main.c options.c spawn.c loop.c console.c log.c tty.c \
	net.c sandbox.c layers.c kparams.c mounts.c landlock.c bounds.c confine.c result.c \
	doctor.c kernels.c ring.c disks.c root.c splat.c gdb.c tap.c config.c kmodes.c coverage.c \
	hostpath.c plan.c reaper.c sha256.c modules.c kunit.c commits.c) \
	$(SHARED_SRC)
INIT_SRC := $(addprefix userspace/init/,main.c log.c fs.c relay.c net.c mounts.c disks.c coverage.c) $(SHARED_SRC)
LAUNCHER_OBJ := $(LAUNCHER_SRC:userspace/%.c=$(B)/host/%.o)
INIT_OBJ := $(INIT_SRC:userspace/%.c=$(B)/guest/%.o)
FACTS_H := $(B)/gen/facts.h
HEADERS := $(wildcard userspace/*/*.h) $(wildcard hostexec-driver/*.h) $(FACTS_H)

UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_TESTS:%=$(B)/tests/%)

all: deps umlrun $(B)/umlinit $(B)/umlrun-completion.bash kernel-$(KERNEL_VERSION)

# --- Debian packages -------------------------------------------------------
# apt_install LIST: install the packages of LIST that are missing (as root)
define apt_install
	$(Q)missing=""; for p in $(1); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
			grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "make: missing Debian packages:$$missing"; \
			echo "make: run as root, or: sudo apt-get install$$missing"; \
			exit 1; \
		fi; \
		echo "  APT     installing:$$missing"; \
		if [ ! -e $(B)/.apt-updated ]; then \
			DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && \
			mkdir -p $(B) && touch $(B)/.apt-updated || exit 1; \
		fi; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing \
			>$(B)/apt.log 2>&1 || { tail -20 $(B)/apt.log; exit 1; }; \
	fi
endef

deps:
	$(call apt_install,$(PACKAGES))

deps-deb:
	$(call apt_install,$(DEB_PACKAGES))

# --- launcher and guest init ----------------------------------------------
# scripts/facts as C: FACT_NAME "VALUE" for each NAME=VALUE line.
$(FACTS_H): scripts/facts
	$(quiet) GEN $@
	$(Q)mkdir -p $(@D)
	$(Q){ echo '/* made from scripts/facts by the Makefile */'; \
		sed -n 's/^\([A-Z_][A-Z0-9_]*\)=\(.*\)$$/#define FACT_\1 "\2"/p' $<; } >$@.tmp && \
		mv $@.tmp $@

$(B)/host/%.o: userspace/%.c $(HEADERS) | deps
	$(quiet) CC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SLIRP_CFLAGS) -Iuserspace/shared -I$(B)/gen -c -o $@ $<

$(B)/guest/%.o: userspace/%.c $(HEADERS) | deps
	$(quiet) MUSLCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(MUSL_CC) $(INIT_CFLAGS) -Iuserspace/shared -I$(B)/gen -c -o $@ $<

LAUNCHER_OUT ?= umlrun
$(LAUNCHER_OUT): $(LAUNCHER_OBJ)
	$(quiet) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(SLIRP_LIBS)

# bash completion, made from the option table
$(B)/umlrun-completion.bash: $(LAUNCHER_OUT)
	$(quiet) GEN $@
	$(Q)./$(LAUNCHER_OUT) --dump-options completion >$@.tmp && mv $@.tmp $@

$(B)/umlinit: $(INIT_OBJ)
	$(quiet) LD $@
	$(Q)$(MUSL_CC) -static -o $@ $^

# --- kernels (built once, cached outside the tree) -------------------------
kernels: $(KERNEL_VERSIONS:%=kernel-%)

kernel-%: | deps
	$(Q)dir=$$(scripts/build-kernel.sh $*) && mkdir -p $(B)/kernels && \
		ln -sfn "$$dir" $(B)/kernels/$*

# The debian flavour's options for each series
# (arch-um-config/flavours/debian-SERIES.config, committed): remade from the
# linux-config-SERIES packages by rule, less arch-um-config/debian-exclude
debian-config: | deps
	$(Q)for v in $(KERNEL_VERSIONS); do scripts/debian-config.sh $$v || exit 1; done

# How much of Debian's kernel each series' debian flavour has, per area (it
# must be built: umlrun --flavour debian -- true); fails naming any option
# the rule wants and the kernel lacks
parity: | deps
	$(Q)scripts/kernel-parity.sh $(KERNEL_VERSIONS)

# --- tests ----------------------------------------------------------------
LAUNCHER_INC := -Iuserspace/launcher -Iuserspace/shared -I$(B)/gen
$(B)/tests/%: tests/unit/%.c tests/unit/tap.h $(HEADERS) $(LAUNCHER_SRC) | deps
	$(quiet) CC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SLIRP_CFLAGS) -fsanitize=address,undefined $(LAUNCHER_INC) \
		-o $@ $< $(filter-out userspace/launcher/main.c,$(LAUNCHER_SRC)) \
		$(SLIRP_LIBS)

# --- fuzzing (libFuzzer): a short smoke run in check, long runs with fuzz --
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 20
FUZZERS := fuzz_frames fuzz_exec fuzz_ring fuzz_tap
FUZZ_BIN := $(FUZZERS:%=$(B)/fuzz/%)

FUZZ_SRC := userspace/shared/proto.c userspace/launcher/ring.c userspace/launcher/tap.c
$(B)/fuzz/%: tests/fuzz/%.c $(FUZZ_SRC) $(HEADERS) | deps
	$(quiet) FUZZCC $@
	$(Q)mkdir -p $(@D)
	$(Q)clang -g -O1 -fsanitize=fuzzer,address,undefined $(LAUNCHER_INC) \
		-o $@ $< $(FUZZ_SRC)

$(B)/fuzz/seeds: tests/fuzz/seeds.c userspace/shared/proto.c userspace/shared/proto.h | deps
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Iuserspace/shared -o $@ $< userspace/shared/proto.c

fuzz-corpus: $(B)/fuzz/seeds
	$(Q)mkdir -p $(B)/fuzz/corpus-frames $(B)/fuzz/corpus-exec $(B)/fuzz/corpus-ring \
		$(B)/fuzz/corpus-tap
	$(Q)for f in tests/fuzz/tap-seeds/*; do cp $$f $(B)/fuzz/corpus-tap/; done
	$(Q)$(B)/fuzz/seeds $(B)/fuzz/corpus-frames $(B)/fuzz/corpus-exec

fuzz-smoke: FUZZ_SECONDS = $(FUZZ_SMOKE_SECONDS)
fuzz fuzz-smoke: $(FUZZ_BIN) fuzz-corpus
	$(Q)for f in $(FUZZERS); do \
		echo "  FUZZ    $$f for $(FUZZ_SECONDS) s"; \
		c=$(B)/fuzz/corpus-$${f#fuzz_}; \
		$(B)/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) -max_len=200000 \
			-artifact_prefix=$(B)/fuzz/$$f- $$c \
			>$(B)/fuzz/$$f.log 2>&1 || { tail -30 $(B)/fuzz/$$f.log; exit 1; }; \
		tail -1 $(B)/fuzz/$$f.log | sed 's/^/          /'; \
	done

# The fake guest for launcher tests without a kernel (tests/stub.t).
$(B)/tests/fakeguest: tests/stub/fakeguest.c userspace/shared/proto.c $(HEADERS) | deps
	$(quiet) CC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Iuserspace/shared -o $@ $< userspace/shared/proto.c

check: all kernels $(UNIT_BIN) $(B)/tests/fakeguest fuzz-smoke
	$(Q)UMLRUN_MUST_WORK=$${UMLRUN_MUST_WORK:-1} prove -f --timer $(UNIT_BIN) tests/*.t

# The integration suite again with a launcher built with ASan and UBSan and
# an init built with UBSan (trapping: musl has no sanitizer runtime): every
# script that drives the launcher (the kernel-feature tiers add nothing).
SANITIZE_TESTS := tests/core.t tests/reliability.t tests/stub.t tests/net.t \
	tests/isolation.t tests/interactive.t tests/ux.t
check-sanitize: all kernels $(B)/tests/fakeguest
	$(Q)$(MAKE) --no-print-directory B=$(B)/asan SANITIZE=1 \
		INIT_CFLAGS="$(INIT_CFLAGS) -fsanitize=undefined -fsanitize-undefined-trap-on-error" \
		LAUNCHER_OUT=$(B)/asan/umlrun $(B)/asan/umlrun $(B)/asan/umlinit
	$(Q)UMLRUN_MUST_WORK=1 UMLRUN_BIN=$(CURDIR)/$(B)/asan/umlrun \
		UMLRUN_LIBDIR=$(CURDIR)/$(B) UMLRUN_INIT=$(CURDIR)/$(B)/asan/umlinit \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		prove -f --timer $(SANITIZE_TESTS)

# everything but the slow tier: tests/bisect.t, tests/bisect-versions.t,
# tests/commit.t and tests/commits.t build a kernel tree, and any other
# script whose kernel is not cached (a flavour, the bisect recipe) skips
# itself
check-fast: all kernels $(UNIT_BIN)
	$(Q)UMLRUN_SLOW_TIERS=cached UMLRUN_MUST_WORK=$${UMLRUN_MUST_WORK:-1} \
		prove -f --timer $(UNIT_BIN) \
		$(filter-out tests/bisect.t tests/bisect-versions.t tests/commit.t tests/commits.t,$(wildcard tests/*.t))

check-unit: $(UNIT_BIN)
	$(Q)prove -f --timer $(UNIT_BIN)

# --- reference pages made from the code ------------------------------------
# docs/options.md's table is the option table (tests/ux.t checks it)
docs: $(LAUNCHER_OUT)
	$(quiet) GEN docs/options.md
	$(Q){ sed '/^<!-- options: made by umlrun --dump-options markdown -->$$/q' docs/options.md; \
		./$(LAUNCHER_OUT) --dump-options markdown; \
		sed -n '/^<!-- end of options -->$$/,$$p' docs/options.md; } >docs/options.md.tmp && \
		mv docs/options.md.tmp docs/options.md

# --- install: launcher, init, kernels, manual, completion -------------------
# install-files copies what is built, the kernels from KERNEL_DIR (the
# Debian packages' debian/rules installs with it).
LIBDIR := $(PREFIX)/lib/umlrun
KERNEL_DIR := $(B)/kernels
install: all kernels
	$(Q)$(MAKE) --no-print-directory install-files

install-files:
	$(quiet) INSTALL $(DESTDIR)$(PREFIX)
	$(Q)install -D -m 755 umlrun $(DESTDIR)$(PREFIX)/bin/umlrun
	$(Q)install -D -m 755 $(B)/umlinit $(DESTDIR)$(LIBDIR)/umlinit
	$(Q)for v in $(KERNEL_VERSIONS); do \
		install -D -m 755 $(KERNEL_DIR)/$$v/linux $(DESTDIR)$(LIBDIR)/kernels/$$v/linux && \
		install -D -m 644 $(KERNEL_DIR)/$$v/hostexec.ko $(DESTDIR)$(LIBDIR)/kernels/$$v/hostexec.ko || exit 1; \
	done
	$(Q)for f in scripts/build-kernel.sh scripts/kconfig.sh scripts/check-config.sh scripts/kconfig-why.pl \
		scripts/guest-dockerd.sh scripts/coverage.sh scripts/build-module.sh; do \
		install -D -m 755 $$f $(DESTDIR)$(LIBDIR)/$$f || exit 1; done
	$(Q)install -D -m 644 scripts/facts $(DESTDIR)$(LIBDIR)/scripts/facts
	$(Q)for f in Kbuild hostexec-driver/Kbuild hostexec-driver/hostexec.c hostexec-driver/*.h \
		arch-um-config/*.config arch-um-config/flavours/*.config patches/*/*.patch \
		patches/variants/probes; do \
		install -D -m 644 $$f $(DESTDIR)$(LIBDIR)/$$f || exit 1; done
	$(Q)install -D -m 644 userspace/launcher/umlrun.1 $(DESTDIR)$(PREFIX)/share/man/man1/umlrun.1
	$(Q)install -D -m 644 $(B)/umlrun-completion.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/umlrun

uninstall:
	$(quiet) UNINSTALL $(DESTDIR)$(PREFIX)
	$(Q)rm -f $(DESTDIR)$(PREFIX)/bin/umlrun \
		$(DESTDIR)$(PREFIX)/share/man/man1/umlrun.1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/umlrun
	$(Q)rm -rf $(DESTDIR)$(LIBDIR)

# --- Debian packages: umlrun, umlrun-kernel-6.12, umlrun-kernel-6.1 --------
# dpkg-buildpackage in a tree laid out from scripts/debian/, the sources and
# the kernels `make kernels` cached; lintian checks them (scripts/make-deb.sh)
deb: all kernels deps-deb
	$(Q)scripts/make-deb.sh $(B)/deb $(KERNEL_VERSIONS)

# the kernel cache: list it; keep only this checkout's 6.12 and 6.1 kernels
list-kernels:
	$(Q)scripts/build-kernel.sh --list

prune:
	$(Q)scripts/build-kernel.sh --prune

clean:
	$(quiet) CLEAN $(B)
	$(Q)rm -rf $(B)/host $(B)/guest $(B)/tests $(B)/umlinit $(B)/kernels $(B)/fuzz \
		$(B)/asan $(B)/deb umlrun

.PHONY: all deps deps-deb deb debian-config parity docs install-files kernels check check-fast check-unit check-sanitize clean install uninstall fuzz fuzz-smoke fuzz-corpus list-kernels prune
