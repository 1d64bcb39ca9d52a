# debian-stock-local - Debian 12's exim4-config as installed for an
# "internet site": non-split template, dc_local_interfaces='127.0.0.1 ; ::1'
# (loopback only, Debian's default).  incident 1's baseline: a test
# should see mta "exim", the version from -bV, local_domains
# @:localhost:example.com, and the postmaster accept in acl_check_rcpt.
desc="Debian stock internet site, non-split template, loopback-only listener"
