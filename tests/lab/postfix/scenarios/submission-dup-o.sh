# submission-dup-o - as submission-plain, with Debian's
# "-o smtpd_tls_security_level=encrypt" line uncommented and a second
# "-o smtpd_tls_security_level=may" further down the same entry: postconf
# -P and smtpd use the last -o of a name, so TLS stays optional (a client
# gets as far as RCPT without STARTTLS).  A test should see
# postfix.submission.no-tls naming the "may" line, and
# postfix.submission.encrypt editing that line (after it, 530).
SUBMISSION_SED='s/^#\(  -o smtpd_recipient_restrictions=\)/\1/
s/^#\(  -o smtpd_tls_security_level=encrypt\)$/\1/
s/^\(  -o smtpd_reject_unlisted_recipient=no\)$/\1\n  -o smtpd_tls_security_level=may/'
. "$LAB/scenarios/submission-open.sh"
