/* SPDX-License-Identifier: GPL-2.0 */
#ifndef __VNPU_GEM_H__
#define __VNPU_GEM_H__

#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_mm.h>
#include <linux/bits.h>
#include <linux/hashtable.h>
#include <linux/mutex.h>

struct vnpu_device;

/* Device virtual addresses start at 4 GiB so a 32-bit zero is never valid. */
#define VNPU_VA_BASE 0x100000000ull
#define VNPU_VA_SIZE BIT_ULL(40)

/**
 * struct vnpu_bo - a buffer object in device memory
 * @base: shmem GEM object (host pages back the card's memory)
 * @charged: bytes counted against the card's memory budget; 0 for
 *	buffers imported from another device
 */
struct vnpu_bo {
	struct drm_gem_shmem_object base;
	u64 charged;
};

/**
 * struct vnpu_vm - one file's device address space
 * @lock: protects @mm and @maps
 * @mm: allocator of device VAs
 * @maps: struct vnpu_vm_map by GEM object
 */
struct vnpu_vm {
	struct mutex lock; /* protects mm and maps */
	struct drm_mm mm;
	DECLARE_HASHTABLE(maps, 8);
};

/**
 * struct vnpu_vm_map - a buffer object mapped into one file's address space
 * @node: the VA range; node.start is the device VA
 * @hash: entry in vnpu_vm.maps
 * @obj: the mapped object (no reference: the handle holds one)
 * @handles: GEM handles of this file on @obj (the map lives while > 0)
 */
struct vnpu_vm_map {
	struct drm_mm_node node;
	struct hlist_node hash;
	struct drm_gem_object *obj;
	unsigned int handles;
};

static inline struct vnpu_bo *to_vnpu_bo(struct drm_gem_object *obj)
{
	return container_of(to_drm_gem_shmem_obj(obj), struct vnpu_bo, base);
}

struct drm_gem_object *vnpu_gem_create_object(struct drm_device *drm,
					      size_t size);
void vnpu_vm_init(struct vnpu_vm *vm);
void vnpu_vm_fini(struct vnpu_vm *vm);
/* VA of OBJ in FILE's address space, 0 if it is not mapped there. */
u64 vnpu_vm_va(struct drm_file *file, struct drm_gem_object *obj);

int vnpu_bo_create_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file);
int vnpu_bo_info_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file);
int vnpu_bo_wait_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file);

#endif /* __VNPU_GEM_H__ */
