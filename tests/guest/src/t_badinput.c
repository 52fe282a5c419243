// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed requests on every fd (container with Type1, group, device) and
 * upstream's exact errno for each.
 *
 *   t_badinput BDF        (an edu bound to vfio-pci)
 */
#include "vfio_util.h"

/* A command number no VFIO release has used. */
#define VFIO_UNUSED_IOCTL	_IO(VFIO_TYPE, VFIO_BASE + 60)
#define BAD_FLAG		(1U << 31)
#define IOVA			0x100000UL

static bool expect(int ret, int want, const char *name, const char *what)
{
	int err = errno;

	return check(ret == -1 && err == want, name,
		     "%s returned %d (%s), want -1 (%s)", what, ret,
		     ret == -1 ? strerror(err) : "no error", strerror(want));
}

/*
 * Upstream Type1 reports an iova/vaddr + size that wraps with EOVERFLOW;
 * older in-tree Type1 said EINVAL. The bundle must say EOVERFLOW.
 */
static void expect_overflow(int ret, const char *name, const char *what)
{
	int err = errno;

	if (ret == -1 && err == EINVAL && !vu_bundle()) {
		not_applicable(name,
			       "%s: the in-tree type1 of %s returns EINVAL; upstream returns EOVERFLOW since its overflow hardening",
			       what, vu_release());
		return;
	}
	check(ret == -1 && err == EOVERFLOW, name,
	      "%s returned %d (%s), want -1 (%s)", what, ret,
	      ret == -1 ? strerror(err) : "no error", strerror(EOVERFLOW));
}

/*
 * Where an older in-tree vfio answers @old instead of upstream's @want:
 * N/A with the reason there, but the bundle must give upstream's errno.
 */
static void in_tree_differs(int ret, int want, int old, const char *name,
			    const char *what, const char *why)
{
	int err = errno;

	if (ret == -1 && err == old && !vu_bundle()) {
		not_applicable(name, "%s: the in-tree vfio of %s returns '%s' (%s); upstream returns '%s'",
			       what, vu_release(), strerror(old), why,
			       strerror(want));
		return;
	}
	errno = err;
	expect(ret, want, name, what);
}

static int map(int container, __u32 argsz, __u32 flags, __u64 vaddr,
	       __u64 iova, __u64 size)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = argsz,
		.flags = flags,
		.vaddr = vaddr,
		.iova = iova,
		.size = size,
	};

	return ioctl(container, VFIO_IOMMU_MAP_DMA, &m);
}

static int unmap(int container, __u32 argsz, __u32 flags, __u64 iova,
		 __u64 size, __u64 *done)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = argsz,
		.flags = flags,
		.iova = iova,
		.size = size,
	};
	int ret = ioctl(container, VFIO_IOMMU_UNMAP_DMA, &u);

	if (done)
		*done = u.size;
	return ret;
}

