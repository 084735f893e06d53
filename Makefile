# aml-tools: Unix tools for Azure Machine Learning Studio web services.
# See README.md; `make deps` installs what the build needs on Debian.

VERSION = 0.1.0

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/aml-tools
EXAMPLESDIR ?= $(DOCDIR)/examples
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
DESTDIR ?=
PKG_CONFIG ?= pkg-config
PROVE ?= prove

# Debian packages: what the build needs, and what `make check` runs.
BUILD_DEBS = build-essential pkg-config libcjson-dev libcurl4-openssl-dev \
	libjwt-dev libssl-dev libmicrohttpd-dev
CHECK_DEBS = perl curl jq openssl mandoc valgrind procps gdb
# make fuzz: clang, its libFuzzer runtime, llvm-symbolizer for the traces.
FUZZ_DEBS = clang libclang-rt-dev llvm
# pkg-config module -> Debian package, for the message when one is missing.
PCMODS = libcjson:libcjson-dev libcurl:libcurl4-openssl-dev \
	libjwt:libjwt-dev openssl:libssl-dev libmicrohttpd:libmicrohttpd-dev

CFLAGS ?= -O2 -g
# float-cast-overflow (a double out of an integer's range, 1e300 from
# JSON) is not part of gcc's "undefined"; it is asked for by name.
ifeq ($(SANITIZE),1)
FLAVOUR_CFLAGS = -O1 -g -fsanitize=address,undefined,float-cast-overflow \
	-fno-omit-frame-pointer -fno-sanitize-recover=undefined,float-cast-overflow
FLAVOUR_LDFLAGS = -fsanitize=address,undefined,float-cast-overflow
endif
WARN = -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-unused-parameter

# pkg-config is asked lazily (recursive `=`), so the answers come after
# `deps-check` has had its chance to install what is missing.
PC_BASE = $(shell $(PKG_CONFIG) --cflags libcjson)
PC_NET = $(shell $(PKG_CONFIG) --cflags libcurl libjwt openssl)
PC_EMU = $(shell $(PKG_CONFIG) --cflags libmicrohttpd)
LIBS_BASE = $(shell $(PKG_CONFIG) --libs libcjson) -lm
# libjwt is the emulator's only: the programs sign with OpenSSL (cert.c).
LIBS_NET = $(shell $(PKG_CONFIG) --libs libcurl openssl)
LIBS_EMU = $(shell $(PKG_CONFIG) --libs libmicrohttpd libjwt openssl) -lpthread

ALL_CFLAGS = $(WARN) $(CFLAGS) $(FLAVOUR_CFLAGS) -D_GNU_SOURCE \
	-DAML_VERSION=\"$(VERSION)\" -Icommon $(PC_BASE) $(PC_NET)
# Every program's getopt_long goes through common/opt.c first: the
# toolkit's usage messages, and the option table the completions are
# made from (see there why a wrap).
ALL_LDFLAGS = $(LDFLAGS) $(FLAVOUR_LDFLAGS) -Wl,--as-needed -Wl,--wrap=getopt_long

# Pure JSON filters: no network, so they never link libcurl (its load
# alone costs milliseconds per process).
FILTERS = aml-export-ws aml-patch-ilearner aml-import-ws \
	aml-export-deployment aml-patch-model aml-import-deployment
TOOLS = $(sort $(notdir $(basename $(wildcard tools/aml-*.c))))
NETTOOLS = $(filter-out $(FILTERS),$(TOOLS))
# The emulator is built once its sources are there.
PROGS = $(TOOLS) $(if $(EMU_SRC),aml-emulator)

# libaml is split in two archives: what every program may use, and what
# only the network programs need (it pulls in libcurl, libjwt, OpenSSL).
BASE_SRC = err.c xalloc.c io.c wbuf.c hash.c json.c jsonfast.c jsonw.c jsoncj.c sig.c redact.c wait.c \
	opt.c table.c filter.c uri.c bes.c defn.c patch.c mldefn.c
