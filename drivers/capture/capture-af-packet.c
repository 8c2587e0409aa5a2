/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Capture variant: AF_PACKET TPACKET_V3 mmap ring, one socket per worker in a
 * PACKET_FANOUT group (hash with defrag), so each flow stays on one worker.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "capture-int.h"

#define AFP_BLOCK_SIZE	(1u << 20)
#define AFP_FRAME_SIZE	2048u
#define AFP_RETIRE_MS	50u

struct afp {
	int		 fd;
	uint8_t		*map;
	size_t		 maplen;
	unsigned	 nblocks, cur;
	int		 linktype;
	bool		 loopback;	/* sees each packet twice: skip outgoing */
	uint64_t	 drops;		/* tp_drops, accumulated (atomic) */
	/* worker 0 only: the interface's rx_dropped, less its value at open */
	char		 ifdrop_path[64 + IFNAMSIZ];
	uint64_t	 ifdrop0;
	uint8_t		 vlanbuf[65536 + 4];	/* a frame with its VLAN tag put back */
};

static int
afp_ring(struct afp *a, const struct capture_opts *o, char *err, size_t errlen)
{
	struct tpacket_req3 req;
	int v = TPACKET_V3;

	if (setsockopt(a->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) == -1)
		return snprintf(err, errlen, "PACKET_VERSION: %s", strerror(errno)), -1;
	memset(&req, 0, sizeof(req));
	a->nblocks = (unsigned)(o->ring_bytes / AFP_BLOCK_SIZE);
	if (a->nblocks < 4)
		a->nblocks = 4;
	req.tp_block_size = AFP_BLOCK_SIZE;
	req.tp_block_nr = a->nblocks;
	req.tp_frame_size = AFP_FRAME_SIZE;
	req.tp_frame_nr = (AFP_BLOCK_SIZE / AFP_FRAME_SIZE) * a->nblocks;
	req.tp_retire_blk_tov = AFP_RETIRE_MS;
	req.tp_feature_req_word = TP_FT_REQ_FILL_RXHASH;
	if (setsockopt(a->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) == -1)
		return snprintf(err, errlen, "PACKET_RX_RING: %s", strerror(errno)), -1;
	a->maplen = (size_t)AFP_BLOCK_SIZE * a->nblocks;
	a->map = mmap(NULL, a->maplen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED,
	    a->fd, 0);
	if (a->map == MAP_FAILED)	/* MAP_LOCKED needs a memlock limit */
		a->map = mmap(NULL, a->maplen, PROT_READ | PROT_WRITE, MAP_SHARED, a->fd, 0);
	if (a->map == MAP_FAILED)
		return snprintf(err, errlen, "mmap: %s", strerror(errno)), -1;
	return 0;
}

static int
afp_bind(struct afp *a, const struct capture_opts *o, char *err, size_t errlen)
{
	struct sockaddr_ll sll;
	struct packet_mreq mr;
	struct ifreq ifr;
	int ifindex;

	if ((ifindex = (int)if_nametoindex(o->source)) == 0)
		return snprintf(err, errlen, "%s: no such interface", o->source), -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o->source);
	if (ioctl(a->fd, SIOCGIFHWADDR, &ifr) == -1)
		return snprintf(err, errlen, "%s: %s", o->source, strerror(errno)), -1;
	switch (ifr.ifr_hwaddr.sa_family) {
	case ARPHRD_LOOPBACK:
		a->loopback = true;
		/* FALLTHROUGH */
	case ARPHRD_ETHER:
		a->linktype = 1;	/* DLT_EN10MB */
		break;
	default:
		a->linktype = 12;	/* DLT_RAW: tun, ppp */
		break;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	if (bind(a->fd, (struct sockaddr *)&sll, sizeof(sll)) == -1)
		return snprintf(err, errlen, "bind %s: %s", o->source, strerror(errno)), -1;
	if (!o->promisc)
		return 0;
	memset(&mr, 0, sizeof(mr));
	mr.mr_ifindex = ifindex;
	mr.mr_type = PACKET_MR_PROMISC;
	if (setsockopt(a->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) == -1)
		return snprintf(err, errlen, "promisc %s: %s", o->source, strerror(errno)), -1;
	return 0;
}

static int
afp_fanout(struct afp *a, const struct capture_opts *o, char *err, size_t errlen)
{
	int arg = (int)((o->fanout_id & 0xffff) |
	    (uint32_t)(PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG) << 16);

	if (o->workers <= 1)
		return 0;
	if (setsockopt(a->fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg)) == -1)
		return snprintf(err, errlen, "PACKET_FANOUT: %s", strerror(errno)), -1;
	return 0;
}

static void afp_close(void *);

/*
 * Frames the device or the kernel's backlog dropped before any packet socket
 * saw them (a veth's full backlog, a NIC's missed frames): the interface's
 * rx_dropped, as libpcap's ps_ifdrop. -1 when unreadable.
 */
static int
afp_ifdrop(const struct afp *a, uint64_t *v)
{
	unsigned long long n;
	FILE *f;
	int rc;

	if (a->ifdrop_path[0] == '\0' || (f = fopen(a->ifdrop_path, "re")) == NULL)
		return -1;
	rc = fscanf(f, "%llu", &n) == 1 ? 0 : -1;
	fclose(f);
	*v = n;
	return rc;
}

