// SPDX-License-Identifier: GPL-2.0
/*
 * KVM's VFIO pseudo-device on the loaded vfio: kvm.ko finds vfio's
 * functions by name with symbol_get() (5.10: the vfio_group_*external_user
 * family; later kernels: vfio_file_*), so adding a group to a VM's VFIO
 * device works only if those exports are there and behave. QEMU's TCG
 * emulates AMD SVM, so kvm_amd loads in the guest and a real VM fd exists.
 *
 *   t_kvm BDF        (a device bound to vfio-pci, alone in its group)
 */
#include <linux/kvm.h>

#include "vfio_util.h"

/* The same numbers under their 6.6 names: KVM_DEV_VFIO_FILE{,_ADD,_DEL}. */
#define KVM_VFIO_GROUP		1
#define KVM_VFIO_ADD		1
#define KVM_VFIO_DEL		2

static int kvm_vfio_attr(int dev, __u64 attr, int fd)
{
	__s32 val = fd;
	struct kvm_device_attr a = {
		.group = KVM_VFIO_GROUP,
		.attr = attr,
		.addr = (__u64)(uintptr_t)&val,
	};

	return ioctl(dev, KVM_SET_DEVICE_ATTR, &a);
}

static bool cpu_has_virt(void)
{
	char line[4096];
	bool found = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5))
			found = strstr(line, " svm") || strstr(line, " vmx");
	fclose(f);
	return found;
}

/* A VM with a VFIO device: the VM fd, and the device fd in *@dev. */
static int vm_with_vfio_dev(int kvm, int *dev)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO };
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);

	*dev = -1;
	if (vm < 0)
		return -1;
	if (ioctl(vm, KVM_CREATE_DEVICE, &cd)) {
		close(vm);
		return -1;
	}
	*dev = cd.fd;
	return vm;
}

/* 0 if the group node opens again (nobody holds the group file), or -errno. */
static int group_reopen(struct vdev *d)
{
	char path[64];
	int fd, i;

	snprintf(path, sizeof(path), "/dev/vfio/%d", d->group_id);
	/* The last reference goes through a deferred fput: give it a moment. */
	for (i = 0; i < 20; i++) {
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		if (errno != EBUSY)
			return -errno;
		vu_sleep_ms(50);
	}
	return -EBUSY;
}

int main(int argc, char **argv)
{
	long ref0, ref1;
	int kvm, vm, dev, efd, ret, err;
	struct vdev d;

	if (argc != 2) {
		fprintf(stderr, "usage: t_kvm BDF\n");
		return 2;
	}
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		if (!cpu_has_virt()) {
			not_applicable("kvm-vfio",
				       "the guest CPU has neither SVM nor VMX, so there is no KVM");
			return 0;
		}
		check(false, "kvm-open", "/dev/kvm: %s, though the CPU has SVM or VMX",
		      strerror(errno));
		return check_exit();
	}
	ref0 = vu_module_refcnt("vfio");
	if (!check(vu_open(&d, argv[1], true), "kvm-vfio-open", "%s", d.why))
		goto out;

	vm = vm_with_vfio_dev(kvm, &dev);
	if (!check(vm >= 0, "kvm-vfio-device", "KVM_CREATE_VM / KVM_CREATE_DEVICE(VFIO): %s",
		   strerror(errno)))
		goto out;

	ret = kvm_vfio_attr(dev, KVM_VFIO_ADD, d.group);
	check(ret == 0, "kvm-vfio-group-add",
	      "adding group %d to the VM's VFIO device: %s (kvm.ko found vfio's exports with symbol_get()?)",
	      d.group_id, strerror(errno));
	ret = kvm_vfio_attr(dev, KVM_VFIO_ADD, d.group);
	err = errno;
	check(ret == -1 && err == EEXIST, "kvm-vfio-group-add-twice",
	      "adding it again: ret %d (%s), want EEXIST", ret,
	      ret ? strerror(err) : "ok");

	efd = vu_eventfd();
	ret = kvm_vfio_attr(dev, KVM_VFIO_ADD, efd);
	err = errno;
	check(ret == -1 && err == EINVAL, "kvm-vfio-add-not-vfio",
	      "adding an eventfd: ret %d (%s), want EINVAL", ret,
	      ret ? strerror(err) : "ok");
	close(efd);

	ret = kvm_vfio_attr(dev, KVM_VFIO_DEL, d.group);
	check(ret == 0, "kvm-vfio-group-del", "deleting the group: %s",
	      strerror(errno));
	ret = kvm_vfio_attr(dev, KVM_VFIO_DEL, d.group);
	err = errno;
	check(ret == -1 && err == ENOENT, "kvm-vfio-group-del-twice",
	      "deleting it again: ret %d (%s), want ENOENT", ret,
	      ret ? strerror(err) : "ok");

	/*
	 * KVM keeps the group file while the group is added: with our fds
	 * closed the group stays busy, and the VM's end frees it.
	 */
	ret = kvm_vfio_attr(dev, KVM_VFIO_ADD, d.group);
	check(ret == 0, "kvm-vfio-group-readd", "adding the group again: %s",
	      strerror(errno));
	vu_close(&d);
	err = group_reopen(&d);
	check(err == -EBUSY, "kvm-holds-group",
	      "with the VM holding group %d, reopening it gave %s, want EBUSY",
	      d.group_id, err ? strerror(-err) : "success");
	close(dev);
	close(vm);
	err = group_reopen(&d);
	check(err == 0, "kvm-vm-end-frees-group",
	      "after the VM's end, reopening group %d: %s", d.group_id,
	      strerror(-err));

	/* Whatever KVM took of vfio (symbol_get(), the file) is given back. */
	ref1 = vu_module_refcnt("vfio");
	check(ref0 >= 0 && ref1 == ref0, "kvm-vfio-module-refs",
	      "vfio's module refcount %ld before, %ld after the VM", ref0,
	      ref1);
out:
	vu_close(&d);
	close(kvm);
	return check_exit();
}
