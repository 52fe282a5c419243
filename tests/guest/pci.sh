#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PCI passthrough tests, run by the guest suite: bind QEMU's edu (1234:11e8)
# and NVMe controller (class 0108) to vfio-pci through driver_override, run
# the t_* device programs on them, then give the devices back to the
# drivers they had and unload vfio-pci. Each check prints one PASS / FAIL /
# N/A line; the exit status is 1 if any check failed.
set -u
mode=${VFIO_BP_MODE:-in-tree}
failures=0

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }
na() { echo "N/A  $1: $2"; }
result() { if [ "$2" = 0 ]; then pass "$1"; else fail "$1" "$3"; fi; }
prog() { "$@" || failures=$((failures + 1)); }

# The first PCI device whose vendor:device or class prefix matches. SR-IOV
# capable functions are left to the SR-IOV tests, and found with $2=sriov.
find_dev() {
	local d sr
	for d in /sys/bus/pci/devices/*; do
		sr=""
		[ -e "$d/sriov_totalvfs" ] && sr=sriov
		[ "$sr" = "${2:-}" ] || continue
		# shellcheck disable=SC2254 # $1 is a glob on purpose
		case "$(cat "$d/vendor"):$(cat "$d/device"):$(cat "$d/class")" in
		$1) echo "${d##*/}"; return 0 ;;
		esac
	done
	return 1
}

driver_of() {
	local l
	l=$(readlink "/sys/bus/pci/devices/$1/driver") || return 0
	echo "${l##*/}"
}

group_of() {
	local l
	l=$(readlink "/sys/bus/pci/devices/$1/iommu_group") || return 0
	echo "${l##*/}"
}

# vfio-dev/vfioN (struct device per vfio_device) came with 6.1.
kernel_has_vfio_dev() {
	local v
	v=$(uname -r)
	v=${v%%-*}
	[ "$(printf '%s\n6.1\n' "${v%.*}" | sort -V | head -n 1)" = 6.1 ]
}

# Write a sysfs file, giving up after 20 s: a write that waits for a
# remove() that never finishes cannot be killed, and must not hang the
# suite. Returns the write's status, or 124 when it is left behind.
stuck=""
sysfs_write() {
	local pid
	echo "$1" >"$2" &
	pid=$!
	for _ in $(seq 200); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			return
		fi
		sleep 0.1
	done
	stuck="$stuck $2"
	return 124
}

declare -A orig
bind() {
	local name=$1 bdf=$2 dev=/sys/bus/pci/devices/$2 drv group
	orig[$bdf]=$(driver_of "$bdf")
	[ -z "${orig[$bdf]}" ] || sysfs_write "$bdf" "$dev/driver/unbind"
	sysfs_write vfio-pci "$dev/driver_override"
	sysfs_write "$bdf" /sys/bus/pci/drivers_probe
	drv=$(driver_of "$bdf")
	[ "$drv" = vfio-pci ]
	result "bind-$name-driver" $? "$bdf is bound to '${drv:-nothing}', want vfio-pci"
	[ "$drv" = vfio-pci ] || return 1

	group=$(group_of "$bdf")
	[ -n "$group" ] && [ -c "/dev/vfio/$group" ]
	result "bind-$name-group-node" $? "no /dev/vfio/${group:-?} for $bdf (group '${group:-none}')"

	if [ "$mode" = bundle ] || kernel_has_vfio_dev; then
		ls -d "$dev"/vfio-dev/vfio[0-9]* >/dev/null 2>&1
		result "bind-$name-vfio-dev" $? "no $dev/vfio-dev/vfioN"
	else
		na "bind-$name-vfio-dev" "the in-tree vfio of $(uname -r) predates vfio-dev/vfioN (6.1)"
	fi
	return 0
}

release() {
	local name=$1 bdf=$2 dev=/sys/bus/pci/devices/$2 group drv ovr
	group=$(group_of "$bdf")
	if [ -n "$(driver_of "$bdf")" ] &&
		! sysfs_write "$bdf" "$dev/driver/unbind"; then
		fail "release-$name" "unbind of $bdf failed or still blocked after 20 s"
		return 1
	fi
	if ! sysfs_write "" "$dev/driver_override"; then
		fail "release-$name" "clearing driver_override of $bdf failed or still blocked after 20 s"
		return 1
	fi
	[ -z "${orig[$bdf]}" ] || sysfs_write "$bdf" /sys/bus/pci/drivers_probe
	drv=$(driver_of "$bdf")
	# A cleared driver_override reads "(null)" on some kernels.
	ovr=$(cat "$dev/driver_override")
	[ "$drv" = "${orig[$bdf]}" ] && [ ! -e "/dev/vfio/$group" ] &&
		{ [ -z "$ovr" ] || [ "$ovr" = "(null)" ]; }
	result "release-$name" $? \
		"driver '${drv:-none}' (want '${orig[$bdf]:-none}'), /dev/vfio/$group $([ -e "/dev/vfio/$group" ] && echo left || echo gone), driver_override '$ovr'"
}

