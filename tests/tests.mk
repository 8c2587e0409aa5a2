# SPDX-License-Identifier: BSD-2-Clause
# goipwatchd's shell tests: golden outputs on real captures, the CLI, live
# capture on loopback, the evaluation gate, real SIP peers, the uplink and the
# daemon around it. (central/, board/ and scripts/lab/ list their own.)
TEST_SCRIPTS += tests/integration/first_run.sh tests/pcap/golden.sh tests/pcap/detect_golden.sh \
	    tests/pcap/voip_golden.sh tests/integration/offline_cli.sh \
	    tests/integration/merge_order.sh \
	    tests/integration/live_lo.sh tests/integration/live_overload.sh \
	    tests/eval/eval_check.sh \
	    tests/integration/sipp_kamailio.sh \
	    tests/integration/uplink_tls.sh tests/integration/uplink_outage.sh \
	    tests/integration/uplink_cap.sh tests/integration/uplink_config.sh \
	    tests/integration/uplink_hostile.sh tests/integration/uplink_health.sh \
	    tests/integration/daemon_report.sh tests/integration/daemon_crash.sh \
	    tests/integration/strings_utf8.sh \
	    tests/integration/daemon_config.sh tests/integration/uplink_resume.sh
TEST_SCRIPTS += tests/integration/docs_keys.sh tests/integration/geo_where.sh
TEST_SCRIPTS += tests/integration/evidence.sh tests/integration/sip_tls.sh
TEST_SCRIPTS += tests/integration/firmware_bundle.sh tests/integration/firmware_push.sh \
	tests/integration/firmware_rollout.sh
TEST_SCRIPTS += tests/integration/nomalloc.sh
