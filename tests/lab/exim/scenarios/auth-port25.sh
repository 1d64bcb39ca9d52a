# auth-port25 - the auth-plain-clear config listening on 25 and 587
# (daemon_smtp_ports = 25 : 587; the lab daemon still listens where -oX
# says): AUTH PLAIN/LOGIN offered on every port.  A test should observe:
# exim -bh 198.51.100.9 -oMi 192.0.2.1.25 EHLO offers AUTH; the report
# has exim.auth.port25 (medium) with the fix exim.auth.submission-only;
# after fix --yes, exim -bV accepts the config, -bh on port 25 offers no
# AUTH and on 587 still AUTH PLAIN LOGIN; rollback --yes restores the
# file byte for byte.
. "$SCENDIR/auth-plain-clear.sh"
desc="AUTH offered on port 25 as well as on 587"
lab_ports='25 : 587'
