// SPDX-License-Identifier: GPL-2.0
/*
 * The vnpu generic netlink family through libnl-genl-3: GET_DEVICE (doit
 * and dump), SET_POWER_CAP with the kernel's extack message, and the
 * "events" multicast group.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "smi_genl.h"

struct smi_genl {
	struct nl_sock *sk;
	int family;
};

/* What the kernel's policy promises; libnl checks the replies against it. */
static struct nla_policy smi_policy[VNPU_ATTR_MAX + 1] = {
	[VNPU_ATTR_NPU_ID] = { .type = NLA_U32 },
	[VNPU_ATTR_NAME] = { .type = NLA_STRING },
	[VNPU_ATTR_PROFILE] = { .type = NLA_STRING },
	[VNPU_ATTR_BUS_ID] = { .type = NLA_STRING },
	[VNPU_ATTR_POWER_UW] = { .type = NLA_U64 },
	[VNPU_ATTR_POWER_AVG_UW] = { .type = NLA_U64 },
	[VNPU_ATTR_ENERGY_UJ] = { .type = NLA_U64 },
	[VNPU_ATTR_POWER_CAP_UW] = { .type = NLA_U64 },
	[VNPU_ATTR_TDP_UW] = { .type = NLA_U64 },
	[VNPU_ATTR_TEMP_MC] = { .type = NLA_U32 },
	[VNPU_ATTR_TEMP_MAX_MC] = { .type = NLA_U32 },
	[VNPU_ATTR_TEMP_CRIT_MC] = { .type = NLA_U32 },
	[VNPU_ATTR_AICORE_PCT] = { .type = NLA_U32 },
	[VNPU_ATTR_DMA_PCT] = { .type = NLA_U32 },
	[VNPU_ATTR_CLOCK_MHZ] = { .type = NLA_U32 },
	[VNPU_ATTR_CLOCK_MAX_MHZ] = { .type = NLA_U32 },
	[VNPU_ATTR_THROTTLE] = { .type = NLA_U32 },
	[VNPU_ATTR_HEALTH] = { .type = NLA_U32 },
	[VNPU_ATTR_MEM_USED] = { .type = NLA_U64 },
	[VNPU_ATTR_MEM_TOTAL] = { .type = NLA_U64 },
	[VNPU_ATTR_EVENT] = { .type = NLA_U32 },
	[VNPU_ATTR_CTX_ID] = { .type = NLA_U32 },
	[VNPU_ATTR_SEQNO] = { .type = NLA_U64 },
	[VNPU_ATTR_OFFSET] = { .type = NLA_U32 },
	[VNPU_ATTR_ERROR] = { .type = NLA_U32 },
	[VNPU_ATTR_HBM_TOTAL] = { .type = NLA_U64 },
};

static int is_signed(int attr)
{
	return attr == VNPU_ATTR_TEMP_MC || attr == VNPU_ATTR_TEMP_MAX_MC ||
	       attr == VNPU_ATTR_TEMP_CRIT_MC || attr == VNPU_ATTR_ERROR;
}

static void str_attr(struct nlattr *a, char *dst, size_t len)
{
	snprintf(dst, len, "%s", nla_get_string(a));
}

/* A GET_DEVICE reply or an event into T: 0 or -errno. */
static int parse_msg(struct nl_msg *msg, struct smi_telem *t)
{
	struct nlattr *tb[VNPU_ATTR_MAX + 1];
	int i;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, VNPU_ATTR_MAX, smi_policy))
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	for (i = 1; i <= VNPU_ATTR_MAX; i++) {
		if (!tb[i] || i == VNPU_ATTR_PAD)
			continue;
		switch (smi_policy[i].type) {
		case NLA_U64:
			t->v[i] = (int64_t)nla_get_u64(tb[i]);
			break;
		case NLA_U32:
			t->v[i] = is_signed(i) ? (int32_t)nla_get_u32(tb[i]) :
						 (int64_t)nla_get_u32(tb[i]);
			break;
		case NLA_STRING:
			if (i == VNPU_ATTR_NAME)
				str_attr(tb[i], t->name, sizeof(t->name));
			else if (i == VNPU_ATTR_PROFILE)
				str_attr(tb[i], t->profile, sizeof(t->profile));
			else if (i == VNPU_ATTR_BUS_ID)
				str_attr(tb[i], t->bus_id, sizeof(t->bus_id));
			break;
		default:
			continue;
		}
		t->have |= 1ull << i;
	}
	return 0;
}

/* libnl error codes to errno, for the few this tool tells apart. */
static int nl_to_errno(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return 0;
	case NLE_PERM:
		return -EPERM;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_INTR:
		return -EINTR;
	case NLE_AGAIN:
		return -EAGAIN;
	default:
		return -EIO;
	}
}

