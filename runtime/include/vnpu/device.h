/* SPDX-License-Identifier: MIT */
/*
 * libvnpu: devices.
 *
 * A device is either a vnpu card (an accel node driven by vnpu.ko, the
 * "device" backend) or the CPU backend, which runs the same command
 * streams in this process with the card's compute engine and gives
 * bit-identical results. Both report the same vnpu_device_info fields.
 */
#ifndef VNPU_DEVICE_H
#define VNPU_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include <vnpu/status.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* An open device (opaque). */
typedef struct vnpu_device vnpu_device;

/**
 * enum vnpu_backend - what executes a device's command streams
 * @VNPU_BACKEND_DEVICE: a vnpu card through the kernel driver
 * @VNPU_BACKEND_CPU: the in-process interpreter on host threads
 */
typedef enum vnpu_backend {
	VNPU_BACKEND_DEVICE = 0,
	VNPU_BACKEND_CPU = 1,
} vnpu_backend;

/**
 * struct vnpu_device_desc - a card found by vnpu_device_enumerate()
 * @path: its node, e.g. "/dev/accel/accel0"
 * @minor: the N of accelN
 * @accessible: the node could be opened read-write by this process
 */
typedef struct vnpu_device_desc {
	char path[64];
	uint32_t minor;
	uint32_t accessible;
} vnpu_device_desc;

/*
 * List the vnpu cards: accel nodes whose DRM driver name is "vnpu"
 * (nodes that cannot be opened are identified through sysfs and listed
 * with accessible = 0). Writes at most MAX entries to DESCS (which may be
 * NULL when MAX is 0) in minor order and the number of cards found to
 * *COUNT. No card is not an error: *COUNT is 0.
 */
VNPU_API vnpu_status vnpu_device_enumerate(vnpu_device_desc *descs, size_t max,
					   size_t *count);

/**
 * struct vnpu_device_options - how a device is opened
 * @cpu_threads: CPU backend worker threads, counting the stream's own
 *	thread (0: one per online CPU); ignored by the device backend
 * @cpu_features: engine SIMD features the CPU backend may use (VNPU_CPU_*
 *	of the engine; UINT32_MAX: all the host has); ignored by the device
 *	backend. Results never depend on it.
 */
typedef struct vnpu_device_options {
	uint32_t cpu_threads;
	uint32_t cpu_features;
} vnpu_device_options;

/* Fill OPTS with the defaults (0 threads = automatic, all features). */
VNPU_API void vnpu_device_options_init(vnpu_device_options *opts);

/*
 * Open a device by NAME:
 *   NULL or ""          as VNPU_BACKEND says (auto: the first card if there
 *                       is one, else the CPU backend)
 *   "cpu"               the CPU backend
 *   "/dev/accel/accelN" (any path) that node, which must be a vnpu card
 *   "N"                 the N-th card of vnpu_device_enumerate()
 * OPTS may be NULL. On failure *DEVICE is NULL and the message says why
 * and what to do: NOT_FOUND when there is no card (telling a module that
 * is not installed from one that is not loaded), PERMISSION_DENIED for a
 * node this user may not open, VERSION_MISMATCH when vnpu.ko and libvnpu
 * disagree on the ABI (naming the side to upgrade).
 */
VNPU_API vnpu_status vnpu_device_open(const char *name,
				      const vnpu_device_options *opts,
				      vnpu_device **device);
/* Open the INDEX-th card of vnpu_device_enumerate(). */
VNPU_API vnpu_status vnpu_device_open_index(uint32_t index,
					    const vnpu_device_options *opts,
					    vnpu_device **device);

/*
 * Close DEVICE. Every buffer, stream, event and command buffer made on it
 * must be destroyed first: BUSY otherwise (the device stays open).
 * NULL is accepted and does nothing.
 */
VNPU_API vnpu_status vnpu_device_close(vnpu_device *device);

/**
 * struct vnpu_device_info - what a device reports (DRM_VNPU_PARAM_* of
 *	uapi/drm/vnpu_accel.h for a card; the CPU backend reports its own
 *	limits, the card's ABI and command-stream versions, and zero peaks)
 * @backend: enum vnpu_backend
 * @path: the node, or "cpu"
 * @name: marketing name ("Atlas 350", or "CPU backend")
 * @profile: card profile ("atlas350", "950dt", "h20"; "cpu")
 * @bus_id: PCI-style bus id ("" for the CPU backend)
 * @abi_version: the kernel's DRM_VNPU_ABI_VERSION
 * @cmd_version: the command-stream version the device runs
 * @vendor_id: PCI vendor id (0 for the CPU backend)
 * @device_id: PCI device id
 * @ai_cores: AI cores (CPU backend: worker threads)
 * @mem_size: device memory the card reports, bytes
 * @mem_budget: memory actually available to buffers, bytes
 * @peak_fp4_flops: dense FP4 peak, FLOP/s
 * @peak_fp8_flops: dense FP8 peak, FLOP/s
 * @peak_bf16_flops: dense BF16 peak, FLOP/s
 * @mem_bandwidth: bytes/s
 * @link_bandwidth: bytes/s
 * @tdp_uw: thermal design power, microwatts
 * @max_buffer_size: largest buffer, bytes
 * @va_base: lowest device address of a buffer
 * @va_size: size of the device address space, bytes
 * @max_cmd_size: longest command stream, bytes
 * @max_submit_buffers: most buffers one submission may list
 * @max_submit_syncs: most syncobjs one submission may wait on or signal
 */
typedef struct vnpu_device_info {
	uint32_t backend;
	char path[64];
	char name[64];
	char profile[32];
	char bus_id[32];
	uint32_t abi_version;
	uint32_t cmd_version;
	uint32_t vendor_id;
	uint32_t device_id;
	uint32_t ai_cores;
	uint64_t mem_size;
	uint64_t mem_budget;
	uint64_t peak_fp4_flops;
	uint64_t peak_fp8_flops;
	uint64_t peak_bf16_flops;
	uint64_t mem_bandwidth;
	uint64_t link_bandwidth;
	uint64_t tdp_uw;
	uint64_t max_buffer_size;
	uint64_t va_base;
	uint64_t va_size;
	uint64_t max_cmd_size;
	uint32_t max_submit_buffers;
	uint32_t max_submit_syncs;
} vnpu_device_info;

/* Copy DEVICE's information into *INFO. */
VNPU_API vnpu_status vnpu_device_info_get(const vnpu_device *device,
					  vnpu_device_info *info);

#if defined(__cplusplus)
}
#endif

#endif /* VNPU_DEVICE_H */
