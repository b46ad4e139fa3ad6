# The two commands of README.md.
#   make demo   builds the library and the examples-c demo, and runs it
#   make test   runs every test (what .ci/run runs)

.PHONY: demo test build headers clean

demo:
	cargo build --release -q
	mkdir -p target/examples
	gcc -std=c11 -Wall -Wextra -Werror -O2 -pthread -Iinclude examples-c/demo.c -o target/examples/demo \
	    -Ltarget/release -ldeliveryopt -Wl,-rpath,$(CURDIR)/target/release
	./target/examples/demo

test:
	bash scripts/test-all.sh

build:
	cargo build

headers:
	cargo run -q -p xtask -- headers

clean:
	cargo clean
	rm -rf c-tests/build
