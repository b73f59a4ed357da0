# Pushcast — the commands a new user types: `make run` and `make test`.
SWIFT ?= swift
DEB_PACKAGES := libxml2-dev libsqlite3-dev pkg-config tmux
CHANNELS ?= channels

.PHONY: all deps build release run test latency clean

all: build

# Installs the Debian packages the build needs, when any is missing (root, or sudo).
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q $$missing; \
	fi

build: deps
	$(SWIFT) build --build-tests

release: deps
	$(SWIFT) build -c release --product pushcast

# Serves the sample channels at http://127.0.0.1:8080 until Ctrl-C.
run: release
	.build/release/pushcast serve --channels $(CHANNELS)

test: build
	$(SWIFT) test --skip-build

# File rename -> logged entry on the release server (see Benchmarks/rename_latency.py).
latency: release
	python3 Benchmarks/rename_latency.py

clean:
	rm -rf .build
