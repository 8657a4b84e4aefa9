// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "vnpu" (uapi/linux/vnpu_genl.h): telemetry
 * queries, the power cap, and the multicast group of events.
 */
#include <linux/list.h>
#include <linux/mutex.h>
#include <net/genetlink.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <linux/vnpu_genl.h>

#include "vnpu_drv.h"

/* The cards netlink can name, in probe order; protected by the mutex. */
static LIST_HEAD(vnpu_genl_devices);
static DEFINE_MUTEX(vnpu_genl_lock);

static const struct nla_policy vnpu_genl_policy[VNPU_ATTR_MAX + 1] = {
	[VNPU_ATTR_NPU_ID] = { .type = NLA_U32 },
	[VNPU_ATTR_POWER_CAP_UW] = { .type = NLA_U64 },
};

static struct genl_family vnpu_genl_family;

static u32 vnpu_npu_id(const struct vnpu_device *vdev)
{
	return vdev->drm.accel->index;
}

static struct vnpu_device *vnpu_genl_find(u32 id)
{
	struct vnpu_device *vdev;

	lockdep_assert_held(&vnpu_genl_lock);
	list_for_each_entry(vdev, &vnpu_genl_devices, genl_node)
		if (vnpu_npu_id(vdev) == id)
			return vdev;
	return NULL;
}

static u32 vnpu_health(const struct vnpu_hw_telemetry *t)
{
	return t->critical ? VNPU_HEALTH_CRITICAL :
	       t->throttle ? VNPU_HEALTH_WARNING : VNPU_HEALTH_OK;
}

static int vnpu_genl_put_telemetry(struct sk_buff *skb,
				   struct vnpu_device *vdev)
{
	const struct vnpu_hw_info *info = &vdev->info;
	struct vnpu_hw_telemetry t;
	int idx;

	if (!drm_dev_enter(&vdev->drm, &idx))
		return -ENODEV;
	vnpu_hw_telemetry(vdev->hw, &t);
	drm_dev_exit(idx);

	if (nla_put_u32(skb, VNPU_ATTR_NPU_ID, vnpu_npu_id(vdev)) ||
	    nla_put_string(skb, VNPU_ATTR_NAME, info->name) ||
	    nla_put_string(skb, VNPU_ATTR_PROFILE, info->profile) ||
	    nla_put_string(skb, VNPU_ATTR_BUS_ID, info->bus_id) ||
	    nla_put_u64_64bit(skb, VNPU_ATTR_POWER_UW, t.power_uw,
			      VNPU_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, VNPU_ATTR_POWER_AVG_UW, t.power_avg_uw,
			      VNPU_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, VNPU_ATTR_ENERGY_UJ, t.energy_uj,
			      VNPU_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, VNPU_ATTR_POWER_CAP_UW, t.cap_uw,
			      VNPU_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, VNPU_ATTR_TDP_UW, t.tdp_uw, VNPU_ATTR_PAD) ||
	    nla_put_s32(skb, VNPU_ATTR_TEMP_MC, t.temp_mc) ||
	    nla_put_s32(skb, VNPU_ATTR_TEMP_MAX_MC, t.temp_max_mc) ||
	    nla_put_s32(skb, VNPU_ATTR_TEMP_CRIT_MC, t.temp_crit_mc) ||
	    nla_put_u32(skb, VNPU_ATTR_AICORE_PCT, t.util_permille / 10) ||
	    nla_put_u32(skb, VNPU_ATTR_DMA_PCT, t.dma_permille / 10) ||
	    nla_put_u32(skb, VNPU_ATTR_CLOCK_MHZ, t.clock_mhz) ||
	    nla_put_u32(skb, VNPU_ATTR_CLOCK_MAX_MHZ, t.clock_max_mhz) ||
	    nla_put_u32(skb, VNPU_ATTR_THROTTLE, t.throttle) ||
	    nla_put_u32(skb, VNPU_ATTR_HEALTH, vnpu_health(&t)) ||
	    nla_put_u64_64bit(skb, VNPU_ATTR_MEM_USED,
			      atomic64_read(&vdev->mem_used), VNPU_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, VNPU_ATTR_MEM_TOTAL, info->mem_budget,
			      VNPU_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, VNPU_ATTR_HBM_TOTAL, info->mem_size,
			      VNPU_ATTR_PAD))
		return -EMSGSIZE;
	return 0;
}

