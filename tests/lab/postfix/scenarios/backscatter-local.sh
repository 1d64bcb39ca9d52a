# backscatter-local - local_recipient_maps written blank: every local part accepted
# The LOCAL_RECIPIENT_README shape of Postfix 1.x days, still in old
# tutorials: "local_recipient_maps =" so that smtpd asks no table.  smtpd
# accepts RCPT TO:<anything@mail.example.com>; local(8) bounces the
# unknown ones later to their (forged) sender.  A test should see
# postfix.backscatter.local-recipients with a fix restoring the default.
set_param "local_recipient_maps ="
