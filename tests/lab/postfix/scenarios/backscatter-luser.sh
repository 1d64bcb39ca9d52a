# backscatter-luser - luser_relay catch-all with local_recipient_maps blank
# luser_relay sends unknown local parts to one address; postconf(5) asks
# for "local_recipient_maps =" with it, so smtpd accepts any name.  A test
# should see postfix.backscatter.luser-relay (no automatic fix) and no
# postfix.backscatter.local-recipients.
set_param "local_recipient_maps =" \
    "luser_relay = catchall@ops.example.net"
