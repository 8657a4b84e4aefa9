// SPDX-License-Identifier: GPL-2.0
/*
 * vnpu: DRM accel driver for an emulated Ascend-class FP4 NPU.
 *
 * This file holds the module's life cycle, the drm_driver and its ioctl
 * table, and the binding to the cards on the vnpu bus. Each concern of the
 * driver lives in a file of its own; the card lives in emu/ behind
 * vnpu_hw.h.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include <drm/drm_accel.h>
#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>

#include <drm/vnpu_accel.h>
#include "vnpu_compat.h"
#include "vnpu_ctx.h"
#include "vnpu_drv.h"

static int vnpu_open(struct drm_device *drm, struct drm_file *file)
{
	struct vnpu_file_priv *fpriv;

	fpriv = kzalloc(sizeof(*fpriv), GFP_KERNEL);
	if (!fpriv)
		return -ENOMEM;
	fpriv->vdev = to_vnpu_device(drm);
	vnpu_vm_init(&fpriv->vm);
	xa_init_flags(&fpriv->contexts, XA_FLAGS_ALLOC1);
	file->driver_priv = fpriv;
	return 0;
}

static void vnpu_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct vnpu_file_priv *fpriv = file->driver_priv;

	vnpu_ctx_release_all(file);
	xa_destroy(&fpriv->contexts);
	vnpu_vm_fini(&fpriv->vm);
	kfree(fpriv);
	file->driver_priv = NULL;
}

#define VNPU_IOCTL(n, func, flags) \
	DRM_IOCTL_DEF_DRV(VNPU_##n, vnpu_##func##_ioctl, flags)

static const struct drm_ioctl_desc vnpu_ioctls[] = {
	VNPU_IOCTL(GET_PARAM, get_param, DRM_RENDER_ALLOW),
	VNPU_IOCTL(BO_CREATE, bo_create, DRM_RENDER_ALLOW),
	VNPU_IOCTL(BO_INFO, bo_info, DRM_RENDER_ALLOW),
	VNPU_IOCTL(BO_WAIT, bo_wait, DRM_RENDER_ALLOW),
	VNPU_IOCTL(CTX_CREATE, ctx_create, DRM_RENDER_ALLOW),
	VNPU_IOCTL(CTX_DESTROY, ctx_destroy, DRM_RENDER_ALLOW),
	VNPU_IOCTL(CTX_QUERY, ctx_query, DRM_RENDER_ALLOW),
	VNPU_IOCTL(SUBMIT, submit, DRM_RENDER_ALLOW),
};

static const struct file_operations vnpu_fops = {
	.owner = THIS_MODULE,
	DRM_ACCEL_FOPS,
	.show_fdinfo = drm_show_fdinfo,
};

static const struct drm_driver vnpu_drm_driver = {
	.driver_features = DRIVER_COMPUTE_ACCEL | DRIVER_GEM | DRIVER_SYNCOBJ |
			   DRIVER_SYNCOBJ_TIMELINE,
	.open = vnpu_open,
	.postclose = vnpu_postclose,
	.gem_create_object = vnpu_gem_create_object,
	.show_fdinfo = vnpu_show_fdinfo,
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table,
	.ioctls = vnpu_ioctls,
	.num_ioctls = ARRAY_SIZE(vnpu_ioctls),
	.fops = &vnpu_fops,
	.name = DRIVER_NAME,
	.desc = DRIVER_DESC,
	VNPU_DRIVER_DATE
	.major = 1,
	.minor = 0,
};

static int vnpu_probe(struct device *dev)
{
	struct vnpu_device *vdev;
	int ret;

	vdev = devm_drm_dev_alloc(dev, &vnpu_drm_driver, struct vnpu_device,
				  drm);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);

	INIT_LIST_HEAD(&vdev->genl_node);
	vdev->hw = vnpu_hw_from_dev(dev);
	vdev->info = *vnpu_hw_info(vdev->hw);
	dev_set_drvdata(dev, vdev);

	ret = vnpu_rings_init(vdev);
	if (ret)
		return ret;
	ret = vnpu_hw_start(vdev->hw);
	if (ret)
		return ret;
	ret = vnpu_hwmon_init(vdev);
	if (ret)
		goto err_stop;
	ret = drm_dev_register(&vdev->drm, 0);
	if (ret)
		goto err_stop;
	vnpu_debugfs_init(vdev);
	vnpu_genl_add_device(vdev);

	drm_info(&vdev->drm, "%s (%s) at %s: %u AI cores, %llu MiB of %llu MiB backed\n",
		 vdev->info.name, vdev->info.profile, vdev->info.bus_id,
		 vdev->info.ai_cores, vdev->info.mem_budget >> 20,
		 vdev->info.mem_size >> 20);
	return 0;

err_stop:
	vnpu_hw_stop(vdev->hw);
	return ret;
}

static int vnpu_remove(struct device *dev)
{
	struct vnpu_device *vdev = dev_get_drvdata(dev);

	vnpu_genl_remove_device(vdev);
	/*
	 * Open files keep the drm_device alive past this point; unplugging
	 * makes their ioctls fail with -ENODEV instead of reaching the card.
	 */
	drm_dev_unplug(&vdev->drm);
	/* Jobs on the card complete with -ECANCELED; queued ones never run. */
	vnpu_hw_stop(vdev->hw);
	return 0;
}

static struct device_driver vnpu_driver = {
	.name = DRIVER_NAME,
	.bus = &vnpu_bus_type,
	.probe = vnpu_probe,
	.remove = vnpu_remove,
	.dev_groups = vnpu_dev_groups,
	.probe_type = PROBE_FORCE_SYNCHRONOUS,
};

static int __init vnpu_init(void)
{
	int ret;

	ret = vnpu_genl_init();
	if (ret)
		return ret;
	ret = vnpu_emu_bus_init();
	if (ret)
		goto err_genl;

	ret = driver_register(&vnpu_driver);
	if (ret)
		goto err_bus;

	ret = vnpu_emu_plug_initial();
	if (ret)
		goto err_driver;

	return 0;

err_driver:
	driver_unregister(&vnpu_driver);
err_bus:
	vnpu_emu_bus_exit();
err_genl:
	vnpu_genl_exit();
	return ret;
}

static void __exit vnpu_exit(void)
{
	vnpu_emu_unplug_all();
	driver_unregister(&vnpu_driver);
	vnpu_emu_bus_exit();
	vnpu_genl_exit();
}

module_init(vnpu_init);
module_exit(vnpu_exit);

MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_AUTHOR("The vnpu developers");
MODULE_LICENSE("GPL");
/* The DKMS package version; npu-smi compares installed and loaded. */
MODULE_VERSION("0.1.0");
VNPU_IMPORT_NS_DMA_BUF;
