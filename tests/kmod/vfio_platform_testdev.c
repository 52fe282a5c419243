// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_platform_testdev: platform devices for the guest tests of
 * vfio-platform. Test-only: never packaged, never built by dkms.
 *
 * x86 guests have no device tree and no platform device vfio-platform
 * could take, so this module makes two: MMIO regions in 64 KiB of
 * physical memory the guest kernel reserves (memmap=64K$0x20000000),
 * interrupt lines from a software interrupt domain raised through sysfs,
 * and a "compatible" property from a software node. See README.md.
 */
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/device.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/irq.h>
#include <linux/irq_work.h>
#include <linux/irqdomain.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/sizes.h>
#include <linux/sysfs.h>
#include <linux/vfio_platform.h>

#define TESTDEV_NAME		"vfio-platform-testdev"
#define TESTDEV_RESET_ID	"vfio-backports,testdev"
#define TESTDEV_WINDOW		SZ_64K
#define TESTDEV_FILL		0xa5
#define TESTDEV_NR_HWIRQ	3
#define TESTDEV_MAX_MEM		2
#define TESTDEV_MAX_IRQ		2

static unsigned long base = 0x20000000;
module_param(base, ulong, 0444);
MODULE_PARM_DESC(base,
		 "physical address of the 64 KiB the guest reserves with memmap=64K$ADDR");

/* The trigger of each line of the interrupt domain, fixed like wiring. */
static const unsigned int testdev_hwirq_type[TESTDEV_NR_HWIRQ] = {
	IRQ_TYPE_LEVEL_HIGH,
	IRQ_TYPE_EDGE_RISING,
	IRQ_TYPE_LEVEL_HIGH,
};

struct testdev_desc {
	const char *compatible;
	unsigned int nr_mem;
	struct {
		resource_size_t offset;
		resource_size_t size;
	} mem[TESTDEV_MAX_MEM];
	unsigned int nr_irq;
	irq_hw_number_t hwirq[TESTDEV_MAX_IRQ];
};

static const struct testdev_desc testdev_descs[] = {
	{
		.compatible = TESTDEV_RESET_ID,
		.nr_mem = 2,
		.mem = { { 0x0000, 0x2000 }, { 0x2000, 0x100 } },
		.nr_irq = 2,
		.hwirq = { 0, 1 },
	},
	{
		.compatible = "vfio-backports,testdev-noreset",
		.nr_mem = 1,
		.mem = { { 0x3000, 0x1000 } },
		.nr_irq = 1,
		.hwirq = { 2 },
	},
	{
		/* Reset by vfio_platform_testreset, which modprobe finds. */
		.compatible = "vfio-backports,testdev-modreset",
		.nr_mem = 1,
		.mem = { { 0x4000, 0x1000 } },
	},
};

#define TESTDEV_NR_DEV	ARRAY_SIZE(testdev_descs)

struct testdev {
	const struct testdev_desc *desc;
	struct platform_device *pdev;
	struct property_entry props[2];
	struct software_node swnode;
	bool swnode_registered;
	atomic_t reset_count;
};

static struct testdev testdevs[TESTDEV_NR_DEV];

static void __iomem *testdev_mem;
static struct fwnode_handle *testdev_fwnode;
static struct irq_domain *testdev_domain;
static unsigned int testdev_virq[TESTDEV_NR_HWIRQ];

/*
 * Line state, by hwirq: a level line stays asserted until deasserted; an
 * edge that finds its line masked is latched, as an edge-triggered
 * controller would, and delivered on unmask.
 */
static unsigned long testdev_asserted;
static unsigned long testdev_edge_pending;
static unsigned long testdev_masked = GENMASK(TESTDEV_NR_HWIRQ - 1, 0);

static bool testdev_is_level(irq_hw_number_t hw)
{
	return testdev_hwirq_type[hw] & IRQ_TYPE_LEVEL_MASK;
}

/* Runs in hard-irq context, where a real controller's interrupt would. */
static void testdev_irq_work_fn(struct irq_work *work)
{
	irq_hw_number_t hw;

	for (hw = 0; hw < TESTDEV_NR_HWIRQ; hw++) {
		if (test_bit(hw, &testdev_masked))
			continue;
		if (testdev_is_level(hw)) {
			if (test_bit(hw, &testdev_asserted))
				generic_handle_irq(testdev_virq[hw]);
		} else if (test_and_clear_bit(hw, &testdev_edge_pending)) {
			generic_handle_irq(testdev_virq[hw]);
		}
	}
}

static struct irq_work testdev_irq_work;

static void testdev_raise(void)
{
	irq_work_queue(&testdev_irq_work);
}

static void testdev_irq_mask(struct irq_data *d)
{
	set_bit(irqd_to_hwirq(d), &testdev_masked);
}

/* A level line still asserted, or a latched edge, fires again. */
static void testdev_irq_unmask(struct irq_data *d)
{
	irq_hw_number_t hw = irqd_to_hwirq(d);

	clear_bit(hw, &testdev_masked);
	if (test_bit(hw, testdev_is_level(hw) ? &testdev_asserted :
		     &testdev_edge_pending))
		testdev_raise();
}

