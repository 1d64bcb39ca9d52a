# backscatter-relay - relay_domains without relay_recipient_maps
# A backup MX / gateway for partner.example: relay_domains names it, no
# table lists its users, so smtpd accepts any address there and the next
# hop's refusals come back as bounces to forged senders.  A test should
# see postfix.backscatter.relay-recipients (no automatic fix).
set_param "relay_domains = partner.example"
