/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel APIs that changed after 6.12 (the test kernel), behind one
 * spelling each. Only the 6.12 side is built and tested here; the newer
 * branches follow the upstream changes named next to them.
 */
#ifndef __VNPU_COMPAT_H__
#define __VNPU_COMPAT_H__

#include <linux/version.h>

#include <drm/drm_gem.h>
#include <drm/gpu_scheduler.h>

/* 6.15: drm_sched_init() takes a struct drm_sched_init_args. */
static inline int vnpu_sched_init(struct drm_gpu_scheduler *sched,
				  const struct drm_sched_backend_ops *ops,
				  u32 credit_limit, long timeout,
				  const char *name, struct device *dev)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
	const struct drm_sched_init_args args = {
		.ops = ops,
		.num_rqs = DRM_SCHED_PRIORITY_COUNT,
		.credit_limit = credit_limit,
		.hang_limit = INT_MAX,
		.timeout = timeout,
		.name = name,
		.dev = dev,
	};

	return drm_sched_init(sched, &args);
#else
	return drm_sched_init(sched, ops, NULL, DRM_SCHED_PRIORITY_COUNT,
			      credit_limit, INT_MAX, timeout, NULL, NULL, name,
			      dev);
#endif
}

/* 6.17: drm_sched_job_init() takes the client id (for fdinfo/tracing). */
static inline int vnpu_sched_job_init(struct drm_sched_job *job,
				      struct drm_sched_entity *entity,
				      struct drm_file *file)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
	return drm_sched_job_init(job, entity, 1, NULL, file->client_id);
#else
	return drm_sched_job_init(job, entity, 1, NULL);
#endif
}

/* 6.13: drm_sched_start() takes the errno for jobs it cannot restart. */
static inline void vnpu_sched_start(struct drm_gpu_scheduler *sched)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	drm_sched_start(sched, 0);
#else
	drm_sched_start(sched);
#endif
}

/* 6.17: DRM_GPU_SCHED_STAT_NOMINAL became DRM_GPU_SCHED_STAT_RESET. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
#define VNPU_SCHED_STAT_RESET DRM_GPU_SCHED_STAT_RESET
#else
#define VNPU_SCHED_STAT_RESET DRM_GPU_SCHED_STAT_NOMINAL
#endif

/* 6.16: the _unlocked GEM vmap helpers lost their suffix. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 16, 0)
#define vnpu_gem_vmap drm_gem_vmap
#define vnpu_gem_vunmap drm_gem_vunmap
#else
#define vnpu_gem_vmap drm_gem_vmap_unlocked
#define vnpu_gem_vunmap drm_gem_vunmap_unlocked
#endif

/* 6.14: struct drm_driver lost its .date. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 14, 0)
#define VNPU_DRIVER_DATE
#else
#define VNPU_DRIVER_DATE .date = "20261122",
#endif

/* 6.13: module namespaces are string literals. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define VNPU_IMPORT_NS_DMA_BUF MODULE_IMPORT_NS("DMA_BUF")
#else
#define VNPU_IMPORT_NS_DMA_BUF MODULE_IMPORT_NS(DMA_BUF)
#endif

#endif /* __VNPU_COMPAT_H__ */