int smi_genl_open(struct smi_genl **out)
{
	struct smi_genl *nl = calloc(1, sizeof(*nl));
	int ret, one = 1;

	if (!nl)
		return -ENOMEM;
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		free(nl);
		return -ENOMEM;
	}
	ret = genl_connect(nl->sk);
	if (ret)
		goto err;
	/* Ask for extended acks: the policy's messages come back with errors. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	ret = genl_ctrl_resolve(nl->sk, VNPU_GENL_NAME);
	if (ret < 0)
		goto err;
	nl->family = ret;
	*out = nl;
	return 0;
err:
	nl_socket_free(nl->sk);
	free(nl);
	return nl_to_errno(ret);
}

void smi_genl_close(struct smi_genl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

struct reply {
	struct smi_telem *t;
	int n, max;
	int err;		/* from the error callback */
	char *msg;		/* extack message buffer */
	int msg_len;
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct reply *r = arg;

	if (r->n < r->max && !parse_msg(msg, &r->t[r->n]))
		r->n++;
	return NL_OK;
}

/* The extack message after an error (NLM_F_ACK_TLVS), if the kernel sent one. */
static void extack_msg(struct nlmsghdr *nlh, struct nlmsgerr *e, struct reply *r)
{
	struct nlattr *a;
	int off, len, rem;

	if (!r->msg || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - off;
	if (len <= 0)
		return;
	a = (struct nlattr *)((char *)nlmsg_data(nlh) + off);
	nla_for_each_attr(a, a, len, rem) {
		if (nla_type(a) == NLMSGERR_ATTR_MSG)
			snprintf(r->msg, r->msg_len, "%.*s", nla_len(a),
				 (char *)nla_data(a));
	}
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct reply *r = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)e - 1;

	r->err = e->error;
	extack_msg(nlh, e, r);
	return NL_STOP;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	return NL_STOP;
}

/* Send MSG (consumed) and read replies until done, ack or error. */
static int transact(struct smi_genl *nl, struct nl_msg *msg, struct reply *r)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, r);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, r);
	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret >= 0)
		ret = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);
	if (r->err)
		return r->err;
	return ret < 0 ? nl_to_errno(ret) : 0;
}

static struct nl_msg *new_msg(struct smi_genl *nl, int flags, uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
				flags, cmd, VNPU_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

int smi_genl_get(struct smi_genl *nl, uint32_t npu, struct smi_telem *t)
{
	struct reply r = { .t = t, .max = 1 };
	struct nl_msg *msg = new_msg(nl, NLM_F_ACK, VNPU_CMD_GET_DEVICE);
	int ret;

	if (!msg || nla_put_u32(msg, VNPU_ATTR_NPU_ID, npu)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	ret = transact(nl, msg, &r);
	if (!ret && !r.n)
		ret = -ENODEV;
	return ret;
}

int smi_genl_dump(struct smi_genl *nl, struct smi_telem *t, int max)
{
	struct reply r = { .t = t, .max = max };
	struct nl_msg *msg = new_msg(nl, NLM_F_DUMP, VNPU_CMD_GET_DEVICE);
	int ret;

	if (!msg)
		return -ENOMEM;
	ret = transact(nl, msg, &r);
	return ret ? ret : r.n;
}

int smi_genl_set_power_cap(struct smi_genl *nl, uint32_t npu, uint64_t uw,
			   char *buf, int len)
{
	struct reply r = { .msg = buf, .msg_len = len };
	struct nl_msg *msg = new_msg(nl, NLM_F_ACK, VNPU_CMD_SET_POWER_CAP);

	if (buf && len)
		buf[0] = '\0';
	if (!msg || nla_put_u32(msg, VNPU_ATTR_NPU_ID, npu) ||
	    nla_put_u64(msg, VNPU_ATTR_POWER_CAP_UW, uw)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return transact(nl, msg, &r);
}

int smi_genl_subscribe(struct smi_genl *nl)
{
	int grp = genl_ctrl_resolve_grp(nl->sk, VNPU_GENL_NAME,
					VNPU_GENL_MCGRP_EVENTS);

	if (grp < 0)
		return nl_to_errno(grp);
	return nl_to_errno(nl_socket_add_membership(nl->sk, grp));
}

struct event_cb {
	void (*fn)(const struct smi_telem *ev, void *arg);
	void *arg;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct event_cb *e = arg;
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct smi_telem ev;

	if (gh->cmd == VNPU_CMD_EVENT && !parse_msg(msg, &ev))
		e->fn(&ev, e->arg);
	return NL_OK;
}

static int no_seq_check(struct nl_msg *msg, void *arg)
{
	return NL_OK;
}

int smi_genl_wait_events(struct smi_genl *nl, int timeout_ms,
			 void (*fn)(const struct smi_telem *ev, void *arg),
			 void *arg)
{
	struct pollfd p = { .fd = nl_socket_get_fd(nl->sk), .events = POLLIN };
	struct event_cb e = { .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int ret;

	ret = poll(&p, 1, timeout_ms);
	if (ret < 0)
		return -errno;
	if (!ret)
		return 0;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	/* Multicast messages carry no sequence number of ours. */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_event, &e);
	ret = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);
	return ret < 0 ? nl_to_errno(ret) : 0;
}
