# colon-ipv6 - incident 1's fix written with an undoubled IPv6
# address: "hosts = ! 127.0.0.0/8 : ! ::1".  Exim reads "::" as an escaped
# colon, so the list is "! 127.0.0.0/8" and "! :1"; ":1" is no IP address
# but a host-name pattern.  A test should observe: -bh ::1 (named localhost)
# -> 550, the local IPv6 client is denied; -bh 107.172.77.101 -> 550 only
# with reverse DNS, 250 without it (name lookup fails: the hole stays open).
. "$SCENDIR/incident1-fixed.sh"
desc="incident 1 fix with undoubled ::1 in a colon list (breaks ::1, defers remote)"
LAB_INCIDENT1_FIX=$(printf '%s\n' "$LAB_INCIDENT1_FIX" |
    sed 's/! ::::1$/! ::1/')
