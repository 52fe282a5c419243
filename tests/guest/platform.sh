#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vfio-platform, run by the guest suite, on the platform devices of the
# test module tests/kmod/vfio_platform_testdev.ko (which needs the guest's
# memmap=64K$0x20000000): vfio-platform-testdev.0 (a reset function; an
# mmap-able and a small region; a level and an edge IRQ),
# vfio-platform-testdev.1 (no reset function; one region, one level IRQ)
# and vfio-platform-testdev.2 (reset by vfio_platform_testreset.ko, which
# only modprobe loads, through the alias vfio-platform asks for).
#  - platform devices have no IOMMU: with the core's no-IOMMU mode off
#    vfio-platform cannot bind them (the log says why), with it on they get
#    a noiommu-N group and taint the kernel;
#  - binding through driver_override; the device as user space sees it
#    (t_platform check: info, regions, mmap, IRQs, reset);
#  - reset_required: a device without a reset function is refused unless
#    vfio-platform is loaded with reset_required=0 (t_platform noreset);
#  - a reset module loaded by its alias, held while its device is bound
#    (t_platform modreset);
#  - unbinding while the device is open (t_platform hold);
#  - the test module is held while a device it resets is bound;
#  - bad sysfs and module parameter input; unloading everything.
# vfio-amba is for arm64 only. In-tree mode has nothing to test: Debian's
# x86 kernels have no vfio-platform. Each check prints one PASS / FAIL /
# N/A line; the exit status is 1 if any check failed.
set -u
mode=${VFIO_BP_MODE:-in-tree}
kver=${VFIO_BP_KVER:-$(uname -r)}
failures=0

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; failures=$((failures + 1)); }
na() { echo "N/A  $1: $2"; }
result() { if [ "$2" = 0 ]; then pass "$1"; else fail "$1" "$3"; fi; }
prog() { "$@" || failures=$((failures + 1)); }

if [ "$mode" != bundle ]; then
	na platform "Debian's x86 kernels build no vfio-platform (it depends on ARM || ARM64 || COMPILE_TEST)"
	exit 0
fi

D0=vfio-platform-testdev.0
D1=vfio-platform-testdev.1
D2=vfio-platform-testdev.2
TRESETS=/sys/module/vfio_platform_testreset/parameters/resets
DEVS=/sys/bus/platform/devices
DRV=/sys/bus/platform/drivers/vfio-platform
PROBE=/sys/bus/platform/drivers_probe
NOIOMMU=/sys/module/vfio/parameters/enable_unsafe_noiommu_mode
RESREQ=/sys/module/vfio_platform/parameters/reset_required
MODULES="vfio_platform vfio_platform_testreset vfio_platform_testdev vfio_platform_base vfio_iommu_type1 vfio"

