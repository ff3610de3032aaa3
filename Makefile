# SPDX-License-Identifier: GPL-2.0
# umlrun: `make` installs what is missing, builds the UML kernel (cached),
# the hostexec module, the guest init and the launcher; `make check` runs
# the unit and integration tests. V=1 shows commands, WERROR=0 keeps
# warnings non-fatal, SANITIZE=1 builds the launcher with ASan and UBSan.

KERNEL_VERSION ?= 6.12
KERNEL_VERSIONS := 6.12 6.1
PREFIX ?= /usr/local

# Debian packages the build and the tests need.
PACKAGES := gcc make libc6-dev bc bison flex libelf-dev libssl-dev \
	pkg-config xz-utils patch perl musl-tools libslirp-dev \
	linux-source-6.12 linux-source-6.1 busybox-static util-linux \
	iproute2 iptables nftables e2fsprogs squashfs-tools docker.io

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

B := build
LAUNCHER_SRC := main.c options.c spawn.c loop.c log.c proto.c util.c \
	kernels.c
INIT_SRC := init.c init_relay.c proto.c util.c
LAUNCHER_OBJ := $(LAUNCHER_SRC:%.c=$(B)/host/%.o)
INIT_OBJ := $(INIT_SRC:%.c=$(B)/guest/%.o)
HEADERS := $(wildcard userspace/*.h)

UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_TESTS:%=$(B)/tests/%)

all: deps umlrun $(B)/umlinit kernels

# --- Debian packages -------------------------------------------------------
deps:
	$(Q)missing=""; for p in $(PACKAGES); do \
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

# --- launcher and guest init ----------------------------------------------
$(B)/host/%.o: userspace/%.c $(HEADERS) | deps
	$(quiet) CC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(B)/guest/%.o: userspace/%.c $(HEADERS) | deps
	$(quiet) MUSLCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(MUSL_CC) $(INIT_CFLAGS) -c -o $@ $<

umlrun: $(LAUNCHER_OBJ)
	$(quiet) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^

$(B)/umlinit: $(INIT_OBJ)
	$(quiet) LD $@
	$(Q)$(MUSL_CC) -static -o $@ $^

# --- kernels (built once, cached outside the tree) -------------------------
kernels: $(KERNEL_VERSIONS:%=kernel-%)

kernel-%: | deps
	$(Q)dir=$$(scripts/build-kernel.sh $*) && mkdir -p $(B)/kernels && \
		ln -sfn "$$dir" $(B)/kernels/$*

# --- tests ----------------------------------------------------------------
$(B)/tests/%: tests/unit/%.c tests/unit/tap.h $(HEADERS) | deps
	$(quiet) CC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -fsanitize=address,undefined -Iuserspace \
		-o $@ $< $(filter-out $(B)/host/main.o,$(LAUNCHER_OBJ:$(B)/host/%.o=userspace/%.c))

check: all $(UNIT_BIN)
	$(Q)UMLRUN_MUST_WORK=$${UMLRUN_MUST_WORK:-1} prove -f $(UNIT_BIN) tests/*.t

# everything but the slow tier (tests/bisect.t builds a kernel tree)
check-fast: all $(UNIT_BIN)
	$(Q)UMLRUN_MUST_WORK=$${UMLRUN_MUST_WORK:-1} prove -f $(UNIT_BIN) \
		$(filter-out tests/bisect.t,$(wildcard tests/*.t))

check-unit: $(UNIT_BIN)
	$(Q)prove -f $(UNIT_BIN)

# the kernel cache: list it; keep only this checkout's 6.12 and 6.1 kernels
list-kernels:
	$(Q)scripts/build-kernel.sh --list

prune:
	$(Q)scripts/build-kernel.sh --prune

clean:
	$(quiet) CLEAN $(B)
	$(Q)rm -rf $(B)/host $(B)/guest $(B)/tests $(B)/umlinit $(B)/kernels umlrun

.PHONY: all deps kernels check check-fast check-unit list-kernels prune clean
