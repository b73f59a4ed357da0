# Pushcast — the commands a new user types: `make run` and `make test`.
SWIFT ?= swift
DEB_PACKAGES := libxml2-dev libsqlite3-dev sqlite3 pkg-config tmux
BROWSER_PACKAGES := chromium chromium-driver firefox-esr fonts-dejavu-core
BENCH_PACKAGES := nginx libnginx-mod-nchan gcc
PROXY_PACKAGES := nginx openssl curl
PG_PACKAGES := postgresql
SANDBOX_PACKAGES := libseccomp2 systemd
VENV := .venv
CHANNELS ?= channels

.PHONY: all deps python-deps build release run cluster test test-browser test-feeds test-proxy test-sandbox latency compare bench fuzz clean

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

# What the Python suites need: the browsers, and a venv with the packages of Tests/Python.
python-deps:
	$(call apt_install,$(BROWSER_PACKAGES))
	@test -x $(VENV)/bin/python || python3 -m venv $(VENV) || { \
	  $(MAKE) --no-print-directory deps DEB_PACKAGES=python3-venv && rm -rf $(VENV) && python3 -m venv $(VENV); }
	@$(VENV)/bin/pip install -q --disable-pip-version-check -r Tests/Python/requirements.txt

build: deps
	$(SWIFT) build --build-tests

release: deps
	$(SWIFT) build -c release --product pushcast

# Serves the sample channels at http://127.0.0.1:8080 until Ctrl-C.
run: release
	.build/release/pushcast serve --channels $(CHANNELS)

# Three nodes on the sample channels sharing a throwaway PostgreSQL, until Ctrl-C: A watches
# and logs at http://127.0.0.1:8081, B and C serve only on 8082 and 8083 (docs/CLUSTER.md).
cluster: release
	$(call apt_install,$(PG_PACKAGES))
	Tests/support/with-postgres.sh scripts/cluster.sh

# The Swift suites, then the Python ones (feeds, browsers, nginx in front). Most Swift tests
# run real servers and readers as processes: at most TEST_WIDTH run at once (Swift Testing's
# width), so that a 2-core machine is not loaded past the tests' 10 s waits. The Swift suites
# run beside a throwaway PostgreSQL (Tests/support/with-postgres.sh): the store's contract
# is checked on it as on SQLite.
TEST_WIDTH ?= 2
test: build
	$(call apt_install,$(PG_PACKAGES))
	SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(TEST_WIDTH) Tests/support/with-postgres.sh $(SWIFT) test --skip-build
	$(MAKE) --no-print-directory test-feeds test-browser test-proxy test-sandbox

# Every RSS feed and the OPML list read by feedparser, against the real server.
test-feeds: build python-deps
	$(VENV)/bin/python Tests/Python/test_feeds.py

# Real headless Firefox and Chromium against the real server; screenshots in
# .build/browser-tests/.
test-browser: build python-deps
	$(VENV)/bin/python Tests/Python/test_browsers.py

# The shipped contrib/nginx/pushcast.conf in a real nginx over TLS, in front of the real
# server: every stream's parts pass through at once (see docs/DEPLOYING.md).
test-proxy: build python-deps
	$(call apt_install,$(PROXY_PACKAGES))
	$(VENV)/bin/python Tests/Python/test_proxy.py

# The shipped systemd unit's system-call filter (contrib/pushcast.service), loaded with
# libseccomp around the real server: it starts, streams, and its threads are batch threads.
test-sandbox: build
	$(call apt_install,$(SANDBOX_PACKAGES))
	python3 Tests/Python/test_sandbox.py

# File rename -> logged entry on the release server (see Benchmarks/rename_latency.py).
latency: release
	python3 Benchmarks/rename_latency.py

# Push versus pull on a fresh release server (see Benchmarks/compare_demo.sh, docs/PULL.md).
compare: release
	Benchmarks/compare_demo.sh

# Every benchmark (fan-out beside nginx + nchan, push versus pull, rename latency) on the
# release build; rewrites BENCHMARKS.md. Never part of `make test`.
bench: release
	$(call apt_install,$(BENCH_PACKAGES))
	$(SWIFT) build -c release --product nio-stream-probe
	Benchmarks/bench.sh

# The CDF parser under libFuzzer with AddressSanitizer, for FUZZ_SECONDS (default 5 minutes),
# seeded with channels/ and ../shared/corpus/cdf; its corpus and any crash (findings/)
# stay in .build-fuzz/. `.build-fuzz/debug/cdf-fuzz FILE…` replays inputs.
FUZZ_SECONDS ?= 300
FUZZ := .build-fuzz
fuzz: deps
	$(SWIFT) build -c debug --product cdf-fuzz --scratch-path $(FUZZ) -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
	@mkdir -p $(FUZZ)/corpus $(FUZZ)/seeds $(FUZZ)/findings
	@cp channels/*.cdf $(FUZZ)/seeds/ && { cp ../shared/corpus/cdf/*.cdf $(FUZZ)/seeds/ 2>/dev/null || true; }
	$(FUZZ)/debug/cdf-fuzz $(FUZZ)/corpus $(FUZZ)/seeds -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -len_control=0 -timeout=10 \
	  -dict=Sources/CDFFuzz/cdf.dict -artifact_prefix=$(FUZZ)/findings/ -print_final_stats=1

clean:
	rm -rf .build .build-fuzz