# Write a sysfs attribute through t_platform, which gives up after 20 s: $r
# is OK, the errno's name (EINVAL, ...) or STUCK; $log the kernel log
# lines that came meanwhile.
stuck=""
r="" log=""
wr() {
	local out
	out=$(t_platform write "$1" "$2")
	r=${out%%$'\n'*}
	log=${out#"$r"}
	log=${log#$'\n'}
	[ "$r" != STUCK ] || stuck="$stuck $1"
}

driver_of() {
	local l
	l=$(readlink "$DEVS/$1/driver") || return 0
	echo "${l##*/}"
}
group_of() {
	local l
	l=$(readlink "$DEVS/$1/iommu_group") || return 0
	echo "${l##*/}"
}
# TAINT_USER, bit 6 of the kernel's taint mask.
taint_user() { echo $((($(cat /proc/sys/kernel/tainted) >> 6) & 1)); }
# The no-IOMMU group nodes, each followed by a space.
noiommu_nodes() {
	local n
	for n in /dev/vfio/noiommu-*; do
		[ -e "$n" ] && printf '%s ' "$n"
	done
}
# The kernel log lines of $log that name $1 and match the regex $2.
log_has() { printf '%s\n' "$log" | grep -F -- "$1" | grep -qiE -- "$2"; }
oneline() { printf '%s' "$1" | tr '\n' '|'; }
loaded_modules() {
	local m
	for m in $MODULES; do
		[ -d "/sys/module/$m" ] && printf ' %s' "$m"
	done
}

# Everything unloaded, quietly: the start and the way out of a failure.
unload_all() {
	local d
	for d in $D0 $D1 $D2; do
		[ -n "$(driver_of "$d")" ] && wr "$DRV/unbind" "$d"
	done
	modprobe -r vfio_platform vfio_platform_testreset vfio_platform_testdev \
		vfio_platform_base vfio_iommu_type1 vfio >/dev/null 2>&1
}
give_up() {
	if [ -n "$stuck" ]; then
		fail platform-unload "not tried: writes to$stuck never returned"
	else
		unload_all
	fi
	exit 1
}

echo "vfio-backports: t_platform.sh starts" >/dev/kmsg

# --- vfio-amba: the AMBA bus is an ARM thing
amba=$(modinfo -k "$kver" -n vfio_amba 2>/dev/null)
if [ -z "$amba" ]; then
	na vfio-amba "no AMBA bus in x86 kernels (built for arm64 in the matrix)"
else
	out=$(modprobe vfio_amba 2>&1)
	rc=$?
	[ "$rc" = 0 ] && [ -d /sys/module/vfio_amba ]
	result vfio-amba-load $? "$amba is installed: modprobe vfio_amba rc $rc ${out:+($out)}"
	modprobe -r vfio_amba >/dev/null 2>&1
fi

# --- load: vfio with no-IOMMU mode off, as by default
[ -z "$(loaded_modules)" ] || unload_all
out=$(modprobe vfio 2>&1)
p=$(cat "$NOIOMMU" 2>&1)
perm=$(stat -c %a "$NOIOMMU" 2>&1)
[ "$p" = N ] && [ "$perm" = 644 ]
result platform-noiommu-param-default $? \
	"modprobe vfio ${out:+($out) }: $NOIOMMU reads '$p' (want N), mode $perm (want 644)"
declare -A badp=([word]=maybe [number]=2 [newline]=$'\n')
for k in word number newline; do
	wr "$NOIOMMU" "${badp[$k]}"
	p=$(cat "$NOIOMMU" 2>&1)
	[ "$r" = EINVAL ] && [ "$p" = N ]
	result "platform-noiommu-param-bad-$k" $? \
		"writing '$(printf '%q' "${badp[$k]}")' to enable_unsafe_noiommu_mode: $r, want EINVAL; it reads '$p' (want N)"
done

out=$(modprobe vfio_platform_testdev 2>&1)
rc=$?
[ "$rc" = 0 ] && [ -e "$DEVS/$D0" ] && [ -e "$DEVS/$D1" ]
if ! result platform-testdev-load $? \
	"modprobe vfio_platform_testdev: rc $rc ${out:+($out) }$D0 $([ -e "$DEVS/$D0" ] && echo present || echo missing), $D1 $([ -e "$DEVS/$D1" ] && echo present || echo missing); kernel command line: $(cat /proc/cmdline)"; then
	give_up
fi
missing=""
for d in $D0 $D1; do
	for a in irq_assert irq_deassert reset_count driver_override; do
		[ -e "$DEVS/$d/$a" ] || missing="$missing $d/$a"
	done
	[ -z "$(driver_of "$d")" ] || missing="$missing $d:bound-to-$(driver_of "$d")"
done
[ -z "$missing" ]
result platform-testdev-attrs $? "missing or unexpected:$missing"
ref_td0=$(cat /sys/module/vfio_platform_testdev/refcnt)

# A bad value for reset_required refuses the load.
out=$(modprobe vfio-platform reset_required=banana 2>&1)
rc=$?
[ "$rc" != 0 ] && [ ! -d /sys/module/vfio_platform ]
result platform-reset-required-bad-value $? \
	"modprobe vfio-platform reset_required=banana: rc $rc ${out:+($out)}, vfio_platform $([ -d /sys/module/vfio_platform ] && echo loaded || echo "not loaded")"
modprobe -r vfio_platform >/dev/null 2>&1

out=$(modprobe vfio-platform 2>&1)
rc=$?
[ "$rc" = 0 ] && [ -d "$DRV" ]
if ! result platform-modprobe $? "modprobe vfio-platform: rc $rc ${out:+($out) }$DRV $([ -d "$DRV" ] && echo present || echo missing)"; then
	give_up
fi
bad=""
for m in vfio_platform vfio_platform_base vfio_platform_testdev; do
	path=$(modinfo -k "$kver" -n "$m" 2>&1)
	case "$path" in
	/lib/modules/$kver/updates/*) ;;
	*) bad="$bad $m=$path" ;;
	esac
done
[ -z "$bad" ]
result platform-module-path $? "not the bundle's:$bad"

p=$(cat "$RESREQ" 2>&1)
perm=$(stat -c %a "$RESREQ" 2>&1)
[ "$p" = Y ] && [ "$perm" = 444 ]
result platform-reset-required-default $? "$RESREQ reads '$p' (want Y), mode $perm (want 444)"
wr "$RESREQ" 0
p=$(cat "$RESREQ" 2>&1)
[ "$r" != OK ] && [ "$p" = Y ]
result platform-reset-required-read-only $? "writing 0 to $RESREQ: $r, want an error; it reads '$p' (want Y)"

# --- bad sysfs input
wr "$PROBE" vfio-platform-testdev.7
[ "$r" = ENODEV ]
result platform-drivers-probe-unknown $? "writing vfio-platform-testdev.7 to $PROBE: $r, want ENODEV"
declare -A badi=([line]=9 [text]=abc [negative]=-1)
for k in line text negative; do
	wr "$DEVS/$D0/irq_assert" "${badi[$k]}"
	[ "$r" != OK ] && [ "$r" != STUCK ]
	result "platform-testdev-irq-assert-bad-$k" $? "writing '${badi[$k]}' to $D0/irq_assert (it has lines 0 and 1): $r, want an error"
done
wr "$DEVS/$D0/driver_override" "$(printf 'x%.0s' $(seq 4200))"
ovr=$(cat "$DEVS/$D0/driver_override")
[ "$r" = EINVAL ] && { [ -z "$ovr" ] || [ "$ovr" = "(null)" ]; }
result platform-driver-override-too-long $? "writing 4200 characters to $D0/driver_override: $r, want EINVAL; it reads '${ovr:0:40}'"

# --- no-IOMMU mode off: a device with no IOMMU group is refused
t_platform extension platform-noiommu-extension-off 0 || failures=$((failures + 1))
t0=$(taint_user)
wr "$DEVS/$D0/driver_override" vfio-platform
ovr=$(cat "$DEVS/$D0/driver_override")
[ "$r" = OK ] && [ "$ovr" = vfio-platform ]
result platform-dev0-driver-override $? "writing vfio-platform to $D0/driver_override: $r; it reads '$ovr'"
wr "$PROBE" "$D0"
drv=$(driver_of "$D0")
g=$(group_of "$D0")
[ -z "$drv" ] && [ -z "$g" ] && [ -z "$(noiommu_nodes)" ] && [ "$(taint_user)" = "$t0" ]
result platform-noiommu-off-refused $? \
	"with enable_unsafe_noiommu_mode=N: drivers_probe $r, $D0 bound to '${drv:-nothing}' (want nothing), iommu_group '${g:-none}', noiommu nodes '$(noiommu_nodes)', TAINT_USER $t0 -> $(taint_user)"
log_has "$D0" 'iommu|error -22|failed'
result platform-noiommu-off-logged $? "no kernel log line names $D0 and why it was refused; the log said: $(oneline "${log:-nothing}")"

# --- no-IOMMU mode on: a noiommu-N group, and a tainted kernel
wr "$NOIOMMU" 1
p=$(cat "$NOIOMMU" 2>&1)
[ "$r" = OK ] && [ "$p" = Y ]
result platform-noiommu-enable $? "writing 1 to $NOIOMMU: $r; it reads '$p' (want Y)"
t_platform extension platform-noiommu-extension-on 1 || failures=$((failures + 1))

t0=$(taint_user)
wr "$PROBE" "$D0"
drv=$(driver_of "$D0")
[ "$drv" = vfio-platform ]
if ! result platform-dev0-bind $? "drivers_probe $D0: $r; bound to '${drv:-nothing}', want vfio-platform; the log said: $(oneline "${log:-nothing}")"; then
	give_up
fi
g0=$(group_of "$D0")
name=$(cat "/sys/kernel/iommu_groups/$g0/name" 2>&1)
devs=$(ls "/sys/kernel/iommu_groups/$g0/devices" 2>&1 | tr '\n' ' ')
[ -n "$g0" ] && [ -c "/dev/vfio/noiommu-$g0" ] && [ ! -e "/dev/vfio/$g0" ] &&
	[ "$name" = vfio-noiommu ] && [ "$devs" = "$D0 " ]
result platform-dev0-noiommu-group $? \
	"iommu_group '${g0:-none}', /dev/vfio/noiommu-${g0:-?} $([ -c "/dev/vfio/noiommu-$g0" ] && echo exists || echo missing), /dev/vfio/${g0:-?} $([ -e "/dev/vfio/$g0" ] && echo "exists (want none)" || echo absent), name '$name' (want vfio-noiommu), devices '$devs' (want $D0 only)"
ls -d "$DEVS/$D0"/vfio-dev/vfio[0-9]* >/dev/null 2>&1
result platform-dev0-vfio-dev $? "no $DEVS/$D0/vfio-dev/vfioN"
if [ "$t0" = 1 ]; then
	na platform-noiommu-taint "TAINT_USER was set before the bind: nothing to tell"
else
	[ "$(taint_user)" = 1 ]
	result platform-noiommu-taint $? "TAINT_USER (bit 6 of /proc/sys/kernel/tainted, $(cat /proc/sys/kernel/tainted)) not set by the no-IOMMU group"
fi
log_has "$D0" 'taint'
result platform-noiommu-taint-logged $? "no kernel log line names $D0 and the taint; the log said: $(oneline "${log:-nothing}")"

# --- the device as user space sees it; it is reset on first open and on
# last close, and once by t_platform's VFIO_DEVICE_RESET in between.
rc0=$(cat "$DEVS/$D0/reset_count")
prog t_platform check "$D0"
rc1=$(cat "$DEVS/$D0/reset_count")
[ "$rc1" = $((rc0 + 3)) ]
result platform-reset-on-open-and-close $? \
	"reset_count $rc0 before t_platform check, $rc1 after: want +3 (open, DEVICE_RESET, close)"

# --- the test module resets testdev.0: held while it is bound
ref=$(cat /sys/module/vfio_platform_testdev/refcnt 2>&1)
out=$(rmmod vfio_platform_testdev 2>&1)
rc=$?
[ "$ref" = $((ref_td0 + 1)) ] && [ "$rc" != 0 ] && [ -d /sys/module/vfio_platform_testdev ] &&
	[ "$(driver_of "$D0")" = vfio-platform ]
result platform-testdev-held-while-bound $? \
	"vfio_platform_testdev refcnt $ref_td0 unbound, $ref with $D0 bound (want +1); rmmod rc $rc ${out:+($out)}; $D0 bound to '$(driver_of "$D0")'"
if [ ! -d /sys/module/vfio_platform_testdev ]; then
	give_up
fi

# --- reset_required=1: no reset function, no binding
wr "$DEVS/$D1/driver_override" vfio-platform
wr "$PROBE" "$D1"
drv=$(driver_of "$D1")
[ -z "$drv" ] && [ -z "$(group_of "$D1")" ] && [ "$(noiommu_nodes)" = "/dev/vfio/noiommu-$g0 " ]
result platform-dev1-reset-required-refused $? \
	"drivers_probe $D1 with reset_required=Y: $r; bound to '${drv:-nothing}' (want nothing), iommu_group '$(group_of "$D1")' (want none), noiommu nodes '$(noiommu_nodes)' (want only noiommu-$g0)"
log_has "$D1" 'reset'
result platform-dev1-reset-required-logged $? \
	"no kernel log line names $D1 and its missing reset function; the log said: $(oneline "${log:-nothing}")"

# --- a reset module that modprobe finds by its alias, vfio-reset:ID:
# binding testdev.2 loads vfio_platform_testreset, and the bound device
# holds it; it resets on open, on DEVICE_RESET and on close.
[ ! -d /sys/module/vfio_platform_testreset ]
result platform-dev2-reset-module-absent $? "vfio_platform_testreset was loaded before anything asked for it"
wr "$DEVS/$D2/driver_override" vfio-platform
wr "$PROBE" "$D2"
drv=$(driver_of "$D2")
tref=$(cat /sys/module/vfio_platform_testreset/refcnt 2>&1)
[ "$drv" = vfio-platform ] && [ "$tref" = 1 ]
result platform-dev2-reset-module-loaded $? \
	"drivers_probe $D2 with reset_required=Y: $r; bound to '${drv:-nothing}' (want vfio-platform), vfio_platform_testreset refcnt '$tref' (want 1: loaded by its alias, held by the device); the log said: $(oneline "${log:-nothing}")"
if [ "$drv" = vfio-platform ]; then
	n0=$(cat "$TRESETS")
	prog t_platform modreset "$D2"
	n1=$(cat "$TRESETS")
	[ "$n1" = $((n0 + 3)) ]
	result platform-dev2-reset-module-called $? \
		"vfio_platform_testreset resets $n0 before t_platform modreset, $n1 after: want +3 (open, DEVICE_RESET, close)"
	wr "$DRV/unbind" "$D2"
fi
wr "$DEVS/$D2/driver_override" $'\n'
tref=$(cat /sys/module/vfio_platform_testreset/refcnt 2>&1)
out=$(rmmod vfio_platform_testreset 2>&1)
rc=$?
[ -z "$(driver_of "$D2")" ] && [ "$tref" = 0 ] && [ "$rc" = 0 ]
result platform-dev2-reset-module-released $? \
	"after unbinding $D2 (bound to '$(driver_of "$D2")'): vfio_platform_testreset refcnt '$tref' (want 0), rmmod rc $rc ${out:+($out)}"

# --- unbinding while open: waits for the close
t_platform hold "$D0"
rc=$?
[ "$rc" = 0 ] || failures=$((failures + 1))
[ "$rc" != 124 ] || stuck="$stuck $DRV/unbind"
if [ -n "$stuck" ]; then
	fail platform-unload "not tried: writes to$stuck never returned"
	exit 1
fi
ref=$(cat /sys/module/vfio_platform_testdev/refcnt 2>&1)
[ -z "$(driver_of "$D0")" ] && [ "$ref" = "$ref_td0" ]
result platform-testdev-released $? \
	"after the unbind: $D0 bound to '$(driver_of "$D0")' (want nothing), vfio_platform_testdev refcnt $ref (want $ref_td0)"

# --- reset_required=0: testdev.1 binds, and has no reset
out=$(modprobe -r vfio_platform 2>&1)
rc=$?
[ "$rc" = 0 ] && [ ! -d /sys/module/vfio_platform ] && [ ! -d "$DRV" ]
result platform-driver-unload $? "modprobe -r vfio_platform: rc $rc ${out:+($out)}, module $([ -d /sys/module/vfio_platform ] && echo left || echo gone), $DRV $([ -d "$DRV" ] && echo left || echo gone)"
out=$(modprobe vfio-platform reset_required=0 2>&1)
rc=$?
p=$(cat "$RESREQ" 2>&1)
[ "$rc" = 0 ] && [ "$p" = N ]
result platform-reset-required-0 $? "modprobe vfio-platform reset_required=0: rc $rc ${out:+($out) }$RESREQ reads '$p' (want N)"
wr "$PROBE" "$D1"
drv=$(driver_of "$D1")
[ "$drv" = vfio-platform ]
result platform-dev1-bind-noreset $? "drivers_probe $D1 with reset_required=N: $r; bound to '${drv:-nothing}'; the log said: $(oneline "${log:-nothing}")"
wr "$PROBE" "$D0"
g0=$(group_of "$D0")
g1=$(group_of "$D1")
[ "$(driver_of "$D0")" = vfio-platform ] && [ -n "$g0" ] && [ -n "$g1" ] && [ "$g0" != "$g1" ] &&
	[ -c "/dev/vfio/noiommu-$g0" ] && [ -c "/dev/vfio/noiommu-$g1" ]
result platform-groups-distinct $? \
	"$D0 bound to '$(driver_of "$D0")' in group '$g0', $D1 in group '$g1': want two groups, each with its noiommu node (nodes: '$(noiommu_nodes)')"
if [ "$drv" = vfio-platform ]; then
	prog t_platform noreset "$D1"
fi

# --- release: unbind, clear driver_override, unload
for d in $D0 $D1; do
	g=$(group_of "$d")
	[ -z "$(driver_of "$d")" ] || wr "$DRV/unbind" "$d"
	wr "$DEVS/$d/driver_override" $'\n'
	ovr=$(cat "$DEVS/$d/driver_override")
	[ -z "$(driver_of "$d")" ] && { [ -z "$ovr" ] || [ "$ovr" = "(null)" ]; } &&
		{ [ -z "$g" ] || [ ! -e "/dev/vfio/noiommu-$g" ]; } && [ -z "$(group_of "$d")" ]
	result "platform-release-${d##*.}" $? \
		"$d: driver '$(driver_of "$d")' (want none), driver_override '$ovr', /dev/vfio/noiommu-${g:-?} $([ -e "/dev/vfio/noiommu-$g" ] && echo left || echo gone), iommu_group '$(group_of "$d")'"
done
if [ -n "$stuck" ]; then
	fail platform-unload "not tried: writes to$stuck never returned"
	exit 1
fi
ref=$(cat /sys/module/vfio_platform_testdev/refcnt 2>&1)
[ "$ref" = "$ref_td0" ]
result platform-testdev-refcnt-back $? "vfio_platform_testdev refcnt $ref with nothing bound, want $ref_td0"

out=$(modprobe -r vfio_platform vfio_platform_testdev vfio_platform_base vfio_iommu_type1 vfio 2>&1)
left=$(loaded_modules)
[ -e "$DRV" ] && left="$left $DRV"
[ -e "$DEVS/$D0" ] && left="$left $DEVS/$D0"
[ -e "$DEVS/$D1" ] && left="$left $DEVS/$D1"
[ -n "$(noiommu_nodes)" ] && left="$left $(noiommu_nodes)"
[ -z "$left" ]
result platform-unload $? "still there after modprobe -r:$left ${out:+($out)}"

# The parameter at load time, as a no-IOMMU user (DPDK) sets it.
out=$(modprobe vfio enable_unsafe_noiommu_mode=1 2>&1)
p=$(cat "$NOIOMMU" 2>&1)
[ "$p" = Y ]
result platform-noiommu-modprobe-param $? "modprobe vfio enable_unsafe_noiommu_mode=1 ${out:+($out) }: it reads '$p', want Y"
t_platform extension platform-noiommu-extension-modprobe 1 || failures=$((failures + 1))
modprobe -r vfio_iommu_type1 vfio >/dev/null 2>&1
left=$(loaded_modules)
[ -z "$left" ]
result platform-unload-final $? "still loaded:$left"

# --- nothing went wrong in the kernel meanwhile
bad=$(dmesg | sed -n '/vfio-backports: t_platform.sh starts/,$p' |
	grep -E 'WARNING|BUG:|Call Trace|Oops|refcount_t:|[Ll]eak' | head -n 3)
[ -z "$bad" ]
result platform-dmesg-clean $? "the kernel log says: $(oneline "$bad")"

exit $((failures > 0))