static void container_bad(int c)
{
	const __u32 rw = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	struct vfio_iommu_type1_info info = { .argsz = 4 };
	const __u32 msz = sizeof(struct vfio_iommu_type1_dma_map);
	const __u32 usz = sizeof(struct vfio_iommu_type1_dma_unmap);
	char *buf = vu_alloc(4 * VU_PAGE);
	__u64 va = (__u64)(uintptr_t)buf, done = ~0ULL;
	int ret;

	if (!check(buf, "bad-alloc", "mmap: %s", strerror(errno)))
		return;
	expect(ioctl(c, VFIO_IOMMU_GET_INFO, &info), EINVAL,
	       "bad-iommu-info-argsz", "IOMMU_GET_INFO with argsz 4");
	expect(map(c, 8, rw, va, IOVA, VU_PAGE), EINVAL, "bad-map-argsz",
	       "MAP_DMA with argsz 8");
	expect(map(c, msz, rw | BAD_FLAG, va, IOVA, VU_PAGE), EINVAL,
	       "bad-map-flags", "MAP_DMA with flag bit 31");
	expect(map(c, msz, rw, va, IOVA, 0), EINVAL, "bad-map-size-zero",
	       "MAP_DMA of size 0");
	expect(map(c, msz, rw, va, IOVA + 0x800, VU_PAGE), EINVAL,
	       "bad-map-unaligned-iova", "MAP_DMA at iova +0x800");
	expect(map(c, msz, rw, va + 0x800, IOVA, VU_PAGE), EINVAL,
	       "bad-map-unaligned-vaddr", "MAP_DMA of vaddr +0x800");
	expect(map(c, msz, rw, va, IOVA, 0x800), EINVAL,
	       "bad-map-unaligned-size", "MAP_DMA of size 0x800");
	expect_overflow(map(c, msz, rw, va, ~0ULL - VU_PAGE + 1, 2 * VU_PAGE),
			"bad-map-iova-wrap", "MAP_DMA at iova 2^64-4K, size 8K");
	expect_overflow(map(c, msz, rw, ~0ULL - VU_PAGE + 1, IOVA,
			    2 * VU_PAGE),
			"bad-map-vaddr-wrap", "MAP_DMA of vaddr 2^64-4K, size 8K");

	expect(unmap(c, 8, 0, IOVA, VU_PAGE, NULL), EINVAL, "bad-unmap-argsz",
	       "UNMAP_DMA with argsz 8");
	expect(unmap(c, usz, BAD_FLAG, IOVA, VU_PAGE, NULL), EINVAL,
	       "bad-unmap-flags", "UNMAP_DMA with flag bit 31");
	expect(unmap(c, usz, 0, IOVA, 0, NULL), EINVAL, "bad-unmap-size-zero",
	       "UNMAP_DMA of size 0");
	expect(unmap(c, usz, 0, IOVA + 0x800, VU_PAGE, NULL), EINVAL,
	       "bad-unmap-unaligned", "UNMAP_DMA at iova +0x800");
	expect_overflow(unmap(c, usz, 0, ~0ULL - VU_PAGE + 1, 2 * VU_PAGE,
			      NULL),
			"bad-unmap-iova-wrap", "UNMAP_DMA at iova 2^64-4K, size 8K");

	ret = unmap(c, usz, 0, 0x7000000, 4 * VU_PAGE, &done);
	check(ret == 0 && done == 0, "unmap-never-mapped",
	      "UNMAP_DMA of a never-mapped range returned %d (%s), size %#llx, want 0 and 0",
	      ret, ret ? strerror(errno) : "ok", (unsigned long long)done);

	/* A second mapping over a mapped IOVA is refused. */
	ret = map(c, msz, rw, va, IOVA, 2 * VU_PAGE);
	if (check(ret == 0, "map-for-overlap", "MAP_DMA: %s", strerror(errno))) {
		expect(map(c, msz, rw, va + 2 * VU_PAGE, IOVA + VU_PAGE,
			   2 * VU_PAGE), EEXIST, "bad-map-overlap",
		       "MAP_DMA overlapping a mapping");
		done = 0;
		ret = unmap(c, usz, 0, IOVA, 2 * VU_PAGE, &done);
		check(ret == 0 && done == 2 * VU_PAGE, "unmap-after-overlap",
		      "UNMAP_DMA returned %d, size %#llx, want 0 and 0x2000",
		      ret, (unsigned long long)done);
	}

	if (ioctl(c, VFIO_CHECK_EXTENSION, VFIO_UNMAP_ALL) == 1) {
		expect(unmap(c, usz, VFIO_DMA_UNMAP_FLAG_ALL, IOVA, VU_PAGE,
			     NULL), EINVAL, "bad-unmap-all-with-range",
		       "UNMAP_DMA(ALL) with a range");
		map(c, msz, rw, va, IOVA, VU_PAGE);
		map(c, msz, rw, va + VU_PAGE, 0x300000, 2 * VU_PAGE);
		done = 0;
		ret = unmap(c, usz, VFIO_DMA_UNMAP_FLAG_ALL, 0, 0, &done);
		check(ret == 0 && done == 3 * VU_PAGE, "unmap-all",
		      "UNMAP_DMA(ALL) returned %d (%s), size %#llx, want 0x3000",
		      ret, ret ? strerror(errno) : "ok",
		      (unsigned long long)done);
	} else if (vu_bundle()) {
		check(false, "unmap-all",
		      "CHECK_EXTENSION(VFIO_UNMAP_ALL) is 0 on the bundle's type1");
	} else {
		not_applicable("unmap-all",
			       "the in-tree type1 of %s has no VFIO_UNMAP_ALL (upstream 5.12)",
			       vu_release());
	}

	expect(ioctl(c, VFIO_UNUSED_IOCTL), ENOTTY,
	       "container-unknown-ioctl-type1",
	       "an unknown container ioctl with type1 set");
	munmap(buf, 4 * VU_PAGE);
}

