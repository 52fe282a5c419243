#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Mediated devices, run by the guest suite: the bundle's mdev core with its
# sample parent (samples/mdev, the "mdev_sample" parent with the types
# mdev_sample-rw, cost 1, and mdev_sample-pin, cost 2, out of 4 units).
#  - the sysfs ABI tools rely on: the types and their attributes, create
#    and remove, available_instances as the budget is spent and given back,
#    and the errno of each bad request (EINVAL, EEXIST, EUSERS);
#  - each instance as a VFIO device in a group of its own (t_mdev check),
#    and removed while open (t_mdev hold);
#  - unloading the parent with instances present, and the core after it;
#  - Debian's mdevctl on top of it all.
# In-tree mode has no sample parent: it is built against the bundle's mdev
# API only. Each check prints one PASS / FAIL / N/A line; the exit status
# is 1 if any check failed.
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
	na mdev "the sample parent is built against the bundle's mdev API"
	exit 0
fi

P=/sys/class/mdev_bus/mdev_sample
TYPES=$P/mdev_supported_types
RW=$TYPES/mdev_sample-rw
PIN=$TYPES/mdev_sample-pin
DEVS=/sys/bus/mdev/devices

new_uuid() { cat /proc/sys/kernel/random/uuid; }

# Write a sysfs attribute through t_mdev, which gives up after 20 s: $r is
# OK, the errno's name (EINVAL, ...) or STUCK; $log the kernel log lines
# that came meanwhile.
stuck=""
r="" log=""
# (Builtins where they do: every process costs time under TCG.)
wr() {
	local out
	out=$(t_mdev write "$1" "$2")
	r=${out%%$'\n'*}
	log=${out#"$r"}
	log=${log#$'\n'}
	[ "$r" != STUCK ] || stuck="$stuck $1"
}

# "rw/pin", the available_instances of both types.
avail() {
	local a='?' b='?'
	read -r a <"$RW/available_instances"
	read -r b <"$PIN/available_instances"
	echo "$a/$b"
} 2>/dev/null
# The instances, each followed by a space.
instances() {
	local d
	for d in "$DEVS"/*; do
		[ -e "$d" ] && printf '%s ' "${d##*/}"
	done
}
group_of() {
	local l
	l=$(readlink "$DEVS/$1/iommu_group") || return 0
	echo "${l##*/}"
}
type_of() {
	local l
	l=$(readlink "$DEVS/$1/mdev_type") || return 0
	echo "${l##*/}"
}

# Create instance $3 of type $2 (rw or pin), check what sysfs shows, and
# name the checks mdev-$1-*.
create() {
	local n=$1 t=$2 u=$3 dir=$TYPES/mdev_sample-$2 parent
	wr "$dir/create" "$u"
	[ "$r" = OK ] && [ -e "$DEVS/$u" ]
	result "mdev-$n" $? "create $u: $r, $DEVS/$u $([ -e "$DEVS/$u" ] && echo exists || echo missing)"
	[ -e "$DEVS/$u" ] || return 1
	parent=$(dirname "$(readlink -f "$DEVS/$u")")
	[ "$(type_of "$u")" = "mdev_sample-$t" ] && [ -e "$dir/devices/$u" ] &&
		[ "$parent" = "$(readlink -f "$P")" ]
	result "mdev-$n-links" $? \
		"mdev_type -> '$(type_of "$u")', $dir/devices/$u $([ -e "$dir/devices/$u" ] && echo exists || echo missing), parent $parent (want $(readlink -f "$P"))"
}

# Remove instance $3 (of type $2) and check it is gone with its group, as
# check mdev-$1.
remove() {
	local n=$1 t=$2 u=$3 g
	g=$(group_of "$u")
	wr "$DEVS/$u/remove" 1
	[ "$r" = OK ] && [ ! -e "$DEVS/$u" ] && [ ! -e "$TYPES/mdev_sample-$t/devices/$u" ] &&
		[ -n "$g" ] && [ ! -e "/dev/vfio/$g" ]
	result "mdev-$n" $? \
		"remove $u: $r; afterwards $DEVS/$u $([ -e "$DEVS/$u" ] && echo left || echo gone), type link $([ -e "$TYPES/mdev_sample-$t/devices/$u" ] && echo left || echo gone), /dev/vfio/${g:-?} $([ -e "/dev/vfio/$g" ] && echo left || echo gone)"
}

# The instance's group: a one-device emulated group with its node.
group() {
	local t=$1 u=$2 g name devs
	g=$(group_of "$u")
	name=$(cat "/sys/kernel/iommu_groups/$g/name" 2>&1)
	devs=$(ls "/sys/kernel/iommu_groups/$g/devices" 2>&1 | tr '\n' ' ')
	[ -n "$g" ] && [ -c "/dev/vfio/$g" ] && [ "$name" = vfio-emulated ] &&
		[ "$devs" = "$u " ]
	result "mdev-group-$t" $? \
		"iommu_group '${g:-none}', /dev/vfio/${g:-?} $([ -c "/dev/vfio/$g" ] && echo exists || echo missing), name '$name' (want vfio-emulated), devices '$devs' (want $u only)"
}

# --- load: vfio (with Type1 by softdep), then the sample, which brings mdev.
modprobe vfio >/dev/null 2>&1
out=$(modprobe mdev_sample 2>&1)
[ -d "$P" ] && [ -d /sys/module/mdev ]
result mdev-load $? "modprobe mdev_sample: ${out:-no $P or no mdev module}"
if [ ! -d "$P" ]; then
	modprobe -r mdev_sample mdev vfio_iommu_type1 vfio >/dev/null 2>&1
	exit 1
fi
path=$(modinfo -k "$kver" -n mdev 2>&1)
case "$path" in
/lib/modules/$kver/updates/*) pass mdev-module-path ;;
*) fail mdev-module-path "modprobe resolves mdev to $path, not the bundle's" ;;
esac

# --- the types
types=$(ls "$TYPES" 2>&1 | tr '\n' ' ')
[ "$types" = "mdev_sample-pin mdev_sample-rw " ]
result mdev-types $? "$TYPES holds '$types', want mdev_sample-pin and mdev_sample-rw"
for t in rw pin; do
	d=$TYPES/mdev_sample-$t
	name=$(cat "$d/name" 2>&1)
	desc=$(cat "$d/description" 2>&1)
	api=$(cat "$d/device_api" 2>&1)
	[ -n "$name" ] && [ -f "$d/name" ] && [ -n "$desc" ] && [ -f "$d/description" ] &&
		[ "$api" = vfio-pci ] && [ -f "$d/create" ] && [ -d "$d/devices" ]
	result "mdev-type-$t-attrs" $? \
		"name '$name', description '$desc', device_api '$api' (want vfio-pci), create $([ -f "$d/create" ] && echo present || echo missing), devices/ $([ -d "$d/devices" ] && echo present || echo missing)"
done
a=$(avail)
[ "$a" = 4/2 ] && [ -z "$(instances)" ]
result mdev-available-initial $? "available_instances rw/pin $a, want 4/2; instances: '$(instances)'"

# --- create, and the requests that must be refused while there is room
u1=$(new_uuid)
create create-rw rw "$u1"
a=$(avail)
[ "$a" = 3/1 ]
result mdev-available-after-rw $? "rw/pin $a after one rw instance, want 3/1"

for t in rw pin; do
	wr "$TYPES/mdev_sample-$t/create" "$u1"
	[ "$r" = EEXIST ] && [ "$(instances)" = "$u1 " ] && [ "$(avail)" = 3/1 ]
	result "mdev-create-duplicate-$t" $? \
		"creating $u1 again as $t: $r, want EEXIST; instances '$(instances)', rw/pin $(avail) (want 3/1)"
done

u=$(new_uuid)
nodash=${u//-/}
declare -A bad=(
	[garbage]="not-a-uuid"
	[short]=${u:0:35}
	[trailing]="${u}x"
	[two-uuids]="$u $u"
	[leading-newline]=$'\n'"$u"
	[two-newlines]="$u"$'\n\n'
	[nonhex]="g${u:1}"
	[braces]="{$u}"
	[no-dashes]="$nodash"
	[empty-line]=$'\n'
)
for k in garbage short trailing two-uuids leading-newline two-newlines nonhex braces no-dashes empty-line; do
	wr "$RW/create" "${bad[$k]}"
	[ "$r" = EINVAL ] && [ "$(instances)" = "$u1 " ] && [ "$(avail)" = 3/1 ]
	result "mdev-create-bad-uuid-$k" $? \
		"create '$(printf '%q' "${bad[$k]}")': $r, want EINVAL; instances '$(instances)', rw/pin $(avail) (want 3/1)"
done

# remove takes a number, as upstream: 0 does nothing, and what is not a
# number is refused. Either way the instance stays.
wr "$DEVS/$u1/remove" 0
[ "$r" = OK ] && [ -e "$DEVS/$u1" ]
result mdev-remove-0-does-nothing $? \
	"writing 0 to remove: $r, want OK; $u1 $([ -e "$DEVS/$u1" ] && echo stays || echo "was removed")"
wr "$DEVS/$u1/remove" abc
[ "$r" = EINVAL ] && [ -e "$DEVS/$u1" ]
result mdev-remove-refuses-abc $? \
	"writing 'abc' to remove: $r, want EINVAL; $u1 $([ -e "$DEVS/$u1" ] && echo stays || echo "was removed")"
# A refused write may have removed it all the same: put it back.
[ -e "$DEVS/$u1" ] || wr "$RW/create" "$u1"

u2=$(new_uuid)
create create-pin pin "$u2"
a=$(avail)
[ "$a" = 1/0 ]
result mdev-available-after-pin $? "rw/pin $a after one rw and one pin instance, want 1/0"

group rw "$u1"
group pin "$u2"
[ "$(group_of "$u1")" != "$(group_of "$u2")" ]
result mdev-groups-distinct $? "both instances are in group $(group_of "$u1")"

# --- over the budget: EUSERS, and the kernel log says where
u3=$(new_uuid)
wr "$PIN/create" "$u3"
[ "$r" = EUSERS ] && [ ! -e "$DEVS/$u3" ]
result mdev-over-budget-pin $? "a second pin instance with 1 unit left: $r, want EUSERS; $u3 $([ -e "$DEVS/$u3" ] && echo created || echo "not created")"
printf '%s\n' "$log" | grep -q 'mdev_sample-pin'
result mdev-over-budget-pin-logged $? "no kernel log line names mdev_sample-pin; the log said: ${log:-nothing}"

u4=$(new_uuid)
create create-rw-last-unit rw "$u4"
a=$(avail)
[ "$a" = 0/0 ]
result mdev-available-exhausted $? "rw/pin $a with the budget spent, want 0/0"
u5=$(new_uuid)
wr "$RW/create" "$u5"
[ "$r" = EUSERS ] && [ ! -e "$DEVS/$u5" ]
result mdev-over-budget-rw $? "an rw instance with no unit left: $r, want EUSERS; $u5 $([ -e "$DEVS/$u5" ] && echo created || echo "not created")"
printf '%s\n' "$log" | grep -q 'mdev_sample-rw'
result mdev-over-budget-rw-logged $? "no kernel log line names mdev_sample-rw; the log said: ${log:-nothing}"

# --- each instance as a VFIO device
prog t_mdev check "$u1"
prog t_mdev check "$u2"

# --- remove gives the budget back
remove remove-rw rw "$u4"
a=$(avail)
[ "$a" = 1/0 ]
result mdev-available-after-remove-rw $? "rw/pin $a, want 1/0"
remove remove-pin pin "$u2"
a=$(avail)
[ "$a" = 3/1 ]
result mdev-available-after-remove-pin $? "rw/pin $a, want 3/1"
remove remove-rw-checked rw "$u1"
a=$(avail)
[ "$a" = 4/2 ] && [ -z "$(instances)" ]
result mdev-available-recovers $? "rw/pin $a with every instance removed, want 4/2; instances '$(instances)'"

# --- removing an instance while it is open
for t in rw pin; do
	u=$(new_uuid)
	create "remove-open-$t-create" "$t" "$u" || continue
	t_mdev hold "$u"
	rc=$?
	[ "$rc" = 0 ] || failures=$((failures + 1))
	[ "$rc" != 124 ] || stuck="$stuck $DEVS/$u/remove"
	a=$(avail)
	[ ! -e "$DEVS/$u" ] && [ "$a" = 4/2 ]
	result "mdev-remove-open-$t-budget" $? "after the remove: $u $([ -e "$DEVS/$u" ] && echo left || echo gone), rw/pin $a (want 4/2)"
done

if [ -n "$stuck" ]; then
	fail mdev-unload "not tried: writes to$stuck never returned"
	exit 1
fi

# --- unloading the parent removes its instances, and their groups
u6=$(new_uuid)
u7=$(new_uuid)
create parent-unload-create-rw rw "$u6"
create parent-unload-create-pin pin "$u7"
g6=$(group_of "$u6")
g7=$(group_of "$u7")
out=$(modprobe -r mdev_sample 2>&1)
rc=$?
left=""
[ -d /sys/module/mdev_sample ] && left="$left /sys/module/mdev_sample"
[ -e "$P" ] && left="$left $P"
[ -n "$(instances)" ] && left="$left instances: $(instances)"
for g in $g6 $g7; do
	[ -e "/dev/vfio/$g" ] && left="$left /dev/vfio/$g"
	[ -e "/sys/kernel/iommu_groups/$g" ] && left="$left /sys/kernel/iommu_groups/$g"
done
[ "$rc" = 0 ] && [ -n "$g6" ] && [ -n "$g7" ] && [ -z "$left" ]
result mdev-parent-unload $? "modprobe -r mdev_sample with two instances: rc $rc ${out:+($out) }groups '$g6' '$g7', left behind:${left:- nothing}"

# modprobe -r took mdev along if nothing else used it; make sure.
modprobe -r mdev >/dev/null 2>&1
left=""
for f in /sys/module/mdev /sys/bus/mdev /sys/class/mdev_bus; do
	[ -e "$f" ] && left="$left $f"
done
[ -z "$left" ]
result mdev-unload-clean $? "left behind after modprobe -r mdev:$left"

# --- mdevctl (Debian's; bullseye has the shell version 0.81, later
# suites the Rust one: both take the options used here)
out=$(modprobe mdev_sample 2>&1)
[ -d "$P" ] && [ "$(avail)" = 4/2 ]
result mdev-reload $? "modprobe mdev_sample again: ${out:-ok}, rw/pin $(avail) (want 4/2)"
if ! command -v mdevctl >/dev/null; then
	fail mdevctl "no mdevctl in the guest's userland (PATH=$PATH)"
elif [ -d "$P" ]; then
	out=$(mdevctl types 2>&1)
	rc=$?
	rwa=$(printf '%s\n' "$out" | grep -A1 -x '  mdev_sample-rw' | grep -c 'Available instances: 4')
	pina=$(printf '%s\n' "$out" | grep -A1 -x '  mdev_sample-pin' | grep -c 'Available instances: 2')
	[ "$rc" = 0 ] && printf '%s\n' "$out" | grep -qx 'mdev_sample' &&
		[ "$rwa" = 1 ] && [ "$pina" = 1 ] &&
		[ "$(printf '%s\n' "$out" | grep -c 'Device API: vfio-pci')" = 2 ]
	result mdevctl-types $? "mdevctl types: rc $rc, output: $(printf '%s' "$out" | tr '\n' '|')"

	u=$(new_uuid)
	out=$(mdevctl start -u "$u" -p mdev_sample -t mdev_sample-rw 2>&1)
	rc=$?
	[ "$rc" = 0 ] && [ -e "$DEVS/$u" ] && [ "$(type_of "$u")" = mdev_sample-rw ]
	result mdevctl-start $? "mdevctl start: rc $rc ${out:+($out) }$u $([ -e "$DEVS/$u" ] && echo "of type $(type_of "$u")" || echo missing)"
	out=$(mdevctl list 2>&1)
	rc=$?
	[ "$rc" = 0 ] && printf '%s\n' "$out" | grep -qE "^$u +mdev_sample +mdev_sample-rw( |$)"
	result mdevctl-list $? "mdevctl list: rc $rc, output: $(printf '%s' "$out" | tr '\n' '|')"
	out=$(mdevctl stop -u "$u" 2>&1)
	rc=$?
	[ "$rc" = 0 ] && [ ! -e "$DEVS/$u" ] && [ "$(avail)" = 4/2 ]
	result mdevctl-stop $? "mdevctl stop: rc $rc ${out:+($out) }$u $([ -e "$DEVS/$u" ] && echo left || echo gone), rw/pin $(avail)"

	u=$(new_uuid)
	out=$(mdevctl start -u "$u" -p mdev_sample -t mdev_sample-nosuch 2>&1)
	rc=$?
	[ "$rc" != 0 ] && [ -z "$(instances)" ] && [ "$(avail)" = 4/2 ]
	result mdevctl-unknown-type $? "mdevctl start with type mdev_sample-nosuch: rc $rc ${out:+($out) }instances '$(instances)', rw/pin $(avail)"
	for u in $(instances); do
		wr "$DEVS/$u/remove" 1
	done
fi

# --- nothing stays loaded
if [ -n "$stuck" ]; then
	fail mdev-unload "not tried: writes to$stuck never returned"
	exit 1
fi
modprobe -r mdev_sample mdev vfio_iommu_type1 vfio >/dev/null 2>&1
left=$(for m in mdev_sample mdev vfio_iommu_type1 vfio; do
	[ -d "/sys/module/$m" ] && echo -n " $m"
done)
[ -z "$left" ] && [ ! -e /sys/bus/mdev ] && [ ! -e /sys/class/mdev_bus ]
result mdev-unload $? "still there after modprobe -r:$left $([ -e /sys/bus/mdev ] && echo /sys/bus/mdev) $([ -e /sys/class/mdev_bus ] && echo /sys/class/mdev_bus)"

exit $((failures > 0))
