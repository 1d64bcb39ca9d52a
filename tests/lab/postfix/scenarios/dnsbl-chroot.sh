# dnsbl-chroot - Spamhaus ZEN in smtpd_recipient_restrictions, and the
# lab's smtpd chrooted in master.cf (chroot column "y"), as Debian ships
# smtp.  A chrooted smtpd resolves with $queue_directory/etc/resolv.conf,
# the copy Debian's init script makes, not /etc/resolv.conf: here a stale
# copy naming Google's 8.8.8.8.  A test should observe: with --resolv-conf
# naming 127.0.0.1 the report has postfix.dnsbl.public-resolver with the
# copy's 8.8.8.8 and the difference said; with the copy fixed, none.  The
# instance is not started (a chroot would need copies of /etc files);
# nothing is asked of any DNS.
set_param "smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination, reject_rbl_client zen.spamhaus.org"
pf -F "127.0.0.1:$PORT/inet/chroot = y"
mkdir -p "$DIR/spool/etc"
printf '# stale copy\nnameserver 8.8.8.8\n' >"$DIR/spool/etc/resolv.conf"
settle
