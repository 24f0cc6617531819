# Entry points. Every target runs scripts/bootstrap first, so each works on a fresh Debian 12.
.PHONY: all bootstrap build test run bench fuzz clean

all: build

bootstrap:
	bash scripts/bootstrap

build: bootstrap
	bash scripts/build-release

test: bootstrap
	bash scripts/test

run: bootstrap
	bash scripts/build-release mqbridge
	bash scripts/walkthrough

bench: build
	bash scripts/bench

fuzz: bootstrap
	MQB_FUZZ_SECONDS=$${MQB_FUZZ_SECONDS:-600} bash scripts/test

clean:
	rm -rf build
