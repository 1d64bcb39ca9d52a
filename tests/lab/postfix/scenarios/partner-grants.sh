# partner-grants - access tables that grant relaying to what a client claims
# smtpd_relay_restrictions: permit_mynetworks, permit_sasl_authenticated,
# check_client_access cidr (81.169.0.0/16 OK: a public /16, and
# 192.0.2.44 OK: one partner host), check_helo_access (gw.supplier-parts.example
# OK), check_sender_access (supplier-parts.example OK, and a REJECT line),
# reject_unauth_destination.  Anyone forging an @supplier-parts.example
# sender, saying EHLO gw.supplier-parts.example, or connecting from the /16
# relays.  XCLIENT ADDR=198.51.100.9 MAIL FROM x@supplier-parts.example RCPT
# victim@remote.test -> 250; MAIL FROM x@other.test -> 454 (deferred stop).
map "$ETC/partner_senders" <<-EOM
	# the supplier's staff mail us orders
	supplier-parts.example   OK
	spam.example             REJECT
	EOM
map "$ETC/partner_helo" <<-EOM
	# their gateway
	gw.supplier-parts.example   OK
	EOM
cat >"$ETC/partner_clients.cidr" <<-EOM
	# the supplier's provider network and one host
	81.169.0.0/16   OK
	192.0.2.44      OK
	EOM
settle
set_param "smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, check_client_access cidr:$ETC/partner_clients.cidr, check_helo_access hash:$ETC/partner_helo, check_sender_access hash:$ETC/partner_senders, defer_unauth_destination"
