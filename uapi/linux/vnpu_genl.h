/* SPDX-License-Identifier: MIT */
/*
 * vnpu: generic netlink family "vnpu" - card telemetry, the power cap, and
 * a multicast group of events.
 *
 * Copyright (c) 2026 The vnpu developers
 *
 * Queries need no privilege; VNPU_CMD_SET_POWER_CAP needs CAP_NET_ADMIN
 * (the genetlink admin flag). Every attribute has a policy: a message with
 * an attribute of the wrong type or length, or an unknown card, is
 * rejected with an extack message.
 */
#ifndef _UAPI_LINUX_VNPU_GENL_H
#define _UAPI_LINUX_VNPU_GENL_H

#define VNPU_GENL_NAME		"vnpu"
#define VNPU_GENL_VERSION	1
/** VNPU_GENL_MCGRP_EVENTS - multicast group of &enum vnpu_event */
#define VNPU_GENL_MCGRP_EVENTS	"events"

/**
 * enum vnpu_genl_cmd - commands
 * @VNPU_CMD_UNSPEC: unused
 * @VNPU_CMD_GET_DEVICE: doit: the card named by %VNPU_ATTR_NPU_ID; dumpit:
 *	every card. Replies carry the telemetry attributes.
 * @VNPU_CMD_SET_POWER_CAP: set %VNPU_ATTR_POWER_CAP_UW of card
 *	%VNPU_ATTR_NPU_ID (between idle power and TDP; CAP_NET_ADMIN)
 * @VNPU_CMD_EVENT: a multicast event (%VNPU_ATTR_EVENT and its details)
 */
enum vnpu_genl_cmd {
	VNPU_CMD_UNSPEC,
	VNPU_CMD_GET_DEVICE,
	VNPU_CMD_SET_POWER_CAP,
	VNPU_CMD_EVENT,
	__VNPU_CMD_MAX,
};

#define VNPU_CMD_MAX (__VNPU_CMD_MAX - 1)

/**
 * enum vnpu_genl_attr - attributes
 * @VNPU_ATTR_UNSPEC: unused
 * @VNPU_ATTR_NPU_ID: u32, the N of /dev/accel/accelN
 * @VNPU_ATTR_NAME: string, marketing name
 * @VNPU_ATTR_PROFILE: string, profile key
 * @VNPU_ATTR_BUS_ID: string, PCI-style bus id
 * @VNPU_ATTR_POWER_UW: u64, power now, microwatts
 * @VNPU_ATTR_POWER_AVG_UW: u64, average power, microwatts
 * @VNPU_ATTR_ENERGY_UJ: u64, energy since plugged, microjoules
 * @VNPU_ATTR_POWER_CAP_UW: u64, power cap, microwatts
 * @VNPU_ATTR_TDP_UW: u64, thermal design power, microwatts
 * @VNPU_ATTR_TEMP_MC: s32, die temperature, millidegrees Celsius
 * @VNPU_ATTR_TEMP_MAX_MC: s32, throttle temperature
 * @VNPU_ATTR_TEMP_CRIT_MC: s32, critical temperature
 * @VNPU_ATTR_AICORE_PCT: u32, AI core utilization, percent
 * @VNPU_ATTR_DMA_PCT: u32, DMA utilization, percent
 * @VNPU_ATTR_CLOCK_MHZ: u32, AI core clock now
 * @VNPU_ATTR_CLOCK_MAX_MHZ: u32, full clock
 * @VNPU_ATTR_THROTTLE: u32, &enum vnpu_throttle bits
 * @VNPU_ATTR_HEALTH: u32, &enum vnpu_health
 * @VNPU_ATTR_MEM_USED: u64, device memory held by buffer objects, bytes
 * @VNPU_ATTR_MEM_TOTAL: u64, device memory budget, bytes
 * @VNPU_ATTR_EVENT: u32, &enum vnpu_event
 * @VNPU_ATTR_CTX_ID: u32, context of a job event
 * @VNPU_ATTR_SEQNO: u64, the job's sequence number in its context
 * @VNPU_ATTR_OFFSET: u32, stream offset of the packet a job stopped at
 * @VNPU_ATTR_ERROR: s32, negative errno of a failed job
 * @VNPU_ATTR_PAD: padding for 64-bit attributes
 * @VNPU_ATTR_HBM_TOTAL: u64, the card's HBM size, bytes
 */
