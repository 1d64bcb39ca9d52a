# stock - Debian's stock "Internet Site" configuration; nothing dangerous
# Baseline for every other scenario: main.cf.debian + main.cf.tls (a lab
# self-signed pair in place of the snakeoil files) + what Debian's postinst
# writes with postconf -e.  Relay only for mynetworks (loopback) and SASL
# users; any other client gets 454 4.7.1 Relay access denied (Debian's
# defer_unauth_destination).  A report should find nothing critical.