static int vnpu_genl_fill(struct sk_buff *skb, struct vnpu_device *vdev,
			  u32 portid, u32 seq, int flags)
{
	void *hdr = genlmsg_put(skb, portid, seq, &vnpu_genl_family, flags,
				VNPU_CMD_GET_DEVICE);
	int ret;

	if (!hdr)
		return -EMSGSIZE;
	ret = vnpu_genl_put_telemetry(skb, vdev);
	if (ret) {
		genlmsg_cancel(skb, hdr);
		return ret;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* The card named by the request, with the lock held; NULL sets extack. */
static struct vnpu_device *vnpu_genl_card(struct genl_info *info)
{
	struct vnpu_device *vdev;

	if (GENL_REQ_ATTR_CHECK(info, VNPU_ATTR_NPU_ID))
		return NULL;
	vdev = vnpu_genl_find(nla_get_u32(info->attrs[VNPU_ATTR_NPU_ID]));
	if (!vdev)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VNPU_ATTR_NPU_ID],
				    "no vnpu card with this id");
	return vdev;
}

static int vnpu_genl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vnpu_device *vdev;
	struct sk_buff *msg;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&vnpu_genl_lock);
	vdev = vnpu_genl_card(info);
	ret = vdev ? vnpu_genl_fill(msg, vdev, info->snd_portid,
				    info->snd_seq, 0) :
		     (info->attrs[VNPU_ATTR_NPU_ID] ? -ENODEV : -EINVAL);
	mutex_unlock(&vnpu_genl_lock);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

static int vnpu_genl_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct vnpu_device *vdev;
	long i = 0, start = cb->args[0];
	int ret = 0;

	mutex_lock(&vnpu_genl_lock);
	list_for_each_entry(vdev, &vnpu_genl_devices, genl_node) {
		if (i++ < start)
			continue;
		ret = vnpu_genl_fill(skb, vdev, NETLINK_CB(cb->skb).portid,
				     cb->nlh->nlmsg_seq, NLM_F_MULTI);
		if (ret == -ENODEV) {
			ret = 0;
			continue;
		}
		if (ret)
			break;
		cb->args[0] = i;
	}
	mutex_unlock(&vnpu_genl_lock);
	/* A full skb ends this part of the dump; the next call resumes. */
	return ret == -EMSGSIZE ? skb->len : (ret ? ret : skb->len);
}

static int vnpu_genl_set_cap_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vnpu_device *vdev;
	int ret, idx;

	if (GENL_REQ_ATTR_CHECK(info, VNPU_ATTR_POWER_CAP_UW))
		return -EINVAL;
	mutex_lock(&vnpu_genl_lock);
	vdev = vnpu_genl_card(info);
	ret = info->attrs[VNPU_ATTR_NPU_ID] ? -ENODEV : -EINVAL;
	if (vdev && drm_dev_enter(&vdev->drm, &idx)) {
		u64 cap = nla_get_u64(info->attrs[VNPU_ATTR_POWER_CAP_UW]);

		ret = vnpu_hw_set_power_cap(vdev->hw, cap);
		drm_dev_exit(idx);
		if (ret)
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[VNPU_ATTR_POWER_CAP_UW],
					    "power cap outside idle power..TDP");
	}
	mutex_unlock(&vnpu_genl_lock);
	return ret;
}