static void group_bad(struct vdev *d)
{
	struct vfio_group_status st = { .argsz = 4 };
	char path[64];
	int fd, c2, ret;

	expect(ioctl(d->group, VFIO_GROUP_GET_STATUS, &st), EINVAL,
	       "bad-group-status-argsz", "GROUP_GET_STATUS with argsz 4");

	snprintf(path, sizeof(path), "/dev/vfio/%d", d->group_id);
	fd = open(path, O_RDWR | O_CLOEXEC);
	check(fd < 0 && errno == EBUSY, "group-second-open",
	      "second open of %s: %s, want EBUSY", path,
	      fd < 0 ? strerror(errno) : "succeeded");
	if (fd >= 0)
		close(fd);

	c2 = open(VU_CONTAINER, O_RDWR | O_CLOEXEC);
	expect(ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &c2), EINVAL,
	       "group-set-container-twice",
	       "SET_CONTAINER of a group already in a container");
	if (c2 >= 0)
		close(c2);

	/*
	 * Upstream looks the fd up before the group's state; 5.10 looked at
	 * the group first and said EINVAL.
	 */
	fd = 999;	/* not open */
	in_tree_differs(ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &fd), EBADF,
			EINVAL, "group-set-container-bad-fd-busy",
			"SET_CONTAINER(999, not open) on a group in a container",
			"it checks the group's container before the fd");
	expect(ioctl(d->group, VFIO_UNUSED_IOCTL), ENOTTY,
	       "group-unknown-ioctl", "an unknown group ioctl");
	ret = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, "0000:ff:1f.7");
	expect(ret, ENODEV, "group-get-device-fd-unknown-name",
	       "GET_DEVICE_FD(0000:ff:1f.7)");
	if (ret >= 0)
		close(ret);
}

/* Before any container: the group alone. */
static void group_alone(const char *bdf)
{
	struct vdev d;
	char path[64];
	int fd, c, ret;

	vu_init(&d, bdf);
	snprintf(path, sizeof(path), "/dev/vfio/%d", vu_group_of(bdf));
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (!check(fd >= 0, "group-open-alone", "open %s: %s", path,
		   strerror(errno)))
		return;
	ret = ioctl(fd, VFIO_GROUP_GET_DEVICE_FD, bdf);
	expect(ret, EINVAL, "group-get-device-fd-no-container",
	       "GET_DEVICE_FD before SET_CONTAINER");
	if (ret >= 0)
		close(ret);
	expect(ioctl(fd, VFIO_GROUP_UNSET_CONTAINER), EINVAL,
	       "group-unset-container-none",
	       "UNSET_CONTAINER without a container");
	c = 999;	/* not open */
	expect(ioctl(fd, VFIO_GROUP_SET_CONTAINER, &c), EBADF,
	       "group-set-container-bad-fd", "SET_CONTAINER(999, not open)");
	c = -1;
	in_tree_differs(ioctl(fd, VFIO_GROUP_SET_CONTAINER, &c), EBADF, EINVAL,
			"group-set-container-negative-fd", "SET_CONTAINER(-1)",
			"it rejects a negative fd before looking it up");
	c = open("/dev/null", O_RDWR | O_CLOEXEC);
	in_tree_differs(ioctl(fd, VFIO_GROUP_SET_CONTAINER, &c), EBADFD, EINVAL,
			"group-set-container-not-container",
			"SET_CONTAINER of an fd of /dev/null",
			"it predates iommufd (6.2), which made upstream answer EBADFD for an fd that is neither");
	if (c >= 0)
		close(c);

	/* A container without an IOMMU driver cannot hand out devices. */
	c = open(VU_CONTAINER, O_RDWR | O_CLOEXEC);
	if (c >= 0 && ioctl(fd, VFIO_GROUP_SET_CONTAINER, &c) == 0) {
		ret = ioctl(fd, VFIO_GROUP_GET_DEVICE_FD, bdf);
		expect(ret, EINVAL, "group-get-device-fd-no-iommu",
		       "GET_DEVICE_FD before SET_IOMMU");
		if (ret >= 0)
			close(ret);
		check(ioctl(fd, VFIO_GROUP_UNSET_CONTAINER) == 0,
		      "group-unset-container", "UNSET_CONTAINER: %s",
		      strerror(errno));
	} else {
		check(false, "group-get-device-fd-no-iommu",
		      "SET_CONTAINER: %s", strerror(errno));
	}
	if (c >= 0)
		close(c);
	close(fd);
}