/* Nothing to acknowledge: a level line is cleared at its source. */
static void testdev_irq_ack(struct irq_data *d)
{
}

/* The trigger is wiring: accept only the line's own. */
static int testdev_irq_set_type(struct irq_data *d, unsigned int type)
{
	if (type != testdev_hwirq_type[irqd_to_hwirq(d)])
		return -EINVAL;
	return IRQ_SET_MASK_OK;
}

static struct irq_chip testdev_irq_chip = {
	.name = "vfio-testdev",
	.irq_mask = testdev_irq_mask,
	.irq_unmask = testdev_irq_unmask,
	.irq_ack = testdev_irq_ack,
	.irq_set_type = testdev_irq_set_type,
};

static int testdev_irq_map(struct irq_domain *domain, unsigned int virq,
			   irq_hw_number_t hw)
{
	if (hw >= TESTDEV_NR_HWIRQ)
		return -EINVAL;
	irq_set_chip_and_handler(virq, &testdev_irq_chip,
				 testdev_is_level(hw) ? handle_level_irq :
							handle_edge_irq);
	return 0;
}

static const struct irq_domain_ops testdev_irq_domain_ops = {
	.map = testdev_irq_map,
};

static struct testdev *testdev_from_dev(struct device *dev)
{
	unsigned int i;

	for (i = 0; i < TESTDEV_NR_DEV; i++)
		if (testdevs[i].pdev && &testdevs[i].pdev->dev == dev)
			return &testdevs[i];
	return NULL;
}

static void testdev_fill(struct testdev *td)
{
	const struct testdev_desc *desc = td->desc;
	unsigned int i;

	for (i = 0; i < desc->nr_mem; i++)
		memset_io(testdev_mem + desc->mem[i].offset, TESTDEV_FILL,
			  desc->mem[i].size);
}

/* A line index of the device from sysfs, as its hwirq. */
static int testdev_parse_line(struct device *dev, const char *buf,
			      irq_hw_number_t *hw)
{
	struct testdev *td = testdev_from_dev(dev);
	unsigned int index;

	if (!td || kstrtouint(buf, 0, &index) || index >= td->desc->nr_irq)
		return -EINVAL;
	*hw = td->desc->hwirq[index];
	return 0;
}

static ssize_t irq_assert_store(struct device *dev,
				struct device_attribute *attr,
				const char *buf, size_t count)
{
	irq_hw_number_t hw;
	int ret;

	ret = testdev_parse_line(dev, buf, &hw);
	if (ret)
		return ret;
	if (testdev_is_level(hw))
		set_bit(hw, &testdev_asserted);
	else
		set_bit(hw, &testdev_edge_pending);
	testdev_raise();
	return count;
}
static DEVICE_ATTR_WO(irq_assert);

static ssize_t irq_deassert_store(struct device *dev,
				  struct device_attribute *attr,
				  const char *buf, size_t count)
{
	irq_hw_number_t hw;
	int ret;

	ret = testdev_parse_line(dev, buf, &hw);
	if (ret)
		return ret;
	if (!testdev_is_level(hw))
		return -EINVAL;
	clear_bit(hw, &testdev_asserted);
	return count;
}
static DEVICE_ATTR_WO(irq_deassert);

static ssize_t reset_count_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct testdev *td = testdev_from_dev(dev);

	if (!td)
		return -ENODEV;
	return sysfs_emit(buf, "%d\n", atomic_read(&td->reset_count));
}
static DEVICE_ATTR_RO(reset_count);

static struct attribute *testdev_attrs[] = {
	&dev_attr_irq_assert.attr,
	&dev_attr_irq_deassert.attr,
	&dev_attr_reset_count.attr,
	NULL
};
ATTRIBUTE_GROUPS(testdev);

/*
 * Through vfio-platform's own mappings, as a real reset module would
 * write the device's registers.
 */
static int testdev_reset(struct vfio_platform_device *vpdev)
{
	struct testdev *td = testdev_from_dev(vfio_platform_to_dev(vpdev));
	unsigned int i;

	if (!td)
		return -ENODEV;
	for (i = 0; i < td->desc->nr_mem; i++) {
		void __iomem *regs = vfio_platform_region_ioaddr(vpdev, i);

		if (IS_ERR(regs))
			return PTR_ERR(regs);
		memset_io(regs, TESTDEV_FILL, td->desc->mem[i].size);
	}
	for (i = 0; i < td->desc->nr_irq; i++) {
		clear_bit(td->desc->hwirq[i], &testdev_asserted);
		clear_bit(td->desc->hwirq[i], &testdev_edge_pending);
	}
	atomic_inc(&td->reset_count);
	return 0;
}

