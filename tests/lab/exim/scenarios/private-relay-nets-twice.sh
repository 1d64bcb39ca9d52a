# private-relay-nets-twice - as private-relay-nets, with
# update-exim4.conf.conf setting dc_relay_nets twice: '192.0.2.0/24' where
# debconf writes it and '10.0.0.0/8' added by hand at the end.  The file
# is shell, sourced by update-exim4.conf: the last assignment wins, so
# Exim trusts the /8 (-bh 10.200.1.1 relays).  A test should see the
# evidence and the narrowing fix on the last line; after it 10.200.1.1 is
# refused and 127.0.0.1 still relays.
# shellcheck source=/dev/null
. "$SCENDIR/private-relay-nets.sh"
desc="dc_relay_nets twice in update-exim4.conf.conf, the /8 last"
dc_relay_nets='192.0.2.0/24'
scenario_edit() {
	echo "dc_relay_nets='10.0.0.0/8'" >>"$CONFDIR/update-exim4.conf.conf"
}
