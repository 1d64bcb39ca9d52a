# proxy-sql - tables behind proxymap and on an SQL server that is not there
# A docker-mailserver or iRedMail shape: the aliases through proxymap
# (proxy:hash:), virtual aliases in MySQL (proxy:mysql: and mysql:, with a
# server on a closed loopback port; this host may lack postfix-mysql), a
# tcp: table whose server refuses, and a virtual alias domain.  With
# Postfix stopped, proxymap cannot answer: a report must read the aliases
# directly, name the SQL and tcp tables as not read, say root and
# postmaster of lists.example.org are unknown, and take seconds, not
# minutes.  Started, Postfix itself answers RCPT to that domain with a
# temporary lookup failure (451 4.3.0): it cannot tell either.
cat >"$ETC/mysql-virtual.cf" <<-EOM
	# the SQL server is elsewhere (here: a closed port)
	hosts = 127.0.0.1:$CLOSED
	user = postfix
	password = lab
	dbname = mail
	query = SELECT goto FROM alias WHERE address='%s' AND active = 1
	EOM
chmod 640 "$ETC/mysql-virtual.cf"
map "$ETC/virtual" <<-EOM
	# virtual aliases kept in a file
	info@lists.example.org    admin@ops.example.net
	EOM
set_param "alias_maps = proxy:hash:$ETC/aliases" \
    "virtual_alias_domains = lists.example.org" \
    "virtual_alias_maps = proxy:mysql:$ETC/mysql-virtual.cf, mysql:$ETC/mysql-virtual.cf, tcp:127.0.0.1:$CLOSED, hash:$ETC/virtual"