static void device_bad(int dev)
{
	struct vfio_device_info info = { .argsz = 4 };
	struct vfio_region_info r = { .argsz = 4 };
	struct vfio_irq_info irq = { .argsz = 4 };
	struct {
		struct vfio_irq_set set;
		__s32 fd[2];
	} s;
	const __u32 ssz = sizeof(struct vfio_irq_set);
	int efd = vu_eventfd();

	expect(ioctl(dev, VFIO_DEVICE_GET_INFO, &info), EINVAL,
	       "bad-device-info-argsz", "DEVICE_GET_INFO with argsz 4");
	expect(ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &r), EINVAL,
	       "bad-region-info-argsz", "GET_REGION_INFO with argsz 4");
	memset(&r, 0, sizeof(r));
	r.argsz = sizeof(r);
	r.index = VFIO_PCI_NUM_REGIONS;
	expect(ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &r), EINVAL,
	       "bad-region-index", "GET_REGION_INFO of index 9 (edu has no device-specific regions)");
	r.index = 0xffffffff;
	expect(ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &r), EINVAL,
	       "bad-region-index-max", "GET_REGION_INFO of index 2^32-1");
	expect(ioctl(dev, VFIO_DEVICE_GET_IRQ_INFO, &irq), EINVAL,
	       "bad-irq-info-argsz", "GET_IRQ_INFO with argsz 4");
	memset(&irq, 0, sizeof(irq));
	irq.argsz = sizeof(irq);
	irq.index = VFIO_PCI_NUM_IRQS;
	expect(ioctl(dev, VFIO_DEVICE_GET_IRQ_INFO, &irq), EINVAL,
	       "bad-irq-index", "GET_IRQ_INFO of index 5");

	memset(&s, 0, sizeof(s));
	s.set.argsz = 8;
	s.set.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER;
	s.set.index = VFIO_PCI_MSI_IRQ_INDEX;
	expect(ioctl(dev, VFIO_DEVICE_SET_IRQS, &s), EINVAL,
	       "bad-set-irqs-argsz", "SET_IRQS with argsz 8");
	s.set.argsz = ssz;
	s.set.flags |= 1U << 6;
	expect(ioctl(dev, VFIO_DEVICE_SET_IRQS, &s), EINVAL,
	       "bad-set-irqs-flags", "SET_IRQS with flag bit 6");
	s.set.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL |
		      VFIO_IRQ_SET_ACTION_TRIGGER;
	expect(ioctl(dev, VFIO_DEVICE_SET_IRQS, &s), EINVAL,
	       "bad-set-irqs-two-data-types", "SET_IRQS with DATA_NONE|DATA_BOOL");
	s.set.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER |
		      VFIO_IRQ_SET_ACTION_MASK;
	/* Upstream finds no handler for two actions at once: ENOTTY. */
	expect(ioctl(dev, VFIO_DEVICE_SET_IRQS, &s), ENOTTY,
	       "bad-set-irqs-two-actions", "SET_IRQS with ACTION_TRIGGER|ACTION_MASK");
	s.set.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER;
	s.set.index = VFIO_PCI_NUM_IRQS;
	expect(ioctl(dev, VFIO_DEVICE_SET_IRQS, &s), EINVAL,
	       "bad-set-irqs-index", "SET_IRQS of index 5");

	/* edu's MSI index has one vector. */
	s.set.argsz = sizeof(s);
	s.set.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	s.set.index = VFIO_PCI_MSI_IRQ_INDEX;
	s.set.start = 0;
	s.set.count = 2;
	s.fd[0] = efd;
	s.fd[1] = efd;
	expect(ioctl(dev, VFIO_DEVICE_SET_IRQS, &s), EINVAL,
	       "bad-set-irqs-count", "SET_IRQS(MSI) of vectors 0-1 of 1");
	s.set.start = 1;
	s.set.count = 1;
	expect(ioctl(dev, VFIO_DEVICE_SET_IRQS, &s), EINVAL,
	       "bad-set-irqs-start", "SET_IRQS(MSI) of vector 1 of 1");
	s.set.start = 0xffffffff;
	s.set.count = 2;
	expect(ioctl(dev, VFIO_DEVICE_SET_IRQS, &s), EINVAL,
	       "bad-set-irqs-start-wrap", "SET_IRQS(MSI) of start 2^32-1, count 2");
	s.set.argsz = ssz;
	s.set.start = 0;
	s.set.count = 1;
	expect(ioctl(dev, VFIO_DEVICE_SET_IRQS, &s), EINVAL,
	       "bad-set-irqs-short-data", "SET_IRQS of one eventfd with no room for it");
	s.set.argsz = sizeof(s);
	s.fd[0] = 999;	/* not open */
	expect(ioctl(dev, VFIO_DEVICE_SET_IRQS, &s), EBADF,
	       "bad-set-irqs-bad-eventfd", "SET_IRQS(MSI) with closed fd 999");
	vu_irq_disable(dev, VFIO_PCI_MSI_IRQ_INDEX);

	/* edu has no reset method. */
	expect(ioctl(dev, VFIO_DEVICE_RESET), EINVAL, "bad-reset-unsupported",
	       "DEVICE_RESET on a device without FLAGS_RESET");
	expect(ioctl(dev, VFIO_UNUSED_IOCTL), ENOTTY, "device-unknown-ioctl",
	       "an unknown device ioctl");
	close(efd);
}

int main(int argc, char **argv)
{
	struct vdev d;

	if (argc != 2) {
		fprintf(stderr, "usage: t_badinput BDF\n");
		return 2;
	}
	group_alone(argv[1]);
	if (check(vu_open(&d, argv[1], true), "bad-open", "%s", d.why)) {
		container_bad(d.container);
		group_bad(&d);
		device_bad(d.device);
	}
	vu_close(&d);
	return check_exit();
}
