# SPDX-License-Identifier: BSD-2-Clause
# goipwatch-central: TLS listener, ingest, storage (SQLite, PostgreSQL), leads,
# rings, SIM list, statistics, fleet and configuration push. docs/central.md.

CENTRAL_SRCS := central/cfg.c central/storage.c central/schema.c \
	    central/storage-sqlite.c central/storage-pg.c central/record.c \
	    central/ingest.c central/ingest-lock.c central/lead-ingest.c central/lead-run.c \
	    central/confstore.c \
	    central/writer.c central/intake.c central/session.c central/server.c \
	    central/addrs.c central/tls-server.c central/tls-pki.c central/leads.c central/rings.c \
	    central/sims.c central/carrier.c central/figures.c central/fleet.c central/out.c \
	    central/leads-out.c central/lead-detail.c central/lead-feedback.c \
	    central/listen.c central/http.c central/api.c central/api-session.c \
	    central/api-admin.c central/api-leads.c central/api-sims.c central/api-lead.c \
	    central/apibody.c \
	    central/users.c central/authcache.c central/users-cli.c central/audit.c central/auditq.c central/throttle.c \
	    central/events.c central/api-events.c central/housekeep.c central/evstore.c central/evidence-cli.c \
	    central/evpkg.c central/api-evidence.c
CENTRAL_SRCS += central/line-calls.c central/filestore.c central/rollout.c
CENTRAL_SRCS += central/api-fleet.c central/api-users.c
CENTRAL_SRCS += central/alert.c central/alert-send.c central/alert-syslog.c
CENTRAL_SRCS += central/web.c
CENTRAL_MAIN := central/main.c
CENTRAL	:= $(BUILD)/goipwatch-central
CENTRAL_A := $(BUILD)/libcentral.a
CENTRAL_LOAD := $(BUILD)/central-load
# libmicrohttpd: the console's HTTPS API; GnuTLS (under MHD): its client-certificate
# login; libargon2: its password hashes; libcurl: the alerts' webhook and mail
# (alert-send.c).
CENTRAL_LIBS := -lsqlite3 -lpq $(MBEDTLS_LIBS) $(CJSON_LIBS) -lmicrohttpd -lgnutls -largon2 \
	    -lcurl -lpthread

BINS	+= $(CENTRAL) $(CENTRAL_LOAD)
BENCH_DEPS += $(CENTRAL) $(CENTRAL_LOAD)
FUZZERS	+= central record api evidence
# fuzz_record includes central/record.c, which parses with cJSON.
FUZZ_LIBS_record := $(CJSON_LIBS)
TEST_SCRIPTS += tests/integration/central_ingest.sh tests/integration/central_geodb.sh tests/integration/central_firmware.sh tests/integration/central_rollout.sh tests/integration/central_rollout_pg.sh tests/integration/central_geodb_pg.sh tests/integration/central_hostile.sh \
	    tests/integration/central_pg.sh tests/integration/central_cli.sh \
	    tests/integration/central_spool.sh tests/integration/central_spoolfull.sh \
	    tests/integration/central_strings.sh tests/integration/central_strings_pg.sh
TEST_SCRIPTS += tests/integration/central_flood.sh tests/integration/central_emfile.sh \
	    tests/integration/central_samekey.sh tests/integration/central_api.sh \
	    tests/integration/central_api_pg.sh tests/integration/central_leads_query.sh
TEST_SCRIPTS += tests/integration/central_sims.sh tests/integration/central_sims_pg.sh
TEST_SCRIPTS += tests/integration/central_events.sh tests/integration/central_events_pg.sh
# make run keeps central and its API up: RUN_SECONDS, no terminal, Ctrl-C.
TEST_SCRIPTS += tests/integration/run_keepup.sh
TEST_SCRIPTS += tests/integration/central_api_fleet.sh tests/integration/central_api_fleet_pg.sh
TEST_SCRIPTS += tests/integration/central_alerts.sh tests/integration/central_alerts_pg.sh
# Two centrals on one PostgreSQL, appliances failing over and back (docs/uplink.md).
TEST_SCRIPTS += tests/integration/central_failover.sh
# The same ingest stores the same on SQLite and on PostgreSQL (lead-ingest.c).
TEST_SCRIPTS += tests/integration/central_ingest_same.sh tests/integration/central_lock_order.sh
# TLS handshakes take their turn: handshakes_max (docs/central.md, Many connections).
TEST_SCRIPTS += tests/integration/central_handshakes.sh
# A synchronous standby promoted mid-stream: central reconnects, nothing lost.
TEST_SCRIPTS += tests/integration/central_pg_standby.sh
TEST_SCRIPTS += tests/integration/central_evidence.sh tests/integration/central_evidence_pg.sh
CENTRAL_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_central_*.c))
TEST_PROGS += $(CENTRAL_TESTS)

# The console's pages: this tree's central/web unless WEB_ROOT names an
# installed copy (the image: /usr/share/goipwatch/web).
WEB_ROOT ?= $(CURDIR)/central/web
$(BUILD)/obj/central/web.o: CFLAGS += -DGWC_WEB_ROOT='"$(WEB_ROOT)"'

# libpq's header lives outside the default include path.
$(BUILD)/obj/central/storage-pg.o: CFLAGS += $(PQ_CFLAGS)

# conf.c: the appliance's own parser checks a config before it is signed.
$(CENTRAL_A): $(call obj,$(CENTRAL_SRCS) firmware/proto/frame.c firmware/goipwatchd/conf/conf.c \
	    firmware/goipwatchd/evidence/sign.c)
	$(Q)rm -f $@ && ar rcs $@ $^

$(CENTRAL): $(call obj,$(CENTRAL_MAIN)) $(CENTRAL_A) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(CENTRAL_LIBS)

# Many simulated appliances for the load test (tests/bench/central_bench.sh).
$(CENTRAL_LOAD): $(call obj,tests/bench/central_load.c firmware/proto/frame.c)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(MBEDTLS_LIBS)

$(BUILD)/tests/test_central_%: tests/unit/test_central_%.c $(CENTRAL_A) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CFLAGS) -Icentral -o $@ $^ $(LDFLAGS) $(CENTRAL_LIBS) $(CMOCKA_LIBS)

central: $(CENTRAL) $(CENTRAL_LOAD) $(CENTRAL_TESTS)
.PHONY: central

# The console API's load driver (tests/bench/api_bench.sh): keep-alive HTTPS over libcurl.
API_LOAD := $(BUILD)/api-load
BENCH_DEPS += $(API_LOAD)
$(API_LOAD): $(call obj,tests/bench/api_load.c)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ -lcurl -lpthread
