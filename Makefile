# izin - QR-sealed immigration stay permits.  See README.md.

# Settings: override on the command line (make PREFIX=/usr CC=clang ...).
PREFIX    ?= /usr/local
MANPREFIX ?= $(PREFIX)/share/man
LOCALEDIR ?= $(PREFIX)/share/locale
DESTDIR   ?=
CC        ?= cc
CFLAGS    ?= -O2 -g
WARN       = -Wall -Wextra
CPPFLAGS  ?=
LDFLAGS   ?=
AR        ?= ar
# SANITIZE=1 builds everything under AddressSanitizer + UBSan.
SANITIZE  ?=

# pkg-config module and the Debian package that provides it.
PKGS = libqrencode:libqrencode-dev zbar:libzbar-dev libpng:libpng-dev \
       libjpeg:libjpeg62-turbo-dev sqlite3:libsqlite3-dev \
       libsodium:libsodium-dev jansson:libjansson-dev libexif:libexif-dev \
       libpq:libpq-dev check:check
# Debian packages the build, the tests and the demo need.
DEB_PKGS = gcc make pkg-config $(foreach p,$(PKGS),$(word 2,$(subst :, ,$(p)))) \
           zbar-tools qrencode sqlite3 mandoc imagemagick clang \
           libclang-rt-14-dev clang-tools cppcheck valgrind \
           postgresql postgresql-common postgresql-client gettext locales
# The maps' outside checkers: GDAL's ogrinfo reads the GeoJSON and KML,
# xmllint the SVG (tests/cli_map.sh).
DEB_PKGS += gdal-bin libxml2-utils
# Debian packages only make bench needs: the connection pooler the centre
# section measures against a direct connection, and ZXingReader (1.4), the
# second outside decoder the scan and geom sections compare against.
BENCH_PKGS = pgbouncer zxing-cpp-tools

ifeq ($(SANITIZE),1)
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
           -fno-omit-frame-pointer
endif

# Goals that must work before the dependencies are installed.
BARE_GOALS = deps bench-deps check memcheck demo bench fuzz clean pot po-update
ifneq ($(filter-out $(BARE_GOALS),$(or $(MAKECMDGOALS),all)),)
MISSING := $(foreach p,$(PKGS),$(if $(shell pkg-config --exists \
	$(word 1,$(subst :, ,$(p))) && echo y),,$(word 2,$(subst :, ,$(p)))))
ifneq ($(strip $(MISSING)),)
$(error missing Debian packages: $(MISSING); run 'make deps' as root or 'apt-get install $(MISSING)')
endif
endif

# libpq gives only its header: lib/log_pg.c loads libpq.so.5 at run time,
# so that no tool carries its libraries until a PostgreSQL log is opened.
PC_LIB  = libqrencode zbar libpng libjpeg sqlite3 libsodium jansson libexif
PC_INC  = $(PC_LIB) libpq
ALL_CFLAGS  = $(CPPFLAGS) -Ilib -DLOCALEDIR='"$(LOCALEDIR)"' $(CFLAGS) $(WARN) \
              $(SANFLAGS) $(shell pkg-config --cflags $(PC_INC) 2>/dev/null)
# --as-needed: a tool records only the shared libraries it really calls.
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS) -Wl,--as-needed
LIBS        = $(shell pkg-config --libs $(PC_LIB) 2>/dev/null) -lpthread -lm
CHECK_LIBS  = $(shell pkg-config --libs check 2>/dev/null)
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)

