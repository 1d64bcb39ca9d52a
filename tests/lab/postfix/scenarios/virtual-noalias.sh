# virtual-noalias - incident 2: virtual delivery, no root/postmaster in virtual_alias_maps
# example.com and localhost are virtual mailbox domains (mydestination is
# empty), so /etc/aliases (alias_maps, which has root) is never consulted.
# A test should see the missing root/postmaster alias flagged against
# virtual_alias_maps, and RCPT root@localhost (any client) get
#   550 5.1.1 <root@localhost>: Recipient address rejected: User unknown in virtual mailbox table
mkdir -p "$DIR/vmail"
chown 5000:5000 "$DIR/vmail"
map "$ETC/vmailbox" <<-EOM
	# virtual mailboxes: address  path under virtual_mailbox_base
	alice@example.com    example.com/alice/
	bob@example.com      example.com/bob/
	carol@example.com    example.com/carol/
	EOM
map "$ETC/virtual" <<-EOM
	# virtual aliases
	info@example.com     alice@example.com
	sales@example.com    bob@example.com, carol@example.com
	EOM
set_param "mydestination =" \
    "virtual_mailbox_domains = example.com, localhost" \
    "virtual_mailbox_base = $DIR/vmail" \
    "virtual_mailbox_maps = hash:$ETC/vmailbox" \
    "virtual_alias_maps = hash:$ETC/virtual" \
    "virtual_uid_maps = static:5000" \
    "virtual_gid_maps = static:5000"
