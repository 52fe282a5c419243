// SPDX-License-Identifier: GPL-2.0-only
/*
 * SR-IOV for vfio-pci-core: VFs of a PF that user space drives, and the
 * VF token (upstream's protocol, v5.7) that makes the PF's user and the
 * VFs' users agree to trust each other.
 *
 * A PF driver can reset its VFs, deny them service or read what passes
 * through them, so a VF user must know it is working with a user space
 * PF, and the PF user must know its VFs are in use. Both sides share a
 * UUID: the PF user sets it (VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, or a
 * vf_token= on the PF's own open while no VF is open), and every open of
 * a VF whose PF is ours must name it:
 *
 *	"0000:01:00.1 vf_token=2ab74924-c335-45f4-9b16-8569e5b08258"
 *
 * So must an open of the PF while any of its VFs is open. A token given
 * where none is needed is refused, so that a user who believes in a
 * trust relationship that does not exist learns of it.
 *
 * Lifetime: a VF created by vfio_pci_core_sriov_configure() points at its
 * PF's vfio_pci_core_device from its registration to its removal. The PF
 * cannot go away in between: its remove() first disables SR-IOV, which
 * removes the VFs and so waits for every VF user to close.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/pm_runtime.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uuid.h>

#include "vfio_pci_priv.h"

struct vfio_pci_vf_token {
	struct mutex	lock;
	uuid_t		uuid;
	int		users;		/* open VFs of this PF */
};

/* PFs whose VFs vfio_pci_core_sriov_configure() created. */
static DEFINE_MUTEX(vfio_pci_sriov_pfs_lock);
static LIST_HEAD(vfio_pci_sriov_pfs);

/*
 * VFs of our PF go to the PF's VFIO driver: driver_override is set before
 * any driver can probe them, and a VF that still ends up with another
 * driver is worth a warning, since that driver trusts a PF it should not.
 */
static int vfio_pci_sriov_notify(struct notifier_block *nb,
				 unsigned long action, void *data)
{
	struct vfio_pci_core_device *vdev =
		container_of(nb, struct vfio_pci_core_device, sriov_nb);
	struct pci_dev *pf = vdev->pdev, *pdev = to_pci_dev(data);
	const char *name = vdev->vdev.ops->name;
	struct pci_driver *drv, *pf_drv;

	if (!pdev->is_virtfn || pci_physfn(pdev) != pf)
		return NOTIFY_DONE;

	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		if (!name || vfio_compat_pci_set_driver_override(pdev, name))
			pci_warn(pf, "VF %s: cannot set its driver_override; a host driver may claim it\n",
				 pci_name(pdev));
		else
			pci_info(pf, "VF %s: driver_override set to %s\n",
				 pci_name(pdev), name);
		break;
	case BUS_NOTIFY_BOUND_DRIVER:
		drv = pci_dev_driver(pdev);
		pf_drv = pci_dev_driver(pf);
		if (drv && drv != pf_drv)
			pci_warn(pf, "VF %s bound to driver %s while the PF is driven from user space by %s\n",
				 pci_name(pdev), drv->name,
				 pf_drv ? pf_drv->name : "vfio");
		break;
	}
	return NOTIFY_DONE;
}

int vfio_pci_sriov_init(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_core_device *cur;
	int ret;

	INIT_LIST_HEAD(&vdev->sriov_pfs_item);

	/*
	 * VFs that exist already were not created by us: their users, in
	 * the host or elsewhere, know nothing of a token. Disabling them
	 * here could block on them, so refuse and let the admin decide.
	 */
	if (pci_num_vf(pdev)) {
		pci_warn(pdev, "cannot bind: SR-IOV is enabled (%d VFs); set sriov_numvfs to 0 first\n",
			 pci_num_vf(pdev));
		return -EBUSY;
	}

	if (pdev->is_virtfn) {
		/* Stable until we are removed: see the head comment. */
		mutex_lock(&vfio_pci_sriov_pfs_lock);
		list_for_each_entry(cur, &vfio_pci_sriov_pfs, sriov_pfs_item) {
			if (cur->pdev == pci_physfn(pdev)) {
				vdev->sriov_pf = cur;
				break;
			}
		}
		mutex_unlock(&vfio_pci_sriov_pfs_lock);
		return 0;
	}

	if (!pdev->is_physfn)
		return 0;

	vdev->vf_token = kzalloc(sizeof(*vdev->vf_token), GFP_KERNEL);
	if (!vdev->vf_token)
		return -ENOMEM;
	mutex_init(&vdev->vf_token->lock);
	/* Unguessable until the PF user sets one it shares with VF users. */
	uuid_gen(&vdev->vf_token->uuid);

	vdev->sriov_nb.notifier_call = vfio_pci_sriov_notify;
	ret = bus_register_notifier(&pci_bus_type, &vdev->sriov_nb);
	if (ret) {
		mutex_destroy(&vdev->vf_token->lock);
		kfree(vdev->vf_token);
		vdev->vf_token = NULL;
	}
	return ret;
}

