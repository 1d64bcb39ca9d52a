# mailguard-tui - one non-recursive Makefile.  Every object but cli/main.o
# goes into one static library linked by the program and by the tests.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
DESTDIR	?=
BUILD	?= build
CC	?= cc
PKG_CONFIG ?= pkg-config

PKGS	 = ncursesw libcurl sqlite3 libcrypto
WARN	 = -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wwrite-strings -Wpointer-arith -Werror
CFLAGS	?= -O2 -g
SANFLAGS =
ifeq ($(SAN),1)
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=all
endif
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread $(WARN) $(CFLAGS) $(SANFLAGS) \
	     $(PKG_CFLAGS) -MMD -MP
LDLIBS	 = $(PKG_LIBS) -lresolv -lm -pthread

VERSION	:= 0.1.0

# The test suites run the tool on loopback only: no DNS server is asked
# unless a test names one with --resolver (the certificate's MX check).
export MAILGUARD_NO_DNS := 1

LIB_SRCS := $(wildcard core/*.c) $(wildcard backends/*.c) \
	    $(wildcard backends/postfix/*.c) $(wildcard backends/exim/*.c) \
	    $(wildcard checks/*.c checks/postfix/*.c checks/exim/*.c) \
	    $(wildcard engine/*.c) $(wildcard console/*.c) \
	    $(filter-out cli/main.c,$(wildcard cli/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LIB	 := $(BUILD)/libmailguard.a
PROG	 = mailguard-tui

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
LAB_SRCS  := $(wildcard tests/lab/test_*.c)
LAB_BINS  := $(LAB_SRCS:tests/lab/%.c=$(BUILD)/tests/%)
MGSMTP	  := $(BUILD)/lab/mgsmtp
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)

SRCS_ALL := $(LIB_SRCS) cli/main.c $(UNIT_SRCS) $(LAB_SRCS) tests/lab/lab_util.c \
	    $(FUZZ_SRCS) tests/lab/mgsmtp.c tests/bench/readloop.c
HDRS_ALL := $(wildcard core/*.h backends/*.h backends/*/*.h checks/*.h \
	    checks/*/*.h engine/*.h cli/*.h console/*.h tests/unit/*.h \
	    tests/lab/*.h)

.SECONDARY:

.PHONY: all check unit lab asan asan-unit deps demo bench install uninstall \
	man-test findings-test package-test ansible-test threads clean fuzz valgrind e2e \
	format format-check lab-tools corpus corpus-update golden golden-update layers layers-selftest

all: $(PROG)

ifneq ($(BUILD),build)
$(PROG): $(BUILD)/$(PROG)
	@:
endif

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -DMG_VERSION='"$(VERSION)"' -c -o $@ $<

# The CVE table (data/cves.tsv) compiled in as a string by
# scripts/gen_cves.sh: edit the TSV and rebuild.
$(BUILD)/gen/mg_cve_data.h: data/cves.tsv scripts/gen_cves.sh
	@mkdir -p $(dir $@)
	sh scripts/gen_cves.sh data/cves.tsv > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/core/mg_cve.o: $(BUILD)/gen/mg_cve_data.h
$(BUILD)/obj/core/mg_cve.o: ALL_CFLAGS += -I$(BUILD)/gen

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $(LIB_OBJS)

ifeq ($(BUILD),build)
$(PROG): $(BUILD)/obj/cli/main.o $(LIB)
	$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
else
$(BUILD)/$(PROG): $(BUILD)/obj/cli/main.o $(LIB)
	$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)
endif

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LDLIBS)

$(BUILD)/tests/test_lab_%: $(BUILD)/obj/tests/lab/test_lab_%.o \
    $(BUILD)/obj/tests/lab/lab_util.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LDLIBS)

$(MGSMTP): tests/lab/mgsmtp.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -o $@ $<

lab-tools: $(MGSMTP)
	sh tests/lab/exim/lab.sh fetch >/dev/null

# The test command of the README: sets up what is missing, then runs the
# unit tests, the same tests under ASan+UBSan, the lab tests against real
# Postfix and Exim, the corpus of real configurations, the Debian package
# (built, installed here, purged), and the style check.
check: deps
	$(MAKE) all unit
	$(MAKE) asan
	$(MAKE) fuzz FUZZ_SECONDS=15
	$(MAKE) lab
	$(MAKE) corpus
	$(MAKE) golden
	$(MAKE) e2e
	$(MAKE) threads
	$(MAKE) package-test
	$(MAKE) ansible-test
	$(MAKE) format-check
	$(MAKE) layers-selftest layers
	$(MAKE) findings-test
	@echo "make check: unit, asan, fuzz, lab, corpus, golden, e2e, threads, package-test, ansible-test, format-check, layers and findings-test all passed"
	@echo "check: 13 passed, 0 failed"

unit: $(UNIT_BINS)
	@sh tests/run-tests.sh unit $(UNIT_BINS)

# The lab's own self-tests first (real Postfix and Exim judge the
# scenarios), then the binary against them.
lab: $(PROG) $(LAB_BINS) lab-tools
	@sh tests/run-tests.sh lab tests/lab/postfix/selftest.sh \
	    tests/lab/exim/selftest.sh $(LAB_BINS) tests/lab/no-leftovers.sh

# The corpus of real configurations (tests/corpus): each case's report
# against its golden file, timed, and its fixes judged by the real MTA.
# corpus-update rewrites the golden files from today's output.
corpus: $(PROG) lab-tools
	@sh tests/corpus/run.sh $(CASES)

corpus-update: $(PROG) lab-tools
	@sh tests/corpus/run.sh --update $(CASES)

# Golden files of the output itself (tests/golden/CASE: report --json, the
# text report, the fix diff, the probe by exim -bh) on a few corpus cases
# and lab scenarios, paths and ports normalised.  golden-update rewrites
# them from today's output: review the git diff.
golden: $(PROG) lab-tools
	@sh tests/golden/run.sh $(CASES)

golden-update: $(PROG) lab-tools
	@sh tests/golden/run.sh --update $(CASES)

# The architecture rules (scripts/layers.sh): layers point one way, no
# import circle, only the per-MTA folders know an MTA.  layers-selftest
# proves each rule can fail on planted trees.
layers:
	@sh scripts/layers.sh

layers-selftest:
	@sh tests/layers/selftest.sh

asan:
	$(MAKE) BUILD=build/asan SAN=1 CC=clang asan-unit

asan-unit: $(UNIT_BINS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 sh tests/run-tests.sh asan $(UNIT_BINS)

# One libFuzzer harness per parser of untrusted input.  "make fuzz" runs
# each for FUZZ_SECONDS, seeded from the captured data of its unit tests
# (tests/unit/data/...) and from tests/fuzz/seeds/NAME (inputs found by
# fuzzing, and hand-made edge cases); make check runs a short smoke of each.  They link
# the parsers, not the console, the journal (sqlite) or the fix engine.
FUZZ_SECONDS ?= 60
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/%)

build/fuzz/%: tests/fuzz/%.c $(LIB_SRCS) build/gen/mg_cve_data.h
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE $(WARN) -Ibuild/gen -g -O1 \
	    -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) -o $@ $< \
	    $(filter-out cli/% console/% engine/%,$(LIB_SRCS)) \
	    $(shell $(PKG_CONFIG) --libs libcurl libcrypto 2>/dev/null) -lresolv -lm

fuzz: $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do \
	    n=$$(basename $$f); seeds=""; \
	    mkdir -p build/fuzz/corpus-$$n; \
	    [ -d tests/fuzz/seeds/$$n ] && seeds=tests/fuzz/seeds/$$n; \
	    case $$n in \
	    fuzz_smtp) data=tests/unit/data/smtp ;; \
	    fuzz_maillog) data=tests/unit/data/maillog ;; \
	    fuzz_pf_queue) data=tests/unit/data/pf_queue ;; \
	    fuzz_exim_queue) data=tests/unit/data/exim_queue ;; \
	    fuzz_exim_conf) data=tests/unit/data/exim_conf ;; \
	    fuzz_postconf) data=tests/unit/data/pf_postconf ;; \
	    *) data= ;; \
	    esac; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	        build/fuzz/corpus-$$n $$seeds $$data || exit 1; \
	done; echo "fuzz: ok"

# The unit tests under valgrind (memcheck, leaks are errors).
valgrind: $(UNIT_BINS)
	@RUNNER="valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect" \
	 sh tests/run-tests.sh valgrind $(UNIT_BINS)

# The console's background queue reader under helgrind: no data race,
# no lock-order problem, the thread joined on quit; console jobs forked
# while it scans (held still around each fork) all end.
threads: $(BUILD)/tests/test_console_scan $(BUILD)/tests/test_console_job
	@RUNNER="valgrind -q --tool=helgrind --error-exitcode=99" \
	 sh tests/run-tests.sh threads $(BUILD)/tests/test_console_scan \
	    $(BUILD)/tests/test_console_job

# The console in a private tmux server against lab Postfix configurations.
e2e: $(PROG) lab-tools
	@sh tests/run-tests.sh e2e tests/e2e/test_console.sh

# The Ansible playbook and fact script (contrib/ansible) against three lab
# instances as inventory hosts (connection local) and one unreadable host.
ansible-test: $(PROG) lab-tools
	@sh tests/run-tests.sh ansible-test tests/ansible/run.sh

deps:
	@sh scripts/deps.sh

demo: deps
	$(MAKE) all lab-tools
	sh tests/lab/demo.sh

# The queue scans against postqueue -j + postcat -q per message (Postfix)
# and exim -bp / exipick (Exim), and the purges against postqueue -j | jq |
# postsuper -d - and exipick | xargs exim -Mrm, on 100,000 lab messages,
# filled once and cached in build/bench, and report --json's time on the
# corpus and the lab's unreadable tables and resolvers (BENCH=postfix|
# exim|purge|pfpurge|expurge|console|report; BENCH_N, BENCH_RUNS,
# BENCH_LOOP_SAMPLE: see the script).  Not part of make check: the
# Postfix loop alone takes minutes.
bench: all
	@sh tests/bench/bench.sh $(BENCH)

# The program, its man page and the systemd units (service and timer of
# the Prometheus textfile, installed but never enabled here: "systemctl
# enable --now mailguard-tui-report.timer" is the admin's choice).
# DESTDIR for packaging; SYSTEMDUNITDIR=/lib/systemd/system on Debian 12
# when PREFIX=/usr.  The service's ExecStart names $(BINDIR).
install: $(PROG)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(SYSTEMDUNITDIR)
	install -m 0755 $(PROG) $(DESTDIR)$(BINDIR)/$(PROG)
	install -m 0644 docs/$(PROG).8 $(DESTDIR)$(MANDIR)/man8/$(PROG).8
	sed 's|@BINDIR@|$(BINDIR)|g' \
	    contrib/systemd/mailguard-tui-report.service \
	    >$(DESTDIR)$(SYSTEMDUNITDIR)/mailguard-tui-report.service.tmp
	chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/mailguard-tui-report.service.tmp
	mv -f $(DESTDIR)$(SYSTEMDUNITDIR)/mailguard-tui-report.service.tmp \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/mailguard-tui-report.service
	install -m 0644 contrib/systemd/mailguard-tui-report.timer \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/mailguard-tui-report.timer

# What install put there (the state directory, journal and quarantine
# stay: they hold backups and quarantined mail).
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/$(PROG) $(DESTDIR)$(MANDIR)/man8/$(PROG).8 \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/mailguard-tui-report.service \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/mailguard-tui-report.timer

# The man page and --help agree, groff finds nothing to warn about, the
# units install under DESTDIR and pass systemd-analyze verify
# (tests/package/man.sh; no root, no lab).
man-test: $(PROG)
	@sh tests/package/man.sh ./$(PROG) docs/$(PROG).8

# Every finding id the checks can emit (read from checks/) has a console
# panel of its area, a row in README.md's finding table and its place in
# the man page's FINDINGS (tests/package/findings.py; no build, no root).
findings-test:
	@python3 tests/package/findings.py

# The Debian package built from a copy of the tree, lintian, installed on
# this machine, checked, purged (tests/package/run.sh; root).
package-test:
	@sh tests/package/run.sh

format:
	clang-format -i $(FILES)

# clang-format 14 cannot express KNF continuation lines: .clang-format is
# an editor aid ("make format" on a file you start), and format-check
# enforces the mechanical rules of STYLE.md (scripts/style-check.sh).
format-check:
	@sh scripts/style-check.sh $(SRCS_ALL) $(HDRS_ALL)

clean:
	rm -rf build $(PROG)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
