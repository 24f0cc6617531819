# Conveniences over scripts/ (which need only bash: a fresh Debian has no make until
# scripts/bootstrap installed build-essential). Each script bootstraps what it needs.
.PHONY: all bootstrap build test run bench fuzz clean

all: build

bootstrap:
	bash scripts/bootstrap

build:
	bash scripts/build-release

test:
	bash scripts/test

run:
	bash scripts/run

bench: build
	bash scripts/bench

fuzz:
	MQB_FUZZ_SECONDS=$${MQB_FUZZ_SECONDS:-600} bash scripts/test

clean:
	rm -rf build
