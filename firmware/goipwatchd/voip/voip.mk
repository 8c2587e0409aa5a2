# SPDX-License-Identifier: BSD-2-Clause
# voip/ (worker threads): SIP on any port (only sip*.c include libosip2), TCP
# stream reassembly, RTP/RTCP statistics and opaque-voice pacing.
D := firmware/goipwatchd/voip
GWD_CORE_SRCS += $(D)/voip.c $(D)/sip.c $(D)/sip-frame.c $(D)/sip-sdp.c $(D)/sip-pre.c \
	    $(D)/stream.c $(D)/rtp.c $(D)/rtp-rtcp.c $(D)/pace.c \
	    $(D)/siptls.c
UNIT_TESTS += sip stream rtp pace siptls
FUZZERS += sip siptls
