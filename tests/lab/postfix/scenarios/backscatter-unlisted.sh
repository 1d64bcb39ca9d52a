# backscatter-unlisted - smtpd_reject_unlisted_recipient = no: no recipient table asked at RCPT
# Stock otherwise: local_recipient_maps is the default, but smtpd is told
# not to ask it, so any local part is accepted and local(8) bounces the
# unknown ones.  A test should see postfix.backscatter.unlisted-off (no
# automatic fix) and real Postfix answering 250 to a made-up user.
set_param "smtpd_reject_unlisted_recipient = no"
