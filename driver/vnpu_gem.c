// SPDX-License-Identifier: GPL-2.0
/*
 * Buffer objects: shmem-backed device memory, the card's memory budget,
 * and each file's device address space.
 *
 * A buffer object gets a device VA in every file that holds a handle on it
 * (the GEM open/close callbacks map and unmap it), so a dma-buf imported by
 * another process has an address there too, and no file can name memory it
 * holds no handle to.
 */
#include <linux/dma-resv.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/drm_utils.h>
#include <drm/vnpu_accel.h>

#include "vnpu_drv.h"
#include "vnpu_gem.h"

static struct vnpu_file_priv *to_fpriv(struct drm_file *file)
{
	return file->driver_priv;
}

static struct vnpu_vm_map *vnpu_vm_find(struct vnpu_vm *vm,
					struct drm_gem_object *obj)
{
	struct vnpu_vm_map *map;

	hash_for_each_possible(vm->maps, map, hash, (unsigned long)obj)
		if (map->obj == obj)
			return map;
	return NULL;
}

u64 vnpu_vm_va(struct drm_file *file, struct drm_gem_object *obj)
{
	struct vnpu_vm *vm = &to_fpriv(file)->vm;
	struct vnpu_vm_map *map;
	u64 va = 0;

	mutex_lock(&vm->lock);
	map = vnpu_vm_find(vm, obj);
	if (map)
		va = map->node.start;
	mutex_unlock(&vm->lock);
	return va;
}

/* A new handle on OBJ in FILE: map it there unless it already is. */
static int vnpu_bo_open(struct drm_gem_object *obj, struct drm_file *file)
{
	struct vnpu_vm *vm = &to_fpriv(file)->vm;
	struct vnpu_vm_map *map;
	int ret = 0;

	mutex_lock(&vm->lock);
	map = vnpu_vm_find(vm, obj);
	if (map) {
		map->handles++;
		goto out;
	}
	map = kzalloc(sizeof(*map), GFP_KERNEL);
	if (!map) {
		ret = -ENOMEM;
		goto out;
	}
	ret = drm_mm_insert_node_generic(&vm->mm, &map->node, obj->size,
					 PAGE_SIZE, 0, DRM_MM_INSERT_BEST);
	if (ret) {
		kfree(map);
		goto out;
	}
	map->obj = obj;
	map->handles = 1;
	hash_add(vm->maps, &map->hash, (unsigned long)obj);
out:
	mutex_unlock(&vm->lock);
	return ret;
}

static void vnpu_bo_close(struct drm_gem_object *obj, struct drm_file *file)
{
	struct vnpu_vm *vm = &to_fpriv(file)->vm;
	struct vnpu_vm_map *map;

	mutex_lock(&vm->lock);
	map = vnpu_vm_find(vm, obj);
	if (map && !--map->handles) {
		hash_del(&map->hash);
		drm_mm_remove_node(&map->node);
		kfree(map);
	}
	mutex_unlock(&vm->lock);
}

static void vnpu_bo_free(struct drm_gem_object *obj)
{
	struct vnpu_device *vdev = to_vnpu_device(obj->dev);
	struct vnpu_bo *bo = to_vnpu_bo(obj);

	if (bo->charged) {
		atomic64_sub(bo->charged, &vdev->mem_used);
		atomic_dec(&vdev->bo_count);
	}
	drm_gem_shmem_free(&bo->base);
}

/* fdinfo: pages are allocated on first use, so a BO may not be resident. */
static enum drm_gem_object_status vnpu_bo_status(struct drm_gem_object *obj)
{
	return READ_ONCE(to_drm_gem_shmem_obj(obj)->pages) ?
		DRM_GEM_OBJECT_RESIDENT : 0;
}

static size_t vnpu_bo_rss(struct drm_gem_object *obj)
{
	return READ_ONCE(to_drm_gem_shmem_obj(obj)->pages) ? obj->size : 0;
}

