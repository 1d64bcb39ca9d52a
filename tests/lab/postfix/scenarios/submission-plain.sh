# submission-plain - as submission-open, with Debian's
# "-o smtpd_recipient_restrictions=permit_sasl_authenticated,reject" line
# uncommented too: only clients that log in may send, but
# "#  -o smtpd_tls_security_level=encrypt" stays commented, so a client
# logged in (XCLIENT LOGIN) sends without STARTTLS (250).  A test should
# see postfix.submission.no-tls naming the commented line; after
# postfix.submission.encrypt, 530 (STARTTLS first).
SUBMISSION_SED='s/^#\(  -o smtpd_recipient_restrictions=\)/\1/'
. "$LAB/scenarios/submission-open.sh"
