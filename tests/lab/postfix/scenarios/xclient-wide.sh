# xclient-wide - XCLIENT granted to a /24 besides the lab's own client:
# smtpd_authorized_xclient_hosts = 127.0.0.1 192.0.2.0/24.  Any host in
# 192.0.2.0/24 may claim any client address (and SASL login): a session
# from 192.0.2.2 that says XCLIENT ADDR=127.0.0.1 is in mynetworks and
# relays (RCPT victim@remote.test -> 250), while without XCLIENT it gets
# 454 4.7.1 Relay access denied.  A test needs 192.0.2.2 (or another
# address of the /24) on this host to open that session; the fix narrows
# the grant to 127.0.0.1 and then XCLIENT from 192.0.2.2 is refused.
set_param "smtpd_authorized_xclient_hosts = 127.0.0.1 192.0.2.0/24"