# Two layers in lib/: libizin.a, the library proper (izin.h: never prints,
# exits, reads the clock or touches the terminal), and libizintool.a, the
# tools' own support over it (tool.h, lib/tool_*.c: diagnostics, options,
# passphrases, file helpers, the worker pool).  Tools link both; library
# tests link only libizin.a.
LIB_SRC  = $(filter-out lib/tool_%.c,$(sort $(wildcard lib/*.c)))
LIB_OBJ  = $(LIB_SRC:.c=.o)
TOOL_SRC = $(sort $(wildcard lib/tool_*.c))
TOOL_OBJ = $(TOOL_SRC:.c=.o)
LIBS_TOOL = lib/libizintool.a lib/libizin.a
CMD_SRC  = $(sort $(wildcard cmd/*.c))
CMD_OBJ  = $(CMD_SRC:.c=.o)
BIN      = $(CMD_SRC:.c=)
TEST_SRC = $(sort $(wildcard tests/check_*.c))
TEST_BIN = $(TEST_SRC:.c=)
# Tests of the tool layer, linked with libizintool.a as well.
TOOL_TESTS = tests/check_key tests/check_pool tests/check_trustlist \
             tests/check_adversarial tests/check_progress
MAN      = $(sort $(wildcard man/*.[1-8]))
# Message catalogues: lib/po/LANG.po, compiled into lib/po/locale (the
# tests' IZIN_LOCALEDIR) and installed under LOCALEDIR.
PO_LANGS = id
MO       = $(PO_LANGS:%=lib/po/locale/%/LC_MESSAGES/izin.mo)
# The message functions translate their own format strings, so xgettext
# finds those by keyword.
XGETTEXT_FLAGS = --keyword=_ --keyword=N_ --keyword=izin_warnx \
	--keyword=izin_warn --keyword=izin_errx:2 --keyword=izin_usage \
	--keyword=izin_help:1 --keyword=izin_help:2 --from-code=UTF-8 \
	--add-comments=TRANSLATORS: --package-name=izin --no-wrap \
	--add-location=file

all: $(BIN) $(MO)

# Rebuild everything when the flags change (a SANITIZE=1 run after a
# plain one, say), so objects of two kinds never meet in one link.
.flags: FORCE
	@echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' > $@

# Header dependencies come from the compiler: each object or binary built
# from C writes TARGET.d listing every header it includes, read back below,
# so a changed header rebuilds all that include it.
DEPFLAGS = -MMD -MP -MF $@.d
DEP_FILES = $(wildcard lib/*.d cmd/*.d tests/*.d tests/bench/*.d \
                       tests/fuzz/*.d tests/fuzz/obj/*.d)
-include $(DEP_FILES)

lib/%.o: lib/%.c .flags
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c -o $@ $<

cmd/%.o: cmd/%.c .flags
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c -o $@ $<

lib/libizin.a: $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJ)

lib/libizintool.a: $(TOOL_OBJ)
	rm -f $@
	$(AR) rcs $@ $(TOOL_OBJ)

cmd/%: cmd/%.o $(LIBS_TOOL)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBS_TOOL) $(LIBS)

TEST_LIBS = lib/libizin.a
$(TOOL_TESTS): TEST_LIBS = $(LIBS_TOOL)
$(TOOL_TESTS): lib/libizintool.a

tests/check_%: tests/check_%.c lib/libizin.a .flags
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) $(DEPFLAGS) -o $@ $< $(TEST_LIBS) \
		$(ALL_LDFLAGS) $(CHECK_LIBS) $(LIBS)

# The library never calls the tool layer: no symbol libizintool.a defines
# may be undefined (called) in libizin.a.
check-layers: lib/libizin.a lib/libizintool.a
	@tool=$$(nm -g --defined-only lib/libizintool.a | \
		awk 'NF == 3 { print $$3 }'); \
	bad=$$(nm -u lib/libizin.a | awk '{ print $$NF }' | sort -u | \
		grep -Fx -e "$$tool"); \
	if [ -n "$$bad" ]; then \
		echo "libizin.a calls the tool layer:" $$bad; exit 1; fi

lib/po/locale/%/LC_MESSAGES/izin.mo: lib/po/%.po
	@mkdir -p $(@D)
	msgfmt -c --check-format -o $@ $<

# lib/po/izin.pot from the sources; po-update merges it into each .po.
pot:
	@mkdir -p lib/po
	xgettext $(XGETTEXT_FLAGS) -o lib/po/izin.pot $(sort $(CMD_SRC) $(wildcard lib/*.c))

po-update: pot
	for l in $(PO_LANGS); do \
		msgmerge -q --update --backup=none --no-wrap --add-location=file \
			lib/po/$$l.po lib/po/izin.pot || exit 1; done

# Every message the sources hold must have a finished translation: the
# catalogue made from the sources now, merged into each .po, may leave
# nothing untranslated or fuzzy.
check-po:
	@mkdir -p tests/tmp/po && \
	xgettext $(XGETTEXT_FLAGS) -o tests/tmp/po/izin.pot \
		$(sort $(CMD_SRC) $(wildcard lib/*.c)) && \
	for l in $(PO_LANGS); do \
		msgmerge -q --no-wrap -o tests/tmp/po/$$l.po lib/po/$$l.po \
			tests/tmp/po/izin.pot || exit 1; \
		bad=$$( (msgattrib --untranslated --no-obsolete \
			tests/tmp/po/$$l.po; msgattrib --only-fuzzy \
			--no-obsolete tests/tmp/po/$$l.po) | awk \
			'/^msgid / { id = substr($$0, 8, length($$0) - 8); \
			             on = 1; next } \
			 on && /^"/ { id = id substr($$0, 2, length($$0) - 2); \
			              next } \
			 on { on = 0; if (id != "") print "  \"" id "\"" }'); \
		if [ -n "$$bad" ]; then \
			echo "lib/po/$$l.po: untranslated or fuzzy messages" \
				"(make po-update, then translate them):"; \
			printf '%s\n' "$$bad"; exit 1; fi; \
	done

# Install the missing Debian packages among $(1) (as root), or say how to.
define install_pkgs
	@missing=; \
	for p in $(1); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
			grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "izin: installing$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
				apt-get install -y -qq --no-install-recommends $$missing; \
		else \
			echo "izin: missing Debian packages; as root run:"; \
			echo "  apt-get install -y$$missing"; exit 1; \
		fi; \
	fi
endef

deps:
	$(call install_pkgs,$(DEB_PKGS))
	@locale -a 2>/dev/null | grep -qix 'id_ID.utf-\{0,1\}8' || \
	if [ "$$(id -u)" = 0 ]; then \
		echo "izin: generating the id_ID.UTF-8 locale"; \
		localedef -i id_ID -f UTF-8 id_ID.UTF-8; \
	else \
		echo "izin: no id_ID.UTF-8 locale; as root run:"; \
		echo "  localedef -i id_ID -f UTF-8 id_ID.UTF-8"; \
	fi

bench-deps:
	$(call install_pkgs,$(DEB_PKGS) $(BENCH_PKGS))

check: deps
	@$(MAKE) --no-print-directory test

demo: deps
	@$(MAKE) --no-print-directory demo-run

test: $(BIN) $(MO) $(TEST_BIN) check-layers check-po
	@sh tests/run.sh $(TEST_BIN)

# The command-line tests with every tool run under valgrind's memcheck
# (tests/memcheck.sh), always on plain binaries: valgrind and the
# sanitizers do not mix.
memcheck: deps
	@$(MAKE) --no-print-directory memcheck-run SANITIZE=

memcheck-run: $(BIN) $(MO)
	@sh tests/memcheck.sh

demo-run: $(BIN) $(MO)
	@sh examples/demo.sh

BENCH_SRC = $(sort $(wildcard tests/bench/*.c))
BENCH_BIN = $(BENCH_SRC:.c=)

tests/bench/%: tests/bench/%.c lib/libizin.a .flags
	$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -o $@ $< lib/libizin.a $(ALL_LDFLAGS) $(LIBS)

bench: bench-deps
	@$(MAKE) --no-print-directory bench-run

bench-run: $(BIN) $(BENCH_BIN)
	@sh tests/bench/bench.sh $(BENCH)

# libFuzzer targets (clang): the library rebuilt with coverage and
# sanitizers into tests/fuzz/obj/, one binary per tests/fuzz/fuzz_*.c.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_CFLAGS   = -g -O1 -fno-omit-frame-pointer -Ilib \
                -fsanitize=address,undefined -fno-sanitize-recover=all \
                $(shell pkg-config --cflags $(PC_INC) 2>/dev/null)
FUZZ_SRC = $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN = $(FUZZ_SRC:.c=)
FUZZ_OBJ = $(patsubst lib/%.c,tests/fuzz/obj/%.o,$(LIB_SRC))

tests/fuzz/obj/%.o: lib/%.c
	@mkdir -p tests/fuzz/obj
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(DEPFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

tests/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(DEPFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(LIBS)

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-run

fuzz-run: $(FUZZ_BIN)
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

lint-man:
	mandoc -Tlint -Wwarning $(MAN)

# Static analysis: cppcheck, then clang's analyser over a clean build in a
# scratch copy of the tree (so this tree's objects are left alone).
analyze:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--std=c11 -Ilib --suppress=missingIncludeSystem --inline-suppr lib cmd
	rm -rf tests/tmp/analyze && mkdir -p tests/tmp/analyze && \
		cp -r Makefile lib cmd tests/tmp/analyze/ && \
		$(MAKE) -C tests/tmp/analyze clean >/dev/null && \
		scan-build --status-bugs -o tests/tmp/analyze/report \
			$(MAKE) -C tests/tmp/analyze all

install: $(BIN) $(MO)
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1 \
		$(DESTDIR)$(MANPREFIX)/man5 $(DESTDIR)$(MANPREFIX)/man7
	cp -f $(BIN) $(DESTDIR)$(PREFIX)/bin/
	for m in $(MAN); do \
		s=$${m##*.}; cp -f $$m $(DESTDIR)$(MANPREFIX)/man$$s/; done
	for l in $(PO_LANGS); do \
		mkdir -p $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
		cp -f lib/po/locale/$$l/LC_MESSAGES/izin.mo \
			$(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/; done

uninstall:
	for b in $(BIN); do rm -f $(DESTDIR)$(PREFIX)/bin/$${b#cmd/}; done
	for m in $(MAN); do \
		s=$${m##*.}; rm -f $(DESTDIR)$(MANPREFIX)/man$$s/$${m#man/}; done
	for l in $(PO_LANGS); do \
		rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/izin.mo; done

clean:
	rm -f lib/*.o lib/*.a cmd/*.o $(BIN) $(TEST_BIN) $(BENCH_BIN) .flags
	rm -f lib/*.d cmd/*.d tests/*.d tests/bench/*.d tests/fuzz/*.d
	rm -rf tests/tmp tests/fuzz/obj $(FUZZ_BIN)
	rm -rf lib/po/locale lib/po/izin.pot

FORCE:
.SECONDARY:
.PHONY: all deps bench-deps check check-layers check-po pot po-update memcheck memcheck-run demo bench bench-run fuzz fuzz-run analyze test demo-run lint-man install uninstall clean FORCE
