/* SPDX-License-Identifier: BSD-2-Clause */
/* The event loop: listener, connections indexed by fd, storage results, timers. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "addrs.h"
#include "confstore.h"
#include "listen.h"
#include "log.h"
#include "server-int.h"
#include "server.h"
#include "tls-server.h"
#include "writer.h"

#define EVENTS		256
#define FD_SPARE	64	/* descriptors kept for storage, logs, a refusal */
#define ACCEPT_PAUSE_MS	200	/* no descriptor left: the listener rests */
#define HS_WAIT_FACTOR	6	/* a turn for the handshake: within 6 handshake_timeouts */
#define TAG_LISTEN	((uint64_t)-1)
#define TAG_WRITER	((uint64_t)-2)
#define TAG_SIGNAL	((uint64_t)-3)

static int
listen_on(struct server *s, char *err, size_t errlen)
{
	char why[400];

	if ((s->lfd = listen_tcp(s->cfg->listen, s->cfg->port_file, 4096, why,
	    sizeof(why))) == -1)
		return snprintf(err, errlen, "listen: %s", why), -1;
	return 0;
}

static int
watch(struct server *s, int fd, uint32_t ev, uint64_t tag)
{
	struct epoll_event e = { .events = ev, .data.u64 = tag };

	return epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &e);
}

static int
signals(struct server *s)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		return -1;
	return s->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/*
 * As many connections as descriptors allow, up to max_conns, of which
 * unauth_percent may be unauthenticated: the rest is kept for appliances.
 */
static int
size_table(struct server *s)
{
	struct rlimit rl;
	size_t spare;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		rl.rlim_cur = 1024;
	s->maxfd = rl.rlim_cur > s->cfg->max_conns + FD_SPARE ?
	    s->cfg->max_conns + FD_SPARE : rl.rlim_cur;
	spare = s->maxfd > 2 * FD_SPARE ? FD_SPARE : s->maxfd / 2;
	s->slots = s->maxfd - spare;
	s->unauth_max = s->slots * s->cfg->unauth_percent / 100;
	if (s->unauth_max == 0)
		s->unauth_max = 1;
	TAILQ_INIT(&s->unauth_q);
	TAILQ_INIT(&s->hs_wait);
	if ((s->addrs = addrs_new(s->unauth_max)) == NULL)
		return -1;
	return (s->conns = calloc(s->maxfd, sizeof(*s->conns))) ? 0 : -1;
}

struct server *
server_new(const struct cfg *cfg, char *err, size_t errlen)
{
	struct tls_server_conf tc = { cfg->tls_ca, cfg->tls_cert, cfg->tls_key,
	    cfg->tls_crl[0] ? cfg->tls_crl : NULL,
	    cfg->allow_serials[0] ? cfg->allow_serials : NULL };
	struct server *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->cfg = cfg;
	s->epfd = s->lfd = s->sigfd = -1;
	/* signals first: the storage threads inherit the blocked mask */
	if (signals(s) == -1 || (s->tls = tls_server_new(&tc, err, errlen)) == NULL ||
	    (s->writer = writer_new(cfg->db, (int)cfg->workers, cfg->max_queue,
	    (unsigned)cfg->store_delay_ms, cfg->instance, err, errlen)) == NULL ||
	    size_table(s) == -1 || listen_on(s, err, errlen) == -1 ||
	    (s->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    watch(s, s->lfd, EPOLLIN, TAG_LISTEN) == -1 ||
	    watch(s, writer_fd(s->writer), EPOLLIN, TAG_WRITER) == -1 ||
	    watch(s, s->sigfd, EPOLLIN, TAG_SIGNAL) == -1) {
		if (err[0] == '\0')
			snprintf(err, errlen, "start-up: %s", strerror(errno));
		server_free(s);
		return NULL;
	}
	return s;
}

void
server_interest(struct server *s, struct conn *c)
{
	uint32_t ev = 0;
	struct epoll_event e;

	if (c->hs_waiting)
		ev = EPOLLRDHUP;	/* only whether the peer gives up waiting */
	else if (!c->busy)
		ev |= EPOLLIN;
	if (c->txoff < c->txlen || (c->tls != NULL && tls_sess_wants_write(c->tls)))
		ev |= EPOLLOUT;
	if (ev == c->events)
		return;
	e.events = ev;
	e.data.u64 = (uint64_t)c->fd;
	if (epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &e) == 0)
		c->events = ev;
}

/*
 * TLS handshakes cost CPU (ECDHE and ECDSA on both sides of each): run at most
 * handshakes_max at once, in the order the connections' first bytes came, so
 * that a fleet connecting at once is served in turn instead of all at the same
 * slow pace past handshake_timeout. A waiting connection's handshake_timeout
 * starts at its turn (docs/central.md, Many connections).
 */
