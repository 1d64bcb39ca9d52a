# mask-typo - incident 4: two /8 entries with host bits in mynetworks (typo for /32)
# mynetworks lists 210.140.12.34/8 and 218.45.6.7/8.  A test should see both
# flagged (critical/high) with main.cf file:line and the fix narrowing them to
# 210.140.12.34/32 and 218.45.6.7/32; over SMTP, clients not matched by an
# earlier entry get 451 4.3.0 (Postfix stops at the bad entry), see below.

# Observed with Postfix 3.7.11: postconf and "postfix check" are silent.
# smtpd logs per session (only the first bad entry is ever reached):
#   warning: smtpd_client_event_limit_exceptions: non-null host address bits
#     in "210.140.12.34/8", perhaps you should use "210.0.0.0/8" instead
#   warning: mynetworks: non-null host address bits in "210.140.12.34/8",
#     perhaps you should use "210.0.0.0/8" instead
# and RCPT from 210.1.2.3, 210.140.12.34, 218.45.6.7 and 198.51.100.9 alike,
# to a remote domain and to postmaster@example.com alike, gets
#   451 4.3.0 <victim@remote.test>: Temporary lookup failure
# while 127.0.0.1 and 192.168.1.5 (matched before the bad entry) get 250.
set_param "mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128 192.168.1.0/24 210.140.12.34/8 218.45.6.7/8"
