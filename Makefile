# Pushcast — the commands a new user types: `make run` and `make test`.
SWIFT ?= swift
DEB_PACKAGES := libxml2-dev libsqlite3-dev pkg-config tmux
BROWSER_PACKAGES := chromium chromium-driver firefox-esr fonts-dejavu-core
VENV := .venv
CHANNELS ?= channels

.PHONY: all deps browser-deps build release run test test-browser latency clean

all: build

# Installs the Debian packages in $(1) that are missing (as root, or with sudo).
define apt_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q $$missing; \
	fi
endef

# What the build needs.
deps:
	$(call apt_install,$(DEB_PACKAGES))

# What the browser tests need: the browsers, and a venv with their drivers' Python packages.
browser-deps:
	$(call apt_install,$(BROWSER_PACKAGES))
	@test -x $(VENV)/bin/python || python3 -m venv $(VENV) || { \
	  $(MAKE) --no-print-directory deps DEB_PACKAGES=python3-venv && rm -rf $(VENV) && python3 -m venv $(VENV); }
	@$(VENV)/bin/python -c "import selenium, marionette_driver" 2>/dev/null || \
	  $(VENV)/bin/pip install -q --disable-pip-version-check -r Tests/Browser/requirements.txt

build: deps
	$(SWIFT) build --build-tests

release: deps
	$(SWIFT) build -c release --product pushcast

# Serves the sample channels at http://127.0.0.1:8080 until Ctrl-C.
run: release
	.build/release/pushcast serve --channels $(CHANNELS)

# The Swift suites, then the browser suite.
test: build
	$(SWIFT) test --skip-build
	$(MAKE) --no-print-directory test-browser

# Real headless Firefox and Chromium against the real server (Tests/Browser); screenshots
# in .build/browser-tests/.
test-browser: build browser-deps
	$(VENV)/bin/python Tests/Browser/test_browsers.py

# File rename -> logged entry on the release server (see Benchmarks/rename_latency.py).
latency: release
	python3 Benchmarks/rename_latency.py

clean:
	rm -rf .build
