/* SPDX-License-Identifier: MIT */
/* The device backend: a vnpu card through vnpu.ko's ioctls (libdrm). */
#ifndef VNPU_DRM_H
#define VNPU_DRM_H

#include "vnpu_internal.h"

/* drmIoctl (EINTR/EAGAIN retried): 0 or a positive errno. */
int vnpu_rt_drm_ioctl(vnpu_device *dev, unsigned long req, void *arg);

/* Streams and events (vnpu_drm_stream.c). */
vnpu_status vnpu_rt_drm_stream_init(vnpu_stream *s);
void vnpu_rt_drm_stream_fini(vnpu_stream *s);
vnpu_status vnpu_rt_drm_submit(vnpu_stream *s, const void *cmd, size_t size,
			       const struct vnpu_rt_use *uses, size_t n,
			       uint64_t *seqno);
vnpu_status vnpu_rt_drm_wait(vnpu_stream *s, uint64_t timeout_ns);
vnpu_status vnpu_rt_drm_progress(vnpu_stream *s, uint64_t *submitted,
				 uint64_t *completed);
vnpu_status vnpu_rt_drm_wait_event(vnpu_stream *s, vnpu_event *e);
vnpu_status vnpu_rt_drm_event_init(vnpu_event *e);
void vnpu_rt_drm_event_fini(vnpu_event *e);
vnpu_status vnpu_rt_drm_event_record(vnpu_event *e, vnpu_stream *s);
vnpu_status vnpu_rt_drm_event_wait(vnpu_event *e, uint64_t timeout_ns);

#endif /* VNPU_DRM_H */
