# incident1-nolocal - incident1-fjord without "accept hosts = :" at the top of
# acl_check_rcpt: local SMTP (exim -bs, no client host) runs the same ACL as
# remote clients.  A negated host list ("hosts = ! 127.0.0.0/8 : ! ::::1")
# matches a client without a host, so a deny limited by it alone would
# refuse local SMTP mail to localhost (exim -bs: 250 before, 550 after).  A
# test should see the proof ask exim -bs before and after, refuse a fix that
# breaks that path, and apply the incident-1 fix as proposed.
# shellcheck source=/dev/null
. "$SCENDIR/incident1-fjord.sh"
desc="incident 1, plain exim.conf without accept hosts = : (local SMTP runs the ACL)"
# scenario_conf - incident1-fjord's config without its "accept hosts = :"
scenario_conf() {
	fjord_conf | sed '/^  accept  hosts = :$/d'
}