out=$(modprobe vfio-pci 2>&1)
[ -d /sys/bus/pci/drivers/vfio-pci ]
result pci-modprobe $? "modprobe vfio-pci: ${out:-no vfio-pci driver}"

edu=$(find_dev '0x1234:0x11e8:*')
result pci-find-edu $? "no 1234:11e8 in /sys/bus/pci/devices"
nvme=$(find_dev '*:*:0x0108*')
result pci-find-nvme $? "no class 0108 device in /sys/bus/pci/devices"

# Run test program $2 on edu, with the NVMe bound beside it (as $1) when
# there is one; arguments after $2 go before the device addresses.
with_nvme() {
	local name=$1 test=$2
	shift 2
	if [ -n "$nvme" ] && bind "$name" "$nvme"; then
		prog "$test" "$@" "$edu" "$nvme"
	else
		prog "$test" "$@" "$edu"
	fi
	[ -z "$nvme" ] || release "$name" "$nvme"
}

if [ -n "$edu" ]; then
	if bind edu "$edu"; then
		prog t_config "$edu"
		# Mappings across resets and the hot reset proof need a
		# resettable function behind a bridge: the NVMe.
		with_nvme extra-nvme t_pci_extra
		prog t_edu "$edu"
		# KVM's VFIO device (kvm_amd: QEMU's TCG emulates SVM).
		modprobe -q kvm_amd || modprobe -q kvm_intel
		prog t_kvm "$edu"
		modprobe -q -r kvm_amd kvm_intel kvm
		prog t_iommu_block "$edu"
		prog t_type1 "$edu"
		prog t_dirty "$edu"
		# Peer-to-peer: edu DMAs from the NVMe BAR, so both are bound.
		with_nvme p2p-nvme t_pfnmap
		prog t_badinput "$edu"
		prog t_feature "$edu" edu
		prog t_lowpower "$edu" edu
		prog t_lifetime "$edu"
		with_nvme security-nvme t_security
		if [ "$mode" = bundle ]; then
			prog t_fuzz "$edu" "${VFIO_BP_FUZZ_SEED:-0x5eed5eed}"
			prog t_failnth "$edu"
			with_nvme stress-nvme t_stress \
				"${VFIO_BP_STRESS_SECONDS:-20}"
		else
			na fuzz "the uAPI fuzzer runs against the bundle's modules, not the kernel's own"
			na failnth "fault injection runs against the bundle's modules, not the kernel's own"
			na stress "the race stress test runs against the bundle's modules, not the kernel's own"
		fi
		prog t_sriov nonpf "$edu"
	fi
	release edu "$edu"
fi
if [ -n "$nvme" ]; then
	if bind nvme "$nvme"; then
		prog t_nvme "$nvme"
		prog t_feature "$nvme" nvme
		prog t_dmabuf "$nvme" nvme
		prog t_lowpower "$nvme" nvme
	fi
	release nvme "$nvme"
fi

# Unbind a function from vfio-pci and clear its driver_override, for a
# function whose group another bound function keeps (release() wants the
# group gone).
unbind_only() {
	local dev=/sys/bus/pci/devices/$1
	[ -z "$(driver_of "$1")" ] || sysfs_write "$1" "$dev/driver/unbind"
	sysfs_write "" "$dev/driver_override"
}

# Functions matching $1 (as find_dev) that sit behind a bridge, not on a
# root bus.
find_behind_bridge() {
	local d parent
	for d in /sys/bus/pci/devices/*; do
		parent=$(basename "$(dirname "$(readlink -f "$d")")")
		case "$parent" in pci*) continue ;; esac
		# shellcheck disable=SC2254 # $1 is a glob on purpose
		case "$(cat "$d/vendor"):$(cat "$d/device"):$(cat "$d/class")" in
		$1) echo "${d##*/}" ;;
		esac
	done
}