enum vnpu_genl_attr {
	VNPU_ATTR_UNSPEC,
	VNPU_ATTR_NPU_ID,
	VNPU_ATTR_NAME,
	VNPU_ATTR_PROFILE,
	VNPU_ATTR_BUS_ID,
	VNPU_ATTR_POWER_UW,
	VNPU_ATTR_POWER_AVG_UW,
	VNPU_ATTR_ENERGY_UJ,
	VNPU_ATTR_POWER_CAP_UW,
	VNPU_ATTR_TDP_UW,
	VNPU_ATTR_TEMP_MC,
	VNPU_ATTR_TEMP_MAX_MC,
	VNPU_ATTR_TEMP_CRIT_MC,
	VNPU_ATTR_AICORE_PCT,
	VNPU_ATTR_DMA_PCT,
	VNPU_ATTR_CLOCK_MHZ,
	VNPU_ATTR_CLOCK_MAX_MHZ,
	VNPU_ATTR_THROTTLE,
	VNPU_ATTR_HEALTH,
	VNPU_ATTR_MEM_USED,
	VNPU_ATTR_MEM_TOTAL,
	VNPU_ATTR_EVENT,
	VNPU_ATTR_CTX_ID,
	VNPU_ATTR_SEQNO,
	VNPU_ATTR_OFFSET,
	VNPU_ATTR_ERROR,
	VNPU_ATTR_PAD,
	VNPU_ATTR_HBM_TOTAL,
	__VNPU_ATTR_MAX,
};

#define VNPU_ATTR_MAX (__VNPU_ATTR_MAX - 1)

/**
 * enum vnpu_throttle - why the card runs below its full clock
 * @VNPU_THROTTLE_REASON_THERMAL: above the throttle temperature
 * @VNPU_THROTTLE_REASON_POWER_CAP: above the power cap
 */
enum vnpu_throttle {
	VNPU_THROTTLE_REASON_THERMAL = 0x1,
	VNPU_THROTTLE_REASON_POWER_CAP = 0x2,
};

/**
 * enum vnpu_health - the card's health, as npu-smi reports it
 * @VNPU_HEALTH_OK: OK
 * @VNPU_HEALTH_WARNING: throttling
 * @VNPU_HEALTH_CRITICAL: too hot to run jobs
 */
enum vnpu_health {
	VNPU_HEALTH_OK = 0,
	VNPU_HEALTH_WARNING = 1,
	VNPU_HEALTH_CRITICAL = 2,
};

/**
 * enum vnpu_event - multicast events (%VNPU_ATTR_EVENT)
 * @VNPU_EVENT_THROTTLE_START: clock dropped; %VNPU_ATTR_THROTTLE says why
 * @VNPU_EVENT_THROTTLE_STOP: back to full clock
 * @VNPU_EVENT_CRITICAL_TEMP: critical temperature (%VNPU_ATTR_TEMP_MC)
 * @VNPU_EVENT_JOB_FAULT: a job failed with a device fault
 *	(%VNPU_ATTR_CTX_ID, %VNPU_ATTR_SEQNO, %VNPU_ATTR_OFFSET,
 *	%VNPU_ATTR_ERROR)
 * @VNPU_EVENT_JOB_TIMEOUT: a job hung (%VNPU_ATTR_CTX_ID, %VNPU_ATTR_SEQNO)
 * @VNPU_EVENT_RESET: a ring was reset after a timeout
 *
 * Every event carries %VNPU_ATTR_NPU_ID.
 */
enum vnpu_event {
	VNPU_EVENT_THROTTLE_START = 1,
	VNPU_EVENT_THROTTLE_STOP = 2,
	VNPU_EVENT_CRITICAL_TEMP = 3,
	VNPU_EVENT_JOB_FAULT = 4,
	VNPU_EVENT_JOB_TIMEOUT = 5,
	VNPU_EVENT_RESET = 6,
};

#endif /* _UAPI_LINUX_VNPU_GENL_H */