void vfio_pci_sriov_exit(struct vfio_pci_core_device *vdev)
{
	if (!vdev->vf_token)
		return;
	bus_unregister_notifier(&pci_bus_type, &vdev->sriov_nb);
	/* The VFs are gone, and their users with them. */
	WARN_ON(vdev->vf_token->users);
	mutex_destroy(&vdev->vf_token->lock);
	kfree(vdev->vf_token);
	vdev->vf_token = NULL;
}

/* A VF's first open and last close: its PF counts VFs in use. */
void vfio_pci_sriov_open(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_core_device *pf = vdev->sriov_pf;

	if (!pf)
		return;
	mutex_lock(&pf->vf_token->lock);
	pf->vf_token->users++;
	mutex_unlock(&pf->vf_token->lock);
}

void vfio_pci_sriov_close(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_core_device *pf = vdev->sriov_pf;

	if (!pf)
		return;
	mutex_lock(&pf->vf_token->lock);
	if (!WARN_ON(!pf->vf_token->users))
		pf->vf_token->users--;
	mutex_unlock(&pf->vf_token->lock);
}

/* Remove the VFs (waiting for their users) and forget the PF. */
void vfio_pci_sriov_disable(struct vfio_pci_core_device *vdev)
{
	bool pinned;

	if (pci_num_vf(vdev->pdev))
		pci_disable_sriov(vdev->pdev);

	mutex_lock(&vfio_pci_sriov_pfs_lock);
	list_del_init(&vdev->sriov_pfs_item);
	mutex_unlock(&vfio_pci_sriov_pfs_lock);

	down_write(&vdev->memory_lock);
	pinned = vdev->sriov_d0;
	vdev->sriov_d0 = false;
	up_write(&vdev->memory_lock);

	/* An idle PF may be runtime suspended (D3hot) again. */
	if (pinned)
		pm_runtime_put(&vdev->pdev->dev);
}

/*
 * sriov_numvfs of a bound PF, with the PF's device lock held. The PF may
 * be open by user space: the VF token is what protects its VFs' users.
 */
int vfio_pci_core_sriov_configure(struct vfio_pci_core_device *vdev,
				  int nr_virtfn)
{
	struct pci_dev *pdev = vdev->pdev;
	int ret;

	device_lock_assert(&pdev->dev);

	if (!vdev->vf_token)
		return -ENODEV;

	if (!nr_virtfn) {
		vfio_pci_sriov_disable(vdev);
		return 0;
	}

	/* Only one enable, until a disable. */
	mutex_lock(&vfio_pci_sriov_pfs_lock);
	if (!list_empty(&vdev->sriov_pfs_item)) {
		mutex_unlock(&vfio_pci_sriov_pfs_lock);
		return -EINVAL;
	}
	list_add_tail(&vdev->sriov_pfs_item, &vfio_pci_sriov_pfs);
	mutex_unlock(&vfio_pci_sriov_pfs_lock);

	/*
	 * VFs need their PF in D0. Pin it there first, so that neither
	 * runtime PM (the reference) nor a PMCSR write from user space
	 * (sriov_d0) can move it.
	 */
	ret = pm_runtime_resume_and_get(&pdev->dev);
	if (ret < 0) {
		vfio_pci_sriov_disable(vdev);
		return ret;
	}
	down_write(&vdev->memory_lock);
	vdev->sriov_d0 = true;
	up_write(&vdev->memory_lock);
	vfio_pci_set_power_state(vdev, PCI_D0);

	/* The VFs probe from here, and find this PF on the list. */
	ret = pci_enable_sriov(pdev, nr_virtfn);
	if (ret) {
		vfio_pci_sriov_disable(vdev);
		return ret;
	}
	return nr_virtfn;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_sriov_configure);

