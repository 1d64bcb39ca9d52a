# verify-sender-net - a public /16 in mynetworks (81.200.0.0/16) on a server
# that checks senders: smtpd_sender_restrictions = reject_non_fqdn_sender,
# reject_unknown_sender_domain, reject_unverified_sender; other names than
# the lab's defaults (myhostname mx4.heron-post.test, domain heron-post.test,
# postmaster aliased to an account of another name).  A forged sender at an
# example domain is refused here before and after any fix (450 or 550: its
# domain does not resolve), so a proof must not call that path broken; the
# mynetworks fix must apply, proven: XCLIENT ADDR=81.200.7.7 relays
# (victim@remote.test -> 250) before and is refused after, 127.0.0.1
# relays before and after.
cat >"$ETC/aliases" <<-EOA
	postmaster:    wmaster
	wmaster:       ops@heron-post.test
	root:          wmaster
EOA
postalias -c "$ETC" "hash:$ETC/aliases"
echo heron-post.test >"$ETC/mailname"
set_param "myhostname = mx4.heron-post.test" \
    "mydomain = heron-post.test" \
    "mydestination = \$myhostname, heron-post.test, localhost" \
    "mynetworks = 127.0.0.0/8 [::1]/128 81.200.0.0/16" \
    "smtpd_sender_restrictions = reject_non_fqdn_sender, reject_unknown_sender_domain, reject_unverified_sender" \
    "smtpd_recipient_restrictions = permit_mynetworks, reject_unverified_sender, reject_unauth_destination"
