# The two commands of README.md.
#   make demo   builds the library and the examples-c demo, and runs it
#   make test   runs every test (what .ci/run runs)
# And for packagers:
#   make install [PREFIX=/usr/local] [DESTDIR=] [LIBDIR=] [INCLUDEDIR=] [BINDIR=] [PROFILE=release]
#   make uninstall (same variables)

.PHONY: demo test build headers clean install uninstall

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
SYSTEMD_USER_DIR ?= $(LIBDIR)/systemd/user
SYSTEMD_SYSTEM_DIR ?= $(LIBDIR)/systemd/system
PROFILE ?= release
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
# The ABI version in the SONAME (build.rs): the major version, or 0.MINOR for 0.x.
ABI := $(shell echo $(VERSION) | awk -F. '{ print ($$1 == "0") ? "0." $$2 : $$1 }')
HEADERS := $(wildcard include/*.h)
# Cargo's output directory of PROFILE (the dev profile builds into target/debug).
OUT := target/$(if $(filter dev,$(PROFILE)),debug,$(PROFILE))

demo:
	cargo build --release -q
	bash scripts/link-names.sh target/release
	mkdir -p target/examples
	gcc -std=c11 -Wall -Wextra -Werror -O2 -pthread -Iinclude examples-c/demo.c -o target/examples/demo \
	    -Ltarget/release -ldeliveryopt -Wl,-rpath,$(CURDIR)/target/release
	./target/examples/demo

test:
	bash scripts/test-all.sh

build:
	cargo build
	bash scripts/link-names.sh target/debug

# The library as libdeliveryopt.so.VERSION with its SONAME link (.so.ABI) and the development
# link (.so); the headers in INCLUDEDIR/deliveryopt/ (Windows names: #include <bits.h> with
# pkg-config's -I); deliveryopt.pc; the service in BINDIR (the library finds it at ../bin) and the
# command-line tool (bitsadmin, and deliveryopt as a link to it); the
# systemd units with BINDIR filled in.
install:
	cargo build --profile $(PROFILE) -q -p deliveryopt
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/deliveryopt $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(SYSTEMD_USER_DIR) $(DESTDIR)$(SYSTEMD_SYSTEM_DIR)
	install -m 0755 $(OUT)/libdeliveryopt.so $(DESTDIR)$(LIBDIR)/libdeliveryopt.so.$(VERSION)
	ln -sfn libdeliveryopt.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libdeliveryopt.so.$(ABI)
	ln -sfn libdeliveryopt.so.$(ABI) $(DESTDIR)$(LIBDIR)/libdeliveryopt.so
	install -m 0644 $(OUT)/libdeliveryopt.a $(DESTDIR)$(LIBDIR)/libdeliveryopt.a
	install -m 0644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/deliveryopt/
	install -m 0755 $(OUT)/deliveryoptd $(DESTDIR)$(BINDIR)/deliveryoptd
	install -m 0755 $(OUT)/bitsadmin $(DESTDIR)$(BINDIR)/bitsadmin
	install -m 0755 $(OUT)/deliveryopt-upload-server $(DESTDIR)$(BINDIR)/deliveryopt-upload-server
	ln -sfn bitsadmin $(DESTDIR)$(BINDIR)/deliveryopt
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' deliveryopt.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/deliveryopt.pc
	for u in scripts/systemd/deliveryoptd.socket scripts/systemd/deliveryoptd.service; do \
	    sed 's|/usr/local/bin/deliveryoptd|$(BINDIR)/deliveryoptd|' $$u >$(DESTDIR)$(SYSTEMD_USER_DIR)/$$(basename $$u); done
	for u in scripts/systemd/system/deliveryoptd-system.socket scripts/systemd/system/deliveryoptd-system.service; do \
	    sed 's|/usr/local/bin/deliveryoptd|$(BINDIR)/deliveryoptd|' $$u >$(DESTDIR)$(SYSTEMD_SYSTEM_DIR)/$$(basename $$u); done
	@echo "installed deliveryopt $(VERSION) under $(DESTDIR)$(PREFIX)"

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libdeliveryopt.so $(DESTDIR)$(LIBDIR)/libdeliveryopt.so.$(ABI) \
	    $(DESTDIR)$(LIBDIR)/libdeliveryopt.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libdeliveryopt.a \
	    $(DESTDIR)$(LIBDIR)/pkgconfig/deliveryopt.pc $(DESTDIR)$(BINDIR)/deliveryoptd \
	    $(DESTDIR)$(BINDIR)/bitsadmin $(DESTDIR)$(BINDIR)/deliveryopt \
	    $(DESTDIR)$(BINDIR)/deliveryopt-upload-server \
	    $(DESTDIR)$(SYSTEMD_USER_DIR)/deliveryoptd.socket $(DESTDIR)$(SYSTEMD_USER_DIR)/deliveryoptd.service \
	    $(DESTDIR)$(SYSTEMD_SYSTEM_DIR)/deliveryoptd-system.socket \
	    $(DESTDIR)$(SYSTEMD_SYSTEM_DIR)/deliveryoptd-system.service
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/deliveryopt/,$(notdir $(HEADERS)))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/deliveryopt

headers:
	cargo run -q -p xtask -- headers

clean:
	cargo clean
	rm -rf c-tests/build