/*
 * VFIO_DEVICE_FEATURE_PCI_VF_TOKEN: SET only. A GET would hand the token
 * to whoever opens the PF next.
 */
int vfio_pci_sriov_feature_token(struct vfio_pci_core_device *vdev,
				 u32 flags, void __user *arg, size_t argsz)
{
	uuid_t uuid;
	int ret;

	if (!vdev->vf_token)
		return -ENOTTY;		/* not a PF */
	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET,
				 sizeof(uuid));
	if (ret != 1)
		return ret;
	if (copy_from_user(&uuid, arg, sizeof(uuid)))
		return -EFAULT;

	mutex_lock(&vdev->vf_token->lock);
	uuid_copy(&vdev->vf_token->uuid, &uuid);
	mutex_unlock(&vdev->vf_token->lock);
	return 0;
}

/* 0 if this open may go on; @uuid is NULL when no token was given. */
static int vfio_pci_check_vf_token(struct vfio_pci_core_device *vdev,
				   const uuid_t *uuid)
{
	struct vfio_pci_core_device *pf = vdev->sriov_pf;
	struct pci_dev *pdev = vdev->pdev;
	int users;
	bool ok;

	if (pdev->is_virtfn) {
		if (!pf) {
			if (!uuid)
				return 0;
			pci_info_ratelimited(pdev, "vf_token refused: the PF is not driven by vfio-pci, there is no token\n");
			return -EINVAL;
		}
		if (!uuid) {
			pci_info_ratelimited(pdev, "open refused: the PF is driven from user space; name its VF token (\"%s vf_token=<uuid>\")\n",
					     pci_name(pdev));
			return -EACCES;
		}
		mutex_lock(&pf->vf_token->lock);
		ok = uuid_equal(uuid, &pf->vf_token->uuid);
		mutex_unlock(&pf->vf_token->lock);
		if (!ok) {
			pci_info_ratelimited(pdev, "open refused: wrong VF token\n");
			return -EACCES;
		}
		return 0;
	}

	if (!vdev->vf_token) {
		if (!uuid)
			return 0;
		pci_info_ratelimited(pdev, "vf_token refused: neither a PF nor a VF\n");
		return -EINVAL;
	}

	/* A PF: VF users in place must be vouched for; else set it. */
	mutex_lock(&vdev->vf_token->lock);
	users = vdev->vf_token->users;
	ok = !users || (uuid && uuid_equal(uuid, &vdev->vf_token->uuid));
	if (!users && uuid)
		uuid_copy(&vdev->vf_token->uuid, uuid);
	mutex_unlock(&vdev->vf_token->lock);
	if (!ok) {
		pci_info_ratelimited(pdev, "open refused: %d of its VFs are in use; %s\n",
				     users, uuid ? "wrong VF token" :
				     "name their VF token (vf_token=<uuid>)");
		return -EACCES;
	}
	return 0;
}

#define VFIO_PCI_VF_TOKEN_ARG	"vf_token="

/*
 * GET_DEVICE_FD's name: the PCI name, then optionally spaces and one
 * vf_token=<uuid>. >0 opens, 0 is not this device, <0 refuses the open.
 */
int vfio_pci_core_match(struct vfio_device *core_vdev, char *buf)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);
	const char *name = pci_name(vdev->pdev);
	size_t len = strlen(name), arglen = strlen(VFIO_PCI_VF_TOKEN_ARG);
	uuid_t uuid;
	bool token = false;
	int ret;

	if (strncmp(buf, name, len))
		return 0;
	buf += len;
	if (*buf && *buf != ' ')
		return 0;	/* a longer name: not this device */

	while (*buf) {
		if (*buf == ' ') {
			buf++;
			continue;
		}
		/* One vf_token= and nothing else. */
		if (token || strncmp(buf, VFIO_PCI_VF_TOKEN_ARG, arglen))
			return -EINVAL;
		buf += arglen;
		if (strnlen(buf, UUID_STRING_LEN) < UUID_STRING_LEN)
			return -EINVAL;
		ret = uuid_parse(buf, &uuid);
		if (ret)
			return ret;
		buf += UUID_STRING_LEN;
		token = true;
	}

	ret = vfio_pci_check_vf_token(vdev, token ? &uuid : NULL);
	return ret ? ret : 1;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_match);
