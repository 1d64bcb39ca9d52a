# mask-typo-cidr - incident 4's typo written in a cidr: table instead of main.cf
# mynetworks = 127.0.0.0/8 cidr:$ETC/mynets.cidr, whose line 2 is
# "210.140.12.34/8 OK".  Postfix 3.x skips that rule ("non-null host
# address bits ... skipping this rule"): 210.99.1.1 is not trusted and not
# tempfailed either (454 relay denied), and neither is 210.140.12.34.
cat >"$ETC/mynets.cidr" <<-EOM
	# the office gateway
	210.140.12.34/8   OK
	EOM
settle
set_param "mynetworks = 127.0.0.0/8 cidr:$ETC/mynets.cidr"
