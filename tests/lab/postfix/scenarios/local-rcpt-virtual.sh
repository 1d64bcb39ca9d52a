# local-rcpt-virtual - localhost the only local domain, local_recipient_maps = $virtual_mailbox_maps
# A common panel/tutorial shape: example.com is a virtual mailbox domain,
# mydestination is only localhost, and local_recipient_maps points at the
# virtual mailbox table.  smtpd looks root@localhost up there, finds
# nothing, and refuses it: "User unknown in local recipient table".
# postmaster@ a local domain is exempt from that check (smtpd_check.c):
# it is accepted and local(8) resolves it through /etc/aliases.
# A test should see no finding that says remote hosts reach root@localhost.
mkdir -p "$DIR/vmail"
chown 5000:5000 "$DIR/vmail"
map "$ETC/vmailbox" <<-EOM
	# virtual mailboxes: address  path under virtual_mailbox_base
	alice@example.com    example.com/alice/
	bob@example.com      example.com/bob/
	EOM
map "$ETC/virtual" <<-EOM
	# virtual aliases
	postmaster@example.com   alice@example.com
	root@example.com         alice@example.com
	EOM
set_param "mydestination = localhost" \
    "virtual_mailbox_domains = example.com" \
    "virtual_mailbox_base = $DIR/vmail" \
    "virtual_mailbox_maps = hash:$ETC/vmailbox" \
    "virtual_alias_maps = hash:$ETC/virtual" \
    "virtual_uid_maps = static:5000" \
    "virtual_gid_maps = static:5000" \
    "local_recipient_maps = \$virtual_mailbox_maps"