static int testdev_add(struct testdev *td, unsigned int id)
{
	const struct testdev_desc *desc = td->desc;
	struct resource res[TESTDEV_MAX_MEM + TESTDEV_MAX_IRQ] = { };
	struct platform_device *pdev;
	unsigned int i, n = 0;
	int ret;

	/*
	 * A registered software node as the device's firmware node: the
	 * one way to give it properties that is the same from 5.10 to 7.x.
	 */
	td->props[0] = PROPERTY_ENTRY_STRING("compatible", desc->compatible);
	td->swnode.properties = td->props;
	ret = software_node_register(&td->swnode);
	if (ret)
		return ret;
	td->swnode_registered = true;

	/* Field by field: 5.10's DEFINE_RES_*() cannot be assigned. */
	for (i = 0; i < desc->nr_mem; i++, n++) {
		res[n].start = base + desc->mem[i].offset;
		res[n].end = res[n].start + desc->mem[i].size - 1;
		res[n].flags = IORESOURCE_MEM;
	}
	for (i = 0; i < desc->nr_irq; i++, n++) {
		irq_hw_number_t hw = desc->hwirq[i];

		/* IORESOURCE_IRQ_* bits equal IRQ_TYPE_* ones. */
		res[n].start = testdev_virq[hw];
		res[n].end = testdev_virq[hw];
		res[n].flags = IORESOURCE_IRQ | testdev_hwirq_type[hw];
	}

	pdev = platform_device_alloc(TESTDEV_NAME, id);
	if (!pdev)
		return -ENOMEM;
	ret = platform_device_add_resources(pdev, res, n);
	if (ret)
		goto err_put;
	pdev->dev.groups = testdev_groups;
	device_set_node(&pdev->dev, software_node_fwnode(&td->swnode));
	ret = platform_device_add(pdev);
	if (ret)
		goto err_put;
	td->pdev = pdev;
	return 0;

err_put:
	platform_device_put(pdev);
	return ret;
}

static void testdev_del(struct testdev *td)
{
	if (td->pdev) {
		platform_device_unregister(td->pdev);
		td->pdev = NULL;
	}
	if (td->swnode_registered) {
		software_node_unregister(&td->swnode);
		td->swnode_registered = false;
	}
}

static void testdev_irqs_free(void)
{
	irq_hw_number_t hw;

	irq_work_sync(&testdev_irq_work);
	for (hw = 0; hw < TESTDEV_NR_HWIRQ; hw++) {
		if (testdev_virq[hw])
			irq_dispose_mapping(testdev_virq[hw]);
		testdev_virq[hw] = 0;
	}
	if (testdev_domain)
		irq_domain_remove(testdev_domain);
	testdev_domain = NULL;
	if (testdev_fwnode)
		irq_domain_free_fwnode(testdev_fwnode);
	testdev_fwnode = NULL;
}

static int testdev_irqs_alloc(void)
{
	irq_hw_number_t hw;
	int ret;

	testdev_fwnode = irq_domain_alloc_named_fwnode("vfio-testdev");
	if (!testdev_fwnode)
		return -ENOMEM;
	testdev_domain = irq_domain_create_linear(testdev_fwnode,
						  TESTDEV_NR_HWIRQ,
						  &testdev_irq_domain_ops, NULL);
	if (!testdev_domain)
		return -ENOMEM;
	for (hw = 0; hw < TESTDEV_NR_HWIRQ; hw++) {
		testdev_virq[hw] = irq_create_mapping(testdev_domain, hw);
		if (!testdev_virq[hw])
			return -ENOMEM;
		/* Record the trigger, as platform_get_irq() also would. */
		ret = irq_set_irq_type(testdev_virq[hw],
				       testdev_hwirq_type[hw]);
		if (ret)
			return ret;
	}
	return 0;
}

static int __init testdev_init(void)
{
	unsigned int i;
	int ret;

	init_irq_work(&testdev_irq_work, testdev_irq_work_fn);

	/* memmap= made it E820 reserved, not RAM: ioremap maps it UC-. */
	testdev_mem = ioremap(base, TESTDEV_WINDOW);
	if (!testdev_mem)
		return -ENOMEM;

	ret = testdev_irqs_alloc();
	if (ret)
		goto err_irqs;

	ret = vfio_platform_register_reset(TESTDEV_RESET_ID, testdev_reset);
	if (ret)
		goto err_irqs;

	for (i = 0; i < TESTDEV_NR_DEV; i++) {
		testdevs[i].desc = &testdev_descs[i];
		atomic_set(&testdevs[i].reset_count, 0);
		testdev_fill(&testdevs[i]);
		ret = testdev_add(&testdevs[i], i);
		if (ret)
			goto err_devs;
	}
	return 0;

err_devs:
	for (i = 0; i < TESTDEV_NR_DEV; i++)
		testdev_del(&testdevs[i]);
	vfio_platform_unregister_reset(TESTDEV_RESET_ID, testdev_reset);
err_irqs:
	testdev_irqs_free();
	iounmap(testdev_mem);
	return ret;
}

static void __exit testdev_exit(void)
{
	unsigned int i;

	for (i = 0; i < TESTDEV_NR_DEV; i++)
		testdev_del(&testdevs[i]);
	vfio_platform_unregister_reset(TESTDEV_RESET_ID, testdev_reset);
	testdev_irqs_free();
	iounmap(testdev_mem);
}

module_init(testdev_init);
module_exit(testdev_exit);

MODULE_DESCRIPTION("Platform devices for vfio-platform's guest tests");
MODULE_AUTHOR("vfio-backports");
MODULE_LICENSE("GPL");