static const struct genl_small_ops vnpu_genl_ops[] = {
	{
		.cmd = VNPU_CMD_GET_DEVICE,
		.doit = vnpu_genl_get_doit,
		.dumpit = vnpu_genl_get_dumpit,
	},
	{
		.cmd = VNPU_CMD_SET_POWER_CAP,
		.doit = vnpu_genl_set_cap_doit,
		.flags = GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group vnpu_genl_mcgrps[] = {
	{ .name = VNPU_GENL_MCGRP_EVENTS },
};

static struct genl_family vnpu_genl_family __ro_after_init = {
	.name = VNPU_GENL_NAME,
	.version = VNPU_GENL_VERSION,
	.maxattr = VNPU_ATTR_MAX,
	.policy = vnpu_genl_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.small_ops = vnpu_genl_ops,
	.n_small_ops = ARRAY_SIZE(vnpu_genl_ops),
	/* Every op is new: strict validation rejects unknown attributes. */
	.resv_start_op = VNPU_CMD_EVENT + 1,
	.mcgrps = vnpu_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(vnpu_genl_mcgrps),
};

/**
 * vnpu_genl_event() - multicast an event of VDEV
 * @vdev: the card
 * @event: &enum vnpu_event
 * @ctx_id: context of a job event, else 0
 * @seqno: job of a job event, else 0
 * @offset: stream offset for a fault
 * @error: errno for a fault, throttle reasons or temperature otherwise
 *
 * Callable in atomic context (the card's event interrupt). Nobody
 * listening is fine.
 */
void vnpu_genl_event(struct vnpu_device *vdev, u32 event, u32 ctx_id,
		     u64 seqno, u32 offset, s32 error)
{
	struct sk_buff *skb = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	void *hdr;

	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &vnpu_genl_family, 0, VNPU_CMD_EVENT);
	if (!hdr ||
	    nla_put_u32(skb, VNPU_ATTR_NPU_ID, vnpu_npu_id(vdev)) ||
	    nla_put_u32(skb, VNPU_ATTR_EVENT, event) ||
	    (event == VNPU_EVENT_THROTTLE_START &&
	     nla_put_u32(skb, VNPU_ATTR_THROTTLE, error)) ||
	    (event == VNPU_EVENT_CRITICAL_TEMP &&
	     nla_put_s32(skb, VNPU_ATTR_TEMP_MC, error)) ||
	    (ctx_id && (nla_put_u32(skb, VNPU_ATTR_CTX_ID, ctx_id) ||
			nla_put_u64_64bit(skb, VNPU_ATTR_SEQNO, seqno,
					  VNPU_ATTR_PAD))) ||
	    (event == VNPU_EVENT_JOB_FAULT &&
	     (nla_put_u32(skb, VNPU_ATTR_OFFSET, offset) ||
	      nla_put_s32(skb, VNPU_ATTR_ERROR, error)))) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&vnpu_genl_family, skb, 0, 0, GFP_ATOMIC);
}

/* The card's event interrupt, forwarded to the multicast group. */
static void vnpu_genl_card_event(void *data, enum vnpu_hw_event ev, u32 arg)
{
	static const u32 map[] = {
		[VNPU_HW_EVENT_THROTTLE_START] = VNPU_EVENT_THROTTLE_START,
		[VNPU_HW_EVENT_THROTTLE_STOP] = VNPU_EVENT_THROTTLE_STOP,
		[VNPU_HW_EVENT_CRITICAL] = VNPU_EVENT_CRITICAL_TEMP,
	};

	if (ev < ARRAY_SIZE(map))
		vnpu_genl_event(data, map[ev], 0, 0, 0, arg);
}

void vnpu_genl_add_device(struct vnpu_device *vdev)
{
	mutex_lock(&vnpu_genl_lock);
	list_add_tail(&vdev->genl_node, &vnpu_genl_devices);
	mutex_unlock(&vnpu_genl_lock);
	vnpu_hw_set_event_handler(vdev->hw, vnpu_genl_card_event, vdev);
}

void vnpu_genl_remove_device(struct vnpu_device *vdev)
{
	vnpu_hw_set_event_handler(vdev->hw, NULL, NULL);
	mutex_lock(&vnpu_genl_lock);
	list_del_init(&vdev->genl_node);
	mutex_unlock(&vnpu_genl_lock);
}

int vnpu_genl_init(void)
{
	return genl_register_family(&vnpu_genl_family);
}

void vnpu_genl_exit(void)
{
	genl_unregister_family(&vnpu_genl_family);
}
