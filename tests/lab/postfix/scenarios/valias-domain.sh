# valias-domain - a virtual alias domain named in its own table (Sendmail style)
# virtual_alias_domains keeps Postfix's default, $virtual_alias_maps: the
# "example.net anything" line makes example.net a virtual alias domain.
# Its postmaster is in the table, root is not: smtpd refuses
# root@example.net ("User unknown in virtual alias table").  A test
# should see root@example.net flagged, postmaster@example.net not, and
# after the fix root@example.net accepted.
map "$ETC/virtual" <<-EOM
	# virtual alias domain example.net, forwarded to people elsewhere
	example.net              anything
	postmaster@example.net   root@localhost
	info@example.net         root@localhost
	EOM
set_param "virtual_alias_maps = hash:$ETC/virtual"
