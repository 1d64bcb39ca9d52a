# office-block - an ISP's public /16 trusted next to the office's own /29, and a stale table
# mynetworks lists 85.13.0.0/16 (a public /16 trusted by mistake) and
# 193.0.10.8/29 (the office's own public block).  XCLIENT ADDR=85.13.200.7
# and ADDR=193.0.10.9 RCPT victim@remote.test -> 250; 198.51.100.9 -> 454.
# smtpd_sender_restrictions has check_sender_access hash:blocked_senders,
# whose source gained bulk-mailer.example REJECT after postmap ran: postmap
# -q bulk-mailer.example finds nothing until the table is rebuilt.
map "$ETC/blocked_senders" <<-EOM
	# senders we never take mail from
	spammer.example   REJECT
	EOM
printf 'bulk-mailer.example   REJECT\n' >>"$ETC/blocked_senders"
touch -d "@$(($(date +%s) - 10))" "$ETC/blocked_senders.db"
set_param "mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128 85.13.0.0/16 193.0.10.8/29" \
    "smtpd_sender_restrictions = check_sender_access hash:$ETC/blocked_senders"