bool
server_hs_begin(struct server *s, struct conn *c)
{
	if (c->hs_active)
		return true;
	if (s->hs_active >= s->cfg->handshakes_max ||
	    (!c->hs_waiting && !TAILQ_EMPTY(&s->hs_wait))) {
		if (!c->hs_waiting) {
			c->hs_waiting = true;
			TAILQ_INSERT_TAIL(&s->hs_wait, c, hs_q);
			s->c.hs_waited++;
			c->since = time(NULL);	/* now: when it began to wait */
		}
		return false;
	}
	if (c->hs_waiting) {
		c->hs_waiting = false;
		TAILQ_REMOVE(&s->hs_wait, c, hs_q);
	}
	c->hs_active = true;
	s->hs_active++;
	c->since = c->last_active = time(NULL);
	return true;
}

/* The oldest waiting handshakes start while there is room. */
static void
hs_admit(struct server *s)
{
	struct conn *c;

	while (s->hs_active < s->cfg->handshakes_max &&
	    (c = TAILQ_FIRST(&s->hs_wait)) != NULL) {
		session_drive(s, c);	/* starts it, or closes it */
		if (TAILQ_FIRST(&s->hs_wait) == c)
			break;		/* cannot happen: there was room */
	}
}

static void
hs_del(struct server *s, struct conn *c)
{
	if (c->hs_active) {
		c->hs_active = false;
		s->hs_active--;
	}
	if (c->hs_waiting) {
		c->hs_waiting = false;
		TAILQ_REMOVE(&s->hs_wait, c, hs_q);
	}
}

static void
unauth_del(struct server *s, struct conn *c)
{
	hs_del(s, c);
	if (!c->unauth)
		return;
	c->unauth = false;
	TAILQ_REMOVE(&s->unauth_q, c, unauth_q);
	addrs_del(s->addrs, c->addr);
	s->c.unauth--;
}

void
server_close(struct server *s, struct conn *c, const char *why)
{
	if (why != NULL && c->state != CONN_HANDSHAKE)
		log_info("%s: session closed: %s", c->cn, why);
	unauth_del(s, c);
	s->conns[c->fd] = NULL;
	s->c.conns--;
	close(c->fd);	/* also leaves the epoll set */
	tls_sess_free(c->tls);
	job_free(c->parked);	/* never submitted: nothing was acked for it */
	free(c->rx);
	free(c->tx);
	free(c);
}

void
server_identified(struct server *s, struct conn *c)
{
	unauth_del(s, c);
	/* one session per appliance id: the newest is the one that is alive */
	for (size_t fd = 0; fd < s->maxfd; fd++) {
		struct conn *o = s->conns[fd];

		if (o != NULL && o != c && o->state != CONN_HANDSHAKE &&
		    strcmp(o->cn, c->cn) == 0) {
			s->c.replaced++;
			server_close(s, o, "replaced by a new session");
		}
	}
}

/* May one more unauthenticated connection from addr come in? Evicts the oldest if need be. */
static bool
unauth_admit(struct server *s, uint32_t addr)
{
	if (s->c.conns >= s->slots) {
		s->c.too_many++;
		return false;
	}
	if (addrs_count(s->addrs, addr) >= s->cfg->unauth_per_addr) {
		s->c.per_addr_refused++;
		return false;
	}
	if (s->c.unauth >= s->unauth_max) {
		s->c.unauth_evicted++;
		server_close(s, TAILQ_FIRST(&s->unauth_q), NULL);
	}
	return true;
}

