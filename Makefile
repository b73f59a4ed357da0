# Pushcast — the commands a new user types: `make run` and `make test`.
SWIFT ?= swift
DEB_PACKAGES := libxml2-dev libsqlite3-dev pkg-config
CHANNELS ?= channels

.PHONY: all deps build release run test clean

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

# The server is not built yet (the engine issue): until then `make run` checks the sample channels.
run: release
	@echo "Checking the sample channels in $(CHANNELS)/ ..."
	@.build/release/pushcast validate $(CHANNELS)/*.cdf
	@echo "The push server (pushcast serve) is not built yet; the manifests above are what it will serve."

test: build
	$(SWIFT) test --skip-build

clean:
	rm -rf .build
