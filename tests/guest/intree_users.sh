#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In-tree modules that link against VFIO (kvmgt, vendor vfio-pci variants,
# vfio_mdev on 5.10) were built against the kernel's own vfio. The bundle
# cannot rebuild them, so with its modules in place each must be refused
# at load, with the loader's message naming it, and never run on
# structures it does not know. With the kernel's own modules (--in-tree)
# their symbols resolve: the control shows the refusal comes from the
# bundle, not from a guest that cannot load them at all.
set -u
mode=${VFIO_BP_MODE:-in-tree}
kver=${VFIO_BP_KVER:-$(uname -r)}
failures=0

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }

# In-tree modules that depend on vfio.ko, by the kernel's own module index
# (the runner keeps it under /.vfio-backports/orig-modules when it lays
# the bundle's over /lib/modules: there a module the bundle cannot serve
# no longer depends on vfio at all). The framework's own modules, which
# the bundle replaces or will, are left out by name.
framework='^(vfio|vfio_iommu_type1|vfio_iommu_spapr_tce|vfio_virqfd|vfio-pci|vfio-pci-core|mdev|vfio-platform|vfio-platform-base|vfio-amba)$'
dep=/.vfio-backports/orig-modules/$kver/modules.dep
[ -f "$dep" ] || dep=/lib/modules/$kver/modules.dep
users=$(awk '{ sub(":", "", $1); m = $1
	       if (m !~ /^kernel\//) next
	       for (i = 2; i <= NF; i++) if ($i ~ /\/vfio\.ko/) { n = m; sub(".*/", "", n)
		       sub("\\.ko.*", "", n); print n; break } }' \
	"$dep" | grep -vE "$framework" | sort -u)

if [ -z "$users" ]; then
	echo "N/A  intree-users: no in-tree module of $kver links against vfio"
	exit 0
fi

# Kernels without CONFIG_MODVERSIONS have no CRC to catch a mismatch:
# there only the bundle's symbol namespace stands in the way.
modversions=0
grep -q '^CONFIG_MODVERSIONS=y' "/boot/config-$kver" 2>/dev/null && modversions=1

for m in $users; do
	name=${m//-/_}
	# Only this load's messages; the ring buffer is kept whole for the
	# runner's end-of-boot scan.
	seen=$(dmesg | wc -l)
	out=$(modprobe "$m" 2>&1)
	rc=$?
	log=$(dmesg | tail -n +$((seen + 1)))
	ns=$(echo "$log" | grep -E "^\[ *[0-9.]+\] $name: module uses symbol \(.*\) from namespace VFIO_BACKPORTS, but does not import it" | head -n 1)
	crc=$(echo "$log" | grep -E "^\[ *[0-9.]+\] $name: (disagrees about version of symbol|Unknown symbol) " | head -n 1)
	if [ "$mode" = in-tree ]; then
		# Its symbols resolve: it loads, or only its own init declines
		# for want of hardware (kvmgt on 5.10 without a GVT-g GPU).
		if [ -z "$ns$crc" ] && { [ "$rc" = 0 ] || echo "$out" | grep -q 'No such device'; }; then
			pass "intree-user-links-$m"
		else
			fail "intree-user-links-$m" "modprobe $m with the kernel's own vfio: rc $rc: $out ${crc:-$ns}"
		fi
		modprobe -r "$m" 2>/dev/null
		continue
	fi
	if [ "$rc" = 0 ] || [ -d "/sys/module/$name" ]; then
		fail "intree-user-refused-$m" "$m loaded on the bundle's vfio (built for the kernel's own)"
		modprobe -r "$m" 2>/dev/null
	elif [ "$modversions" = 0 ] && [ -z "$ns" ]; then
		fail "intree-user-refused-$m" "refused, but not by the VFIO_BACKPORTS namespace: ${log:-no kernel message}"
	elif [ -z "$ns$crc" ]; then
		fail "intree-user-refused-$m" "refused without a loader message naming it: $out"
	else
		pass "intree-user-refused-$m"
	fi
done
exit $((failures > 0))
