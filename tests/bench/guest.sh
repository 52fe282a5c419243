#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make bench` (scripts/bench), run by tests/vm/run --cmd in
# /payload: measures QEMU's edu device and the Type1 backend with the
# kernel's own VFIO modules, unloads them, loads the bundle's and measures
# again, in this one boot, so both see the same memory and the same host.
#
#   guest.sh [--rounds N] [vfio_bench options...]    (e.g. --tiny)
#
# Each of the N rounds (default 1) measures both sets, alternating which
# goes first, so that a drift of the host's speed during the boot weighs
# on both alike; tests/bench/report takes the medians over the rounds.
# vfio_bench's BENCH lines go to stdout; a failure says why and exits 1.
set -u
kver=$(uname -r)
here=$(cd "$(dirname "$0")" && pwd)
# The kernel's own module tree: modprobe -d ROOT finds the in-tree VFIO
# there, untouched by the bundle's updates/ and its depmod index.
intree_root=/tmp/intree-root
mkdir -p "$intree_root/lib"
ln -sfn /.vfio-backports/orig-modules "$intree_root/lib/modules"

die() { echo "bench: $*" >&2; exit 1; }

rounds=1
if [ "${1:-}" = --rounds ]; then
	rounds=${2:-}
	shift 2
	case "$rounds" in
	'' | *[!0-9]* | 0) die "--rounds wants a positive number" ;;
	esac
fi

# 2 MiB pages for the hugetlb measures: 512 MiB of them plus one, reserved
# early, before memory fragments.
hugepages=${BENCH_HUGEPAGES:-257}
echo "$hugepages" >/proc/sys/vm/nr_hugepages
echo "BENCH-INFO hugepages=$(cat /proc/sys/vm/nr_hugepages) kernel=$kver"

edu=""
for d in /sys/bus/pci/devices/*; do
	if [ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1234:0x11e8 ]; then
		edu=${d##*/}
		break
	fi
done
[ -n "$edu" ] || die "no edu (1234:11e8) in /sys/bus/pci/devices"
dev=/sys/bus/pci/devices/$edu

# Every VFIO module of either set, users first.
vfio_modules="vfio-pci vfio-pci-core vfio_virqfd vfio_iommu_type1 vfio mdev iommufd"
unload_all() {
	local m
	for m in $vfio_modules; do
		[ -d "/sys/module/${m//-/_}" ] || continue
		rmmod "${m//-/_}" || die "cannot unload ${m//-/_}"
	done
}

# Load one set: in-tree through the kernel's own tree, bundle through the
# runner's depmod index (updates/ first). The srcversion tells them apart.
load_set() {
	local set=$1 m
	for m in vfio vfio_iommu_type1 vfio-pci; do
		if [ "$set" = in-tree ]; then
			modprobe -d "$intree_root" "$m" || die "in-tree modprobe $m failed"
		else
			modprobe "$m" || die "bundle modprobe $m failed"
		fi
	done
	local src
	src=$(cat /sys/module/vfio/srcversion)
	case "$set:$src" in
	bundle:"$VFIO_BP_SRCVERSION") ;;
	in-tree:"$VFIO_BP_SRCVERSION") die "in-tree run loaded the bundle's vfio" ;;
	bundle:*) die "bundle run loaded vfio $src, not the bundle's" ;;
	esac
}

bind_edu() {
	[ -e "$dev/driver" ] && echo "$edu" >"$dev/driver/unbind"
	echo vfio-pci >"$dev/driver_override"
	echo "$edu" >/sys/bus/pci/drivers_probe
	[ "$(basename "$(readlink "$dev/driver")")" = vfio-pci ] ||
		die "$edu did not bind to vfio-pci"
}

release_edu() {
	[ -e "$dev/driver" ] && echo "$edu" >"$dev/driver/unbind"
	echo "" >"$dev/driver_override"
}

rc=0
for ((r = 1; r <= rounds; r++)); do
	sets="in-tree bundle"
	[ $((r % 2)) = 0 ] && sets="bundle in-tree"
	echo "BENCH-INFO round $r of $rounds: $sets"
	for set in $sets; do
		unload_all
		load_set "$set"
		bind_edu
		"$here/vfio_bench" --label "$set" "$@" "$edu" || rc=1
		release_edu
	done
done
unload_all
exit $rc
