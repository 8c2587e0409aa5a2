# SPDX-License-Identifier: BSD-2-Clause
# VoIP building blocks: SIP (only sip*.c include libosip2), TCP stream
# reassembly, RTP/RTCP statistics and opaque-voice pacing. Included by the
# top-level Makefile before it computes its test lists.

GWD_CORE_SRCS += firmware/goipwatchd/sip.c firmware/goipwatchd/sip-frame.c \
	    firmware/goipwatchd/sip-sdp.c firmware/goipwatchd/stream.c \
	    firmware/goipwatchd/rtp.c firmware/goipwatchd/rtp-rtcp.c \
	    firmware/goipwatchd/pace.c
UNIT_TESTS += sip stream rtp pace
FUZZERS += sip