# Reset sets: two e1000 functions behind one root port have no reset of
# their own; only the bus reset of both resets them (t_reset_set).
read -r -a rs <<<"$(find_behind_bridge '0x8086:0x100e:*' | tr '\n' ' ')"
[ "${#rs[@]}" = 2 ]
result resetset-devices $? "want two 8086:100e functions behind a bridge, found: ${rs[*]:-none}"
if [ "${#rs[@]}" = 2 ]; then
	if bind resetset-a "${rs[0]}" && bind resetset-b "${rs[1]}"; then
		prog t_reset_set "${rs[0]}" "${rs[1]}"
	fi
	unbind_only "${rs[0]}"
	release resetset-b "${rs[1]}"
fi

# The ERR IRQ: an AER error injected on the e1000e (PCIe, with AER)
# reaches its user; conventional PCI (edu) has no ERR IRQ (t_err).
e1000e=$(find_dev '0x8086:0x10d3:*')
result err-find-e1000e $? "no 8086:10d3 in /sys/bus/pci/devices"
if [ -n "$e1000e" ]; then
	out=$(modprobe aer_inject 2>&1)
	[ -c /dev/aer_inject ]
	result err-aer-inject $? "modprobe aer_inject: ${out:-no /dev/aer_inject}"
	if bind e1000e "$e1000e"; then
		if [ -n "$edu" ] && bind err-edu "$edu"; then
			prog t_err "$e1000e" "$edu"
			release err-edu "$edu"
		else
			prog t_err "$e1000e"
		fi
	fi
	release e1000e "$e1000e"
	modprobe -r aer_inject >/dev/null 2>&1
fi

# SR-IOV and the VF token on QEMU's SR-IOV NVMe PF. t_sriov leaves the PF
# bound with no VFs and enable_sriov off, as it found them.
sriov_pf=$(find_dev '*:*:0x0108*' sriov)
result sriov-find-pf $? "no SR-IOV capable class 0108 device"
if [ -n "$sriov_pf" ]; then
	bind sriov "$sriov_pf" && prog t_sriov pf "$sriov_pf"
	release sriov "$sriov_pf"
	n=$(cat "/sys/bus/pci/devices/$sriov_pf/sriov_numvfs")
	p=$(cat /sys/module/vfio_pci/parameters/enable_sriov)
	[ "$n" = 0 ] && [ "$p" = N ]
	result sriov-cleanup $? "sriov_numvfs $n, enable_sriov $p after the release"
fi

# ids=: vfio-pci loaded with edu's ID binds it with no driver_override, and
# a malformed entry is logged by name and skipped, not a failed load. Both
# the bundle and the in-tree driver (since 4.x) behave this way.
if [ -n "$edu" ] && [ -z "$stuck" ] && [ -z "${orig[$edu]:-}" ]; then
	edu_dev=/sys/bus/pci/devices/$edu
	out=$(modprobe -r vfio-pci 2>&1)
	[ ! -d /sys/module/vfio_pci ]
	result ids-unload $? "modprobe -r vfio-pci: ${out:-still loaded}"
	sysfs_write "" "$edu_dev/driver_override"
	ovr=$(cat "$edu_dev/driver_override")
	{ [ -z "$ovr" ] || [ "$ovr" = "(null)" ]; } && [ -z "$(driver_of "$edu")" ]
	result ids-edu-free $? "$edu: driver '$(driver_of "$edu")', driver_override '$ovr'"

	out=$(modprobe vfio-pci ids=1234:11e8 2>&1)
	rc=$?
	drv=$(driver_of "$edu")
	[ "$rc" = 0 ] && [ "$drv" = vfio-pci ]
	result ids-binds "$?" "modprobe vfio-pci ids=1234:11e8: rc $rc ${out:+($out) }and $edu is bound to '${drv:-nothing}'"
	[ -z "$drv" ] || sysfs_write "$edu" "$edu_dev/driver/unbind"
	out=$(modprobe -r vfio-pci 2>&1)
	[ -z "$(driver_of "$edu")" ] && [ ! -d /sys/module/vfio_pci ]
	result ids-unbind $? "$edu bound to '$(driver_of "$edu")' after unbind; modprobe -r vfio-pci: ${out:-ok}"

	before=$(dmesg | grep -c 'zz:qq')
	out=$(modprobe vfio-pci ids=zz:qq 2>&1)
	rc=$?
	[ "$rc" = 0 ] && [ -d /sys/bus/pci/drivers/vfio-pci ]
	result ids-bad-entry-loads $? "modprobe vfio-pci ids=zz:qq: rc $rc ${out:-and no vfio-pci driver}"
	after=$(dmesg | grep 'zz:qq')
	[ "$(printf '%s' "$after" | grep -c 'zz:qq')" -gt "$before" ]
	result ids-bad-entry-logged $? "no new kernel log line names 'zz:qq'"
	[ -z "$(driver_of "$edu")" ]
	result ids-bad-entry-binds-nothing $? "$edu is bound to '$(driver_of "$edu")'"

	# Leave vfio-pci loaded with no ids, as the sections below expect.
	modprobe -r vfio-pci >/dev/null 2>&1
	out=$(modprobe vfio-pci 2>&1)
	[ -d /sys/bus/pci/drivers/vfio-pci ] && [ -z "$(driver_of "$edu")" ]
	result ids-restore $? "modprobe vfio-pci: ${out:-ok}; $edu bound to '$(driver_of "$edu")'"
