/* SPDX-License-Identifier: GPL-2.0-only */
/* What the two halves of mdev.ko share: the bus and the sysfs files. */
#ifndef VFIO_BACKPORTS_MDEV_PRIVATE_H
#define VFIO_BACKPORTS_MDEV_PRIVATE_H

#include <linux/mdev.h>

extern struct bus_type mdev_bus_type;
extern const struct attribute_group *mdev_device_groups[];

int mdev_types_add(struct mdev_parent *parent);
void mdev_types_remove(struct mdev_parent *parent);
int mdev_links_add(struct mdev_device *mdev);
void mdev_links_remove(struct mdev_device *mdev);

int mdev_device_create(struct mdev_type *type, const guid_t *uuid);
int mdev_device_remove(struct mdev_device *mdev);

#endif /* VFIO_BACKPORTS_MDEV_PRIVATE_H */
