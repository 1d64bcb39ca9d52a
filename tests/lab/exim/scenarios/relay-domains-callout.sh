# relay-domains-callout - relay-domains-template with Debian's own guard
# turned on: CONFDIR/local_rcpt_callout lists "*@example.org", so the
# template's "deny ... recipients = ${if exists{...}} !verify =
# recipient/callout" asks the next hop about every recipient there.  A test
# should observe no exim.backscatter.relay-recipients (the backend reads
# the file).  exim -bh omits callouts ("callout omitted by default when
# host testing", -bhc does them), so -bh still answers 250 here: it cannot
# judge a callout guard.
. "$SCENDIR/relay-domains-template.sh"
desc="relay-domains-template with local_rcpt_callout listing the relay domain"
scenario_edit() {
	echo '*@example.org' >"$CONFDIR/local_rcpt_callout"
}
