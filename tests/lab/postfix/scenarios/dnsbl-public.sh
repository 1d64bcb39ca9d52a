# dnsbl-public - DNS blocklists in the restriction lists: Spamhaus ZEN by
# client address and DBL by sender domain in smtpd_recipient_restrictions,
# and a submission service whose -o smtpd_client_restrictions asks
# Barracuda.  With a resolv.conf naming a public resolver (the test passes
# --resolv-conf FILE) the report has postfix.dnsbl.public-resolver with
# main.cf's and master.cf's lines; with 127.0.0.53 it has none.  Nothing
# is asked of any DNS: postconf reads the lists, the resolver file is
# the test's.
set_param "smtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination, reject_rbl_client zen.spamhaus.org=127.0.0.[2..11], reject_rhsbl_sender dbl.spamhaus.org"
pf -M "submission/inet = submission inet n - n - - smtpd"
pf -P "submission/inet/syslog_name=postfix/submission"
pf -P "submission/inet/smtpd_client_restrictions=reject_rbl_client,b.barracudacentral.org,permit"
settle