/* A new connection holds its fd and a struct conn; TLS waits for its first byte. */
static void
accept_one(struct server *s, int fd, uint32_t addr)
{
	struct conn *c;
	int one = 1;

	if ((size_t)fd >= s->maxfd) {
		s->c.too_many++;
		close(fd);
		return;
	}
	if (!unauth_admit(s, addr) || (c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->fd = fd;
	c->gen = ++s->next_gen;
	c->addr = addr;
	c->since = c->last_active = time(NULL);
	c->events = EPOLLIN;
	if (watch(s, fd, EPOLLIN, (uint64_t)fd) == -1 || addrs_add(s->addrs, addr) == -1) {
		free(c);
		close(fd);
		return;
	}
	c->unauth = true;
	TAILQ_INSERT_TAIL(&s->unauth_q, c, unauth_q);
	s->c.unauth++;
	s->conns[fd] = c;
	s->c.accepted++;
	if (++s->c.conns > s->c.conns_max)
		s->c.conns_max = s->c.conns;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
listener_on(struct server *s, bool on)
{
	struct epoll_event e = { .events = on ? EPOLLIN : 0, .data.u64 = TAG_LISTEN };

	if (epoll_ctl(s->epfd, EPOLL_CTL_MOD, s->lfd, &e) == 0)
		s->accept_resume = on ? 0 : now_ms() + ACCEPT_PAUSE_MS;
}

/*
 * No descriptor for a pending connection: accept() would fail at once again,
 * so the listener rests for a moment instead of waking the loop for nothing.
 */
static void
accept_no_fd(struct server *s, int err)
{
	time_t now = time(NULL);

	s->c.accept_no_fd++;
	if (now - s->last_no_fd_log >= 60) {
		s->last_no_fd_log = now;
		log_warnx("accept: out of descriptors (%s), %zu connections: pausing the"
		    " listener (%" PRIu64 " times so far)", strerror(err), s->c.conns,
		    s->c.accept_no_fd);
	}
	listener_on(s, false);
}

static void
accept_all(struct server *s)
{
	struct sockaddr_in sa;
	socklen_t sl;
	int fd;

	for (int n = 0; n < EVENTS; n++) {
		sl = sizeof(sa);
		if ((fd = accept4(s->lfd, (struct sockaddr *)&sa, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
			accept_one(s, fd, sa.sin_addr.s_addr);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
			accept_no_fd(s, errno);
		return;
	}
}

static void
poll_done(struct server *s, struct job *j)
{
	s->poll_pending = false;
	for (struct pushcfg *p = j->push; p != NULL; p = p->next)
		for (size_t fd = 0; fd < s->maxfd; fd++) {
			struct conn *c = s->conns[fd];

			if (c != NULL && c->state == CONN_UP && strcmp(c->grp, p->grp) == 0 &&
			    c->config_version < p->version) {
				session_push(s, c, p);
				(void)session_writable(s, c);
			}
		}
	for (struct pushfile *f = j->files; f != NULL; f = f->next)
		for (size_t fd = 0; fd < s->maxfd; fd++) {
			struct conn *c = s->conns[fd];

			/* a rollout's offer goes to its one appliance */
			if (c != NULL && c->state == CONN_UP && (f->appliance[0] != '\0' ?
			    strcmp(c->cn, f->appliance) == 0 : strcmp(c->grp, f->grp) == 0) &&
			    c->files[f->kind].version < f->version) {
				session_offer(s, c, f);
				(void)session_writable(s, c);
			}
		}
}

static void
collect(struct server *s)
{
	struct job *j, *next;

	for (j = writer_collect(s->writer); j != NULL; j = next) {
		struct conn *c;

		next = j->next;
		if (j->type == JOB_CONFIG_POLL)
			poll_done(s, j);
		else if (j->fd >= 0 && (size_t)j->fd < s->maxfd &&
		    (c = s->conns[j->fd]) != NULL && c->gen == j->gen)
			session_job_done(s, c, j);
		job_free(j);
	}
}

static void
log_counters(const struct server *s)
{
	const struct intake_stats *in = &s->in_stats;
	const struct server_counters *c = &s->c;

	log_info("counters: conns=%zu conns_max=%" PRIu64 " accepted=%" PRIu64
	    " handshake_failed=%" PRIu64 " sessions=%" PRIu64 " reports=%" PRIu64
	    " records=%" PRIu64 " stored=%" PRIu64 " duplicates=%" PRIu64 " acks=%" PRIu64
	    " storage_failures=%" PRIu64 " backpressure=%" PRIu64 " config_pushes=%" PRIu64
	    " config_acks=%" PRIu64 " idle_closed=%" PRIu64, c->conns, c->conns_max,
	    c->accepted, c->handshake_failed, c->sessions, in->reports, in->records,
	    c->records_stored, c->duplicates, c->acks, c->storage_failures,
	    c->backpressure, c->config_pushes, c->config_acks, c->idle_closed);
	log_info("refused: malformed=%" PRIu64 " oversized=%" PRIu64 " version=%" PRIu64
	    " unexpected=%" PRIu64 " identity=%" PRIu64 " sequence=%" PRIu64
	    " internal=%" PRIu64 " bad_magic=%" PRIu64 " peer_errors=%" PRIu64,
	    in->refused[1], in->refused[2], in->refused[3], in->refused[4],
	    in->refused[5], in->refused[6], in->refused[7],
	    in->frames[FRAME_BAD_MAGIC], in->peer_errors);
	log_info("limits: slots=%zu unauth_max=%zu unauth=%zu too_many=%" PRIu64
	    " per_addr_refused=%" PRIu64 " unauth_evicted=%" PRIu64
	    " handshake_expired=%" PRIu64 " replaced=%" PRIu64 " accept_no_fd=%" PRIu64
	    " hs_waited=%" PRIu64 " hs_stalled=%" PRIu64,
	    s->slots, s->unauth_max, c->unauth, c->too_many, c->per_addr_refused,
	    c->unauth_evicted, c->handshake_expired, c->replaced, c->accept_no_fd,
	    c->hs_waited, c->hs_stalled);
	log_info("evidence: frames=%" PRIu64 " chunks=%" PRIu64 " files=%" PRIu64
	    " refused=%" PRIu64, in->evidence_chunks, c->evidence_chunks,
	    c->evidence_files, c->evidence_refused);
	log_info("files: offers=%" PRIu64 " gets=%" PRIu64 " chunks=%" PRIu64
	    " bytes=%" PRIu64 " refused=%" PRIu64 " acks=%" PRIu64, c->file_offers,
	    in->file_gets, c->file_chunks, c->file_bytes, c->file_refused, c->file_acks);
}

/* Once a second: parked jobs, idle sessions, the config poll. */
static void
tick(struct server *s, time_t now)
{
	struct job *j;

	if (now != s->last_sweep) {
		s->last_sweep = now;
		for (size_t fd = 0; fd < s->maxfd; fd++) {
			struct conn *c = s->conns[fd];

			if (c == NULL)
				continue;
			session_retry_parked(s, c);
			if (c->busy)
				continue;
			if (c->state != CONN_UP && now - c->since >
			    (time_t)s->cfg->handshake_timeout * (c->hs_waiting ? HS_WAIT_FACTOR : 1)) {
				s->c.handshake_expired++;
				server_close(s, c, "no hello in time");
			} else if (c->hs_active && c->state == CONN_HANDSHAKE &&
			    !TAILQ_EMPTY(&s->hs_wait) &&
			    now - c->last_active > (time_t)s->cfg->handshake_timeout / 2) {
				/* a peer that stopped mid-handshake gives its turn up */
				s->c.hs_stalled++;
				server_close(s, c, NULL);
			} else if (now - c->last_active > (time_t)s->cfg->idle_timeout) {
				s->c.idle_closed++;
				server_close(s, c, "idle");
			}
		}
	}
	if (!s->poll_pending && now - s->last_poll >= (time_t)s->cfg->config_poll &&
	    (j = job_new(JOB_CONFIG_POLL)) != NULL) {
		j->fd = -1;
		s->last_poll = now;
		s->poll_pending = writer_submit(s->writer, j) == 0;
		if (!s->poll_pending)
			job_free(j);
	}
}

/* 1 to go on, 0 to stop. */
static int
on_signal(struct server *s)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGUSR1)
			log_counters(s);
		else
			return 0;
	}
	return 1;
}

static void
on_conn(struct server *s, int fd, uint32_t ev)
{
	struct conn *c = (size_t)fd < s->maxfd ? s->conns[fd] : NULL;

	if (c == NULL)
		return;
	if (c->hs_waiting) {	/* only EPOLLRDHUP is asked for: it gave up */
		server_close(s, c, NULL);
		return;
	}
	if (c->state == CONN_HANDSHAKE && (ev & EPOLLIN))
		c->last_active = time(NULL);	/* the peer is not stalled */
	if ((ev & EPOLLOUT) && session_writable(s, c) == -1)
		return;
	if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		if (c->busy && (ev & (EPOLLHUP | EPOLLERR)))
			server_close(s, c, "connection lost");
		else if (!c->busy)
			session_drive(s, c);
	}
}

int
server_run(struct server *s)
{
	struct epoll_event ev[EVENTS];
	int n, running = 1;

	log_info("listening on %s, storage %s, %d storage threads", s->cfg->listen,
	    s->cfg->db, (int)s->cfg->workers);
	while (running) {
		if ((n = epoll_wait(s->epfd, ev, EVENTS, 200)) == -1 && errno != EINTR)
			fatal("epoll_wait");
		for (int i = 0; i < n; i++) {
			uint64_t tag = ev[i].data.u64;

			if (tag == TAG_LISTEN)
				accept_all(s);
			else if (tag == TAG_WRITER)
				collect(s);
			else if (tag == TAG_SIGNAL)
				running = on_signal(s);
			else
				on_conn(s, (int)tag, ev[i].events);
		}
		hs_admit(s);
		if (s->accept_resume != 0 && now_ms() >= s->accept_resume)
			listener_on(s, true);
		tick(s, time(NULL));
	}
	log_counters(s);
	return 0;
}

void
server_free(struct server *s)
{
	if (s == NULL)
		return;
	for (size_t fd = 0; s->conns != NULL && fd < s->maxfd; fd++)
		if (s->conns[fd] != NULL)
			server_close(s, s->conns[fd], NULL);
	writer_free(s->writer);	/* waits for the jobs in flight to commit */
	tls_server_free(s->tls);
	addrs_free(s->addrs);
	if (s->lfd >= 0)
		close(s->lfd);
	if (s->sigfd >= 0)
		close(s->sigfd);
	if (s->epfd >= 0)
		close(s->epfd);
	free(s->conns);
	free(s);
}
