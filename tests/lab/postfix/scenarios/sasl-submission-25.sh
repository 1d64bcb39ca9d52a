# sasl-submission-25 - sasl-submission with AUTH on port 25 too
# (smtpd_sasl_auth_enable = yes in main.cf, Debian's relay restrictions
# permit_sasl_authenticated): the hole on both services, each to be
# proven with its own settings.
SASL_ON_25=1
# shellcheck source=tests/lab/postfix/scenarios/sasl-submission.sh
. "$LAB/scenarios/sasl-submission.sh"