elif [ -n "$edu" ]; then
	na ids-binds "edu was not left free (driver '$(driver_of "$edu")', writes stuck:${stuck:- none})"
fi

# Viability: two e1000 functions share an IOMMU group. While the second is
# driven by the host's e1000 driver (which does DMA), the first must not
# reach user space; once it is unbound, it may again.
nic0=$(find_dev '0x8086:0x100e:*')
nic1=""
for d in /sys/bus/pci/devices/*; do
	[ "${d##*/}" != "$nic0" ] && [ -n "$nic0" ] &&
		[ "$(group_of "${d##*/}")" = "$(group_of "$nic0")" ] && nic1=${d##*/}
done
[ -n "$nic1" ]
result viability-devices $? "no second function in the IOMMU group of '${nic0:-no 8086:100e}'"
if [ -n "$nic1" ] && bind nic "$nic0"; then
	prog t_viability "$nic0" viable
	modprobe e1000 >/dev/null 2>&1
	[ "$(driver_of "$nic1")" = e1000 ] || sysfs_write "$nic1" /sys/bus/pci/drivers/e1000/bind
	[ "$(driver_of "$nic1")" = e1000 ]
	result viability-host-driver $? "$nic1 is bound to '$(driver_of "$nic1")', want e1000"
	prog t_viability "$nic0" blocked
	sysfs_write "$nic1" /sys/bus/pci/drivers/e1000/unbind
	prog t_viability "$nic0" viable viability-again-
	release nic "$nic0"
	modprobe -r e1000
fi

# Module parameters with visible effects (t_modparams): vfio-pci reloaded
# with each, the function bound and checked, then reloaded without.
params() {
	local test=$1 what=$2 bdf=$3 how=$4 param=$5 out
	modprobe -r vfio-pci >/dev/null 2>&1
	# shellcheck disable=SC2086 # no parameter at all when empty
	out=$(modprobe vfio-pci $param 2>&1)
	result "params-load-$how" $? "modprobe vfio-pci $param: $out"
	if bind "params-$how" "$bdf"; then
		prog "$test" "$what" "$bdf" "$how"
	fi
	release "params-$how" "$bdf"
}
if [ -z "$stuck" ]; then
	[ -z "$nvme" ] || params t_modparams idle "$nvme" d3 ""
	[ -z "$nvme" ] || params t_modparams idle "$nvme" d0 disable_idle_d3=1
	[ -z "$edu" ] || params t_modparams intx "$edu" masking ""
	[ -z "$edu" ] || params t_modparams intx "$edu" exclusive nointxmask=1
	# The legacy VGA region of QEMU's std VGA, and disable_vga=1 (t_vga).
	vga=$(find_dev '*:*:0x0300*')
	result vga-find $? "no VGA class device in /sys/bus/pci/devices"
	[ -z "$vga" ] || params t_vga vga "$vga" vga-on ""
	[ -z "$vga" ] || params t_vga vga "$vga" vga-off disable_vga=1
	modprobe -r vfio-pci >/dev/null 2>&1
	out=$(modprobe vfio-pci 2>&1)
	p=$(cat /sys/module/vfio_pci/parameters/disable_idle_d3 \
		/sys/module/vfio_pci/parameters/nointxmask \
		/sys/module/vfio_pci/parameters/disable_vga 2>&1 | tr -d '\n')
	[ "$p" = NNN ]
	result params-restore $? "after reloading vfio-pci without parameters: disable_idle_d3, nointxmask and disable_vga read '$p' ${out:+($out)}"
fi

# Nothing holds vfio any more: it all unloads.
if [ -n "$stuck" ]; then
	fail pci-unload "not tried: writes to$stuck never returned"
	exit 1
fi
modprobe -r vfio-pci vfio_iommu_type1 vfio >/dev/null 2>&1
left=$(for m in vfio_pci vfio_pci_core vfio_iommu_type1 vfio; do
	[ -d "/sys/module/$m" ] && echo -n " $m"
done)
[ -z "$left" ]
result pci-unload $? "still loaded after modprobe -r:$left"

exit $((failures > 0))