static void *
afp_open(const struct capture_opts *o, unsigned worker, int *linktype, char *err,
    size_t errlen)
{
	struct afp *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return snprintf(err, errlen, "out of memory"), NULL;
	a->map = MAP_FAILED;
	/* protocol 0: nothing arrives until bind() names the interface */
	if ((a->fd = socket(AF_PACKET, SOCK_RAW, 0)) == -1) {
		snprintf(err, errlen, "AF_PACKET socket: %s", strerror(errno));
		goto err_free;
	}
	if (afp_ring(a, o, err, errlen) == -1 || afp_bind(a, o, err, errlen) == -1 ||
	    afp_fanout(a, o, err, errlen) == -1)
		goto err_free;
	*linktype = a->linktype;
	/* one handle counts the interface's drops, or -j N would count them N times */
	if (worker == 0) {
		snprintf(a->ifdrop_path, sizeof(a->ifdrop_path),
		    "/sys/class/net/%s/statistics/rx_dropped", o->source);
		if (afp_ifdrop(a, &a->ifdrop0) == -1)
			a->ifdrop_path[0] = '\0';
	}
	return a;
err_free:
	afp_close(a);
	return NULL;
}

/* The kernel strips the 802.1Q tag into the header; put it back for the decoder. */
static const uint8_t *
afp_frame(struct afp *a, const struct tpacket3_hdr *h, uint32_t *caplen, uint32_t *len)
{
	const uint8_t *p = (const uint8_t *)h + h->tp_mac;

	*caplen = h->tp_snaplen;
	*len = h->tp_len;
	if (!(h->tp_status & TP_STATUS_VLAN_VALID) || *caplen < 12 ||
	    *caplen > sizeof(a->vlanbuf) - 4 || a->linktype != 1)
		return p;
	memcpy(a->vlanbuf, p, 12);
	a->vlanbuf[12] = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) ?
	    (uint8_t)(h->hv1.tp_vlan_tpid >> 8) : 0x81;
	a->vlanbuf[13] = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) ?
	    (uint8_t)h->hv1.tp_vlan_tpid : 0x00;
	a->vlanbuf[14] = (uint8_t)(h->hv1.tp_vlan_tci >> 8);
	a->vlanbuf[15] = (uint8_t)h->hv1.tp_vlan_tci;
	memcpy(a->vlanbuf + 16, p + 12, *caplen - 12);
	*caplen += 4;
	*len += 4;
	return a->vlanbuf;
}

static int
afp_block(struct afp *a, struct tpacket_block_desc *bd, capture_cb cb, void *arg)
{
	struct tpacket3_hdr *h;
	struct capture_pkt p;
	uint32_t i, n = bd->hdr.bh1.num_pkts;
	int delivered = 0;

	h = (struct tpacket3_hdr *)((uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt);
	for (i = 0; i < n; i++) {
		const struct sockaddr_ll *sll = (const struct sockaddr_ll *)
		    ((const uint8_t *)h + TPACKET_ALIGN(sizeof(*h)));

		if (!a->loopback || sll->sll_pkttype != PACKET_OUTGOING) {
			p.data = afp_frame(a, h, &p.caplen, &p.wirelen);
			p.ts = (usec_t)h->tp_sec * USEC_PER_SEC + h->tp_nsec / 1000;
			cb(arg, &p);
			delivered++;
		}
		h = (struct tpacket3_hdr *)((uint8_t *)h + h->tp_next_offset);
	}
	__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
	a->cur = (a->cur + 1) % a->nblocks;
	return delivered;
}

static int
afp_dispatch(void *h, int max, int timeout_ms, capture_cb cb, void *arg, char *err,
    size_t errlen)
{
	struct afp *a = h;
	struct tpacket_block_desc *bd;
	struct pollfd pfd = { .fd = a->fd, .events = POLLIN | POLLERR };
	int n = 0;

	while (n < max) {
		bd = (struct tpacket_block_desc *)(a->map + (size_t)a->cur * AFP_BLOCK_SIZE);
		if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
		    TP_STATUS_USER)) {
			if (n > 0)
				break;
			if (poll(&pfd, 1, timeout_ms) == -1 && errno != EINTR)
				return snprintf(err, errlen, "poll: %s", strerror(errno)), -2;
			bd = (struct tpacket_block_desc *)(a->map +
			    (size_t)a->cur * AFP_BLOCK_SIZE);
			if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
			    TP_STATUS_USER))
				return 0;
		}
		n += afp_block(a, bd, cb, arg);
	}
	return n;
}

static void
afp_stats(void *h, struct capture_stats *st)
{
	struct afp *a = h;
	struct tpacket_stats_v3 ts;
	socklen_t len = sizeof(ts);
	uint64_t ifd;

	/*
	 * Reading the counters resets them in the kernel: accumulate. Each read
	 * takes its own share under the kernel's lock, and the add is atomic, so
	 * two threads sampling at once lose nothing. tp_drops counts every frame
	 * lost to the full ring: the kernel ring's drops. tp_freeze_q_cnt counts
	 * the times the ring filled, not frames, so it is no drop count.
	 */
	if (getsockopt(a->fd, SOL_PACKET, PACKET_STATISTICS, &ts, &len) == 0)
		__atomic_add_fetch(&a->drops, ts.tp_drops, __ATOMIC_RELAXED);
	st->kernel_drops = __atomic_load_n(&a->drops, __ATOMIC_RELAXED);
	if (afp_ifdrop(a, &ifd) == 0 && ifd >= a->ifdrop0)
		st->iface_drops = ifd - a->ifdrop0;
}

static void
afp_close(void *h)
{
	struct afp *a = h;

	if (a == NULL)
		return;
	if (a->map != MAP_FAILED)
		munmap(a->map, a->maplen);
	if (a->fd >= 0)
		close(a->fd);
	free(a);
}

const struct capture_ops capture_ops_af_packet = {
	.name = "af-packet", .shared = false, .open = afp_open,
	.dispatch = afp_dispatch, .stats = afp_stats, .close = afp_close,
};
