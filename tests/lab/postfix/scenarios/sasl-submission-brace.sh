# sasl-submission-brace - sasl-submission with its sender restrictions
# written in Postfix 3.0's master.cf form for a value with spaces,
#   -o { smtpd_sender_restrictions = permit_sasl_authenticated, reject }
# as guides write Debian 12's submission block: the hole on submission
# alone, the fix's reject to go inside the braces.
# shellcheck source=tests/lab/postfix/scenarios/sasl-submission.sh
. "$LAB/scenarios/sasl-submission.sh"
sed -i 's/^  -o smtpd_sender_restrictions=\$mua_sender_restrictions$/  -o { smtpd_sender_restrictions = permit_sasl_authenticated, reject }/' \
    "$ETC/master.cf"
grep -q '^  -o { smtpd_sender_restrictions = ' "$ETC/master.cf" ||
    die "sasl-submission-brace: the sender line was not rewritten"
settle
