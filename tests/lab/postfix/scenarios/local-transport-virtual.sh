# local-transport-virtual - local_transport = virtual: /etc/aliases is never read
# Mailbox-only hosts route even their local domain to virtual(8).
# local_recipient_maps keeps Postfix's default (passwd + alias_maps), so
# smtpd accepts root@localhost (root is an account), then virtual(8)
# finds no mailbox for it and the mail bounces: "unknown user".
# /etc/aliases has root and postmaster, but nothing reads it.  A test
# should see root@ and postmaster@localhost flagged against
# virtual_alias_maps, and after the fix delivered to alice's mailbox.
mkdir -p "$DIR/vmail"
chown 5000:5000 "$DIR/vmail"
map "$ETC/vmailbox" <<-EOM
	# virtual mailboxes: address  path under virtual_mailbox_base
	alice@localhost      localhost/alice/
	EOM
map "$ETC/virtual" <<-EOM
	# virtual aliases
	info@localhost       alice@localhost
	EOM
set_param "mydestination = localhost" \
    "local_transport = virtual" \
    "virtual_mailbox_base = $DIR/vmail" \
    "virtual_mailbox_maps = hash:$ETC/vmailbox" \
    "virtual_alias_maps = hash:$ETC/virtual" \
    "virtual_uid_maps = static:5000" \
    "virtual_gid_maps = static:5000"