static const struct drm_gem_object_funcs vnpu_bo_funcs = {
	.status = vnpu_bo_status,
	.rss = vnpu_bo_rss,
	.free = vnpu_bo_free,
	.open = vnpu_bo_open,
	.close = vnpu_bo_close,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

struct drm_gem_object *vnpu_gem_create_object(struct drm_device *drm,
					      size_t size)
{
	struct vnpu_bo *bo;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->base.base.funcs = &vnpu_bo_funcs;
	return &bo->base.base;
}

void vnpu_vm_init(struct vnpu_vm *vm)
{
	mutex_init(&vm->lock);
	drm_mm_init(&vm->mm, VNPU_VA_BASE, VNPU_VA_SIZE);
	hash_init(vm->maps);
}

/* After drm_gem_release(): every handle, and so every map, is gone. */
void vnpu_vm_fini(struct vnpu_vm *vm)
{
	drm_mm_takedown(&vm->mm);
	mutex_destroy(&vm->lock);
}

/* Reserve SIZE bytes of the card's budget: 0 or -ENOSPC. */
static int vnpu_mem_charge(struct vnpu_device *vdev, u64 size)
{
	u64 used = atomic64_read(&vdev->mem_used);

	do {
		if (size > vdev->info.mem_budget - used)
			return -ENOSPC;
	} while (!atomic64_try_cmpxchg(&vdev->mem_used, &used, used + size));
	atomic_inc(&vdev->bo_count);
	return 0;
}

int vnpu_bo_create_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct vnpu_device *vdev = to_vnpu_device(drm);
	struct drm_vnpu_bo_create *args = data;
	struct drm_gem_shmem_object *shmem;
	struct vnpu_bo *bo;
	u64 size;
	u32 handle;
	int ret;

	if (args->flags || !args->size) {
		drm_dbg(drm, "BO_CREATE: flags %#x, size %llu\n", args->flags,
			args->size);
		return -EINVAL;
	}
	/* The limit is checked before rounding, so rounding cannot wrap. */
	if (args->size > vnpu_max_bo_size(vdev)) {
		drm_dbg(drm, "BO_CREATE: size %llu above the limit %llu\n",
			args->size, vnpu_max_bo_size(vdev));
		return -E2BIG;
	}
	size = PAGE_ALIGN(args->size);

	ret = vnpu_mem_charge(vdev, size);
	if (ret) {
		drm_dbg(drm, "BO_CREATE: %llu bytes exceed the free budget\n",
			size);
		return ret;
	}
	shmem = drm_gem_shmem_create(drm, size);
	if (IS_ERR(shmem)) {
		atomic64_sub(size, &vdev->mem_used);
		atomic_dec(&vdev->bo_count);
		return PTR_ERR(shmem);
	}
	bo = container_of(shmem, struct vnpu_bo, base);
	bo->charged = size;

	/* Maps the object into this file's VA space (vnpu_bo_open). */
	ret = drm_gem_handle_create(file, &shmem->base, &handle);
	drm_gem_object_put(&shmem->base);
	if (ret)
		return ret;

	args->handle = handle;
	args->size = size;
	args->va = vnpu_vm_va(file, &shmem->base);
	return 0;
}

int vnpu_bo_info_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	struct drm_vnpu_bo_info *args = data;
	struct drm_gem_object *obj;
	int ret;

	if (args->flags)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	ret = drm_gem_create_mmap_offset(obj);
	if (!ret) {
		args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
		args->va = vnpu_vm_va(file, obj);
		args->size = obj->size;
	}
	drm_gem_object_put(obj);
	return ret;
}

/*
 * The error of a failed job among OBJ's fences, or 0. The locked iterator
 * also visits signalled fences, which are the ones that carry a result.
 */
static int vnpu_bo_job_status(struct drm_gem_object *obj)
{
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	int status = 0, ret;

	ret = dma_resv_lock_interruptible(obj->resv, NULL);
	if (ret)
		return ret;
	dma_resv_for_each_fence(&cursor, obj->resv, DMA_RESV_USAGE_BOOKKEEP,
				fence) {
		if (!status && dma_fence_is_signaled(fence))
			status = fence->error;
	}
	dma_resv_unlock(obj->resv);
	return status;
}

int vnpu_bo_wait_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	struct drm_vnpu_bo_wait *args = data;
	struct drm_gem_object *obj;
	long timeout, ret;

	if (args->flags || args->pad)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;

	timeout = drm_timeout_abs_to_jiffies(args->timeout_ns);
	ret = dma_resv_wait_timeout(obj->resv, DMA_RESV_USAGE_BOOKKEEP, true,
				    timeout);
	if (ret == 0)
		ret = -ETIME;
	else if (ret > 0)
		ret = 0;
	args->job_status = ret ? 0 : vnpu_bo_job_status(obj);
	drm_gem_object_put(obj);
	return ret;
}