COMMON_SRC = $(notdir $(wildcard common/*.c))
NET_SRC = $(filter-out $(BASE_SRC),$(COMMON_SRC))
BASE_OBJ = $(addprefix obj/common/,$(BASE_SRC:.c=.o))
NET_OBJ = $(addprefix obj/common/,$(NET_SRC:.c=.o))
EMU_SRC = $(wildcard tests/emulator/*.c)
EMU_OBJ = $(patsubst tests/emulator/%.c,obj/emu/%.o,$(EMU_SRC))
HDR = common/aml.h common/amlnet.h common/jsonfast.h
EMU_HDR = $(wildcard tests/emulator/*.h)

BINS = $(addprefix bin/,$(PROGS))
MAN1 = $(wildcard man/aml-*.1)
MAN7 = $(wildcard man/*.7)
DOCS = README.md
EXAMPLE_SCRIPTS = $(wildcard examples/*.sh)
EXAMPLE_DATA = $(wildcard examples/data/*)
# Shell completions, made from each program's own option table.
BASHCOMP = $(addprefix obj/completion/bash/,$(PROGS))
ZSHCOMP = $(addprefix obj/completion/zsh/_,$(PROGS))

all: $(BINS) $(BASHCOMP) $(ZSHCOMP)

# Objects are rebuilt when the flavour (plain or sanitized) or the flags
# change: obj/flags holds the flags the objects were built with.
FLAGSTAMP = obj/flags
FLAGS_NOW = $(WARN) $(CFLAGS) $(FLAVOUR_CFLAGS) $(FLAVOUR_LDFLAGS) $(LDFLAGS)
$(shell mkdir -p obj && (test -f $(FLAGSTAMP) && test "$$(cat $(FLAGSTAMP))" = '$(FLAGS_NOW)' || printf '%s\n' '$(FLAGS_NOW)' > $(FLAGSTAMP)))

obj/common/%.o: common/%.c $(HDR) $(FLAGSTAMP) | deps-check
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

obj/tools/%.o: tools/%.c $(HDR) $(FLAGSTAMP) | deps-check
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

obj/emu/%.o: tests/emulator/%.c $(HDR) $(EMU_HDR) $(FLAGSTAMP) | deps-check
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(PC_EMU) -Itests/emulator -c -o $@ $<

obj/libaml-base.a: $(BASE_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

obj/libaml-net.a: $(NET_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(addprefix bin/,$(FILTERS)): bin/%: obj/tools/%.o obj/libaml-base.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< obj/libaml-base.a $(LIBS_BASE)

$(addprefix bin/,$(NETTOOLS)): bin/%: obj/tools/%.o obj/libaml-net.a obj/libaml-base.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< obj/libaml-net.a obj/libaml-base.a $(LIBS_NET) $(LIBS_BASE)

bin/aml-emulator: $(EMU_OBJ) obj/libaml-net.a obj/libaml-base.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $(EMU_OBJ) obj/libaml-net.a obj/libaml-base.a $(LIBS_EMU) $(LIBS_NET) $(LIBS_BASE) -lm

# A program's completions come from the table it prints itself
# (completion/gen.sh), so they are made again whenever it is.
obj/completion/bash/%: bin/% completion/gen.sh
	@mkdir -p $(@D)
	sh completion/gen.sh bash $< >$@.tmp && mv $@.tmp $@

obj/completion/zsh/_%: bin/% completion/gen.sh
	@mkdir -p $(@D)
	sh completion/gen.sh zsh $< >$@.tmp && mv $@.tmp $@

# deps-check: nothing when every pkg-config module is there; otherwise
# install the packages when root (or via sudo -n), else name them and stop.
deps-check:
	@missing=; for m in $(PCMODS); do \
		$(PKG_CONFIG) --exists $${m%%:*} 2>/dev/null || missing="$$missing $${m#*:}"; \
	done; \
	command -v $(PKG_CONFIG) >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	command -v cc >/dev/null 2>&1 || missing="$$missing build-essential"; \
	if [ -n "$$missing" ]; then \
		echo "make: missing build dependencies:$$missing" >&2; \
		$(MAKE) --no-print-directory deps || exit 1; \
	fi

check-deps-check: deps-check
	@missing=; for c in prove:perl curl:curl jq:jq openssl:openssl; do \
		command -v $${c%%:*} >/dev/null 2>&1 || missing="$$missing $${c#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "make: missing test dependencies:$$missing" >&2; \
		$(MAKE) --no-print-directory deps || exit 1; \
	fi

deps:
	@pkgs='$(BUILD_DEBS) $(CHECK_DEBS) $(FUZZ_DEBS)'; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "apt-get install -y $$pkgs" >&2; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y $$pkgs || \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$pkgs; }; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y $$pkgs || \
		{ sudo -n apt-get update && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y $$pkgs; }; \
	else \
		echo "make: as root, run: apt-get install -y $$pkgs" >&2; exit 1; \
	fi

# The longest tests first: prove runs them in the order given, so no
# job is left alone at the end with one of them.  Three jobs on two
# cores: the tests wait on servers and child processes often enough.
SLOW_TESTS = tests/0600-faults.t tests/0003-options.t tests/0005-debian.t \
	tests/0210-deployment-filters.t tests/0602-files.t tests/0603-tls.t tests/0413-undumpable.t
TESTS = $(SLOW_TESTS) $(filter-out $(SLOW_TESTS),$(sort $(wildcard tests/*.t)))

check: all check-deps-check
	PATH="$(CURDIR)/bin:$$PATH" AML_SANITIZE=$(SANITIZE) $(PROVE) -j3 $(TESTS)

demo: all check-deps-check
	PATH="$(CURDIR)/bin:$$PATH" sh examples/demo.sh

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7 \
	    $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 0755 $(addprefix bin/,$(PROGS)) $(DESTDIR)$(BINDIR)/
	install -m 0644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	$(if $(MAN7),install -m 0644 $(MAN7) $(DESTDIR)$(MANDIR)/man7/)
	mkdir -p $(DESTDIR)$(DOCDIR) $(DESTDIR)$(EXAMPLESDIR)/data
	install -m 0644 $(DOCS) $(DESTDIR)$(DOCDIR)/
	install -m 0755 $(EXAMPLE_SCRIPTS) $(DESTDIR)$(EXAMPLESDIR)/
	install -m 0644 $(EXAMPLE_DATA) $(DESTDIR)$(EXAMPLESDIR)/data/
	install -m 0644 $(BASHCOMP) $(DESTDIR)$(BASHCOMPDIR)/
	install -m 0644 $(ZSHCOMP) $(DESTDIR)$(ZSHCOMPDIR)/

# Files, then the directories of our own that install made (DOCDIR and
# what is under it); BINDIR and MANDIR are shared with other software
# and stay.
uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(PROGS))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN1)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man7/,$(notdir $(MAN7)))
	rm -f $(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(DOCS)))
	rm -f $(addprefix $(DESTDIR)$(EXAMPLESDIR)/,$(notdir $(EXAMPLE_SCRIPTS)))
	rm -f $(addprefix $(DESTDIR)$(EXAMPLESDIR)/data/,$(notdir $(EXAMPLE_DATA)))
	rm -f $(addprefix $(DESTDIR)$(BASHCOMPDIR)/,$(PROGS))
	rm -f $(addprefix $(DESTDIR)$(ZSHCOMPDIR)/_,$(PROGS))
	-rmdir $(DESTDIR)$(EXAMPLESDIR)/data $(DESTDIR)$(EXAMPLESDIR) $(DESTDIR)$(DOCDIR) 2>/dev/null

# The package's version, for debian/rules (which checks debian/changelog
# against it) and the tests.
version:
	@echo $(VERSION)

# ---- fuzzing (fuzz/README.md) ----------------------------------------
# libFuzzer targets, one per fuzz/*.c, built by clang with ASan and UBSan
# from their own objects in fuzz/obj (never obj/ or bin/).  The targets
# named emu* link the emulator without its libmicrohttpd side.
FUZZ_CC = clang
FUZZ_SECONDS = 60
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = $(WARN) -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) \
	-fsanitize=fuzzer-no-link -D_GNU_SOURCE -DAML_VERSION=\"$(VERSION)\" \
	-Icommon -Itests/emulator -Ifuzz $(PC_BASE) $(PC_NET) $(PC_EMU)
FUZZ_TARGETS = $(sort $(notdir $(basename $(wildcard fuzz/*.c))))
FUZZ_LIB_OBJ = $(addprefix fuzz/obj/common/,$(COMMON_SRC:.c=.o))
FUZZ_EMU_OBJ = $(patsubst tests/emulator/%.c,fuzz/obj/emu/%.o,\
	$(filter-out tests/emulator/main.c tests/emulator/server.c,$(EMU_SRC)))
# Each run: -timeout catches hangs, stderr of the code under test is
# closed (libFuzzer keeps its own), crashes land in fuzz/crashes/.
FUZZ_FLAGS = -timeout=10 -rss_limit_mb=2048 -close_fd_mask=3 -print_final_stats=1

fuzz: $(addprefix fuzz/bin/,$(FUZZ_TARGETS))

fuzz/obj/common/%.o: common/%.c $(HDR) | fuzz-deps-check
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

fuzz/obj/emu/%.o: tests/emulator/%.c $(HDR) $(EMU_HDR) | fuzz-deps-check
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

fuzz/obj/%.o: fuzz/%.c fuzz/fuzz.h $(HDR) $(EMU_HDR) | fuzz-deps-check
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

fuzz/obj/libaml.a: $(FUZZ_LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(addprefix fuzz/bin/,$(filter emu%,$(FUZZ_TARGETS))): $(FUZZ_EMU_OBJ)
fuzz/bin/%: fuzz/obj/%.o fuzz/obj/libaml.a
	@mkdir -p $(@D)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -Wl,--as-needed -o $@ $< \
	    $(if $(filter emu%,$*),$(FUZZ_EMU_OBJ)) fuzz/obj/libaml.a \
	    $(LIBS_EMU) $(LIBS_NET) $(LIBS_BASE)

# The corpora: fuzz/seeds/<target>/ plus what fuzz/corpus.sh makes of
# tests/data, in fuzz/corpus-<target>/ (not committed).
fuzz-corpus:
	@sh fuzz/corpus.sh $(FUZZ_TARGETS)

# Every target for FUZZ_SECONDS, starting from its corpus, its seeds and
# the inputs that once crashed it (tests/data/fuzz/<target>/); a crash
# fails the run and leaves its input in fuzz/crashes/<target>-crash-*;
# logs in fuzz/logs/.  One rule a target, so that `make -j2 fuzz-run`
# fuzzes two at once (CI does, on its two cores).
FUZZ_RUNS = $(addprefix fuzz-run-,$(FUZZ_TARGETS))
fuzz-run: $(FUZZ_RUNS)
$(FUZZ_RUNS): fuzz-run-%: fuzz fuzz-corpus
	@mkdir -p fuzz/crashes fuzz/logs; \
	dict=; [ -f fuzz/$*.dict ] && dict=-dict=fuzz/$*.dict; \
	dirs="fuzz/corpus-$* fuzz/seeds/$*"; \
	[ -d tests/data/fuzz/$* ] && dirs="$$dirs tests/data/fuzz/$*"; \
	echo "fuzz: $* for $(FUZZ_SECONDS) s"; \
	if fuzz/bin/$* $(FUZZ_FLAGS) -max_total_time=$(FUZZ_SECONDS) $$dict \
	    -artifact_prefix=fuzz/crashes/$*- $$dirs >fuzz/logs/$*.log 2>&1; then \
		sh fuzz/summary.sh $* fuzz/logs/$*.log; \
	else \
		tail -n 60 fuzz/logs/$*.log; \
		echo "fuzz: $*: a crash; its input in fuzz/crashes/$*-*" >&2; exit 1; \
	fi

# clang and the libFuzzer runtime, else make deps.
fuzz-deps-check:
	@printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' | \
	    $(FUZZ_CC) -fsanitize=fuzzer -x c -o /dev/null - >/dev/null 2>&1 || { \
		echo "make: missing fuzzing dependencies: $(FUZZ_DEBS)" >&2; \
		$(MAKE) --no-print-directory deps || exit 1; \
	}

clean:
	rm -rf bin obj tests/tmp fuzz/obj fuzz/bin

.PHONY: all check demo install uninstall version clean deps deps-check check-deps-check \
	fuzz fuzz-corpus fuzz-run $(FUZZ_RUNS) fuzz-deps-check
