#!/bin/sh
# deps.sh - install the Debian packages the build, tests and lab need:
# compilers and libraries, Postfix and Cyrus SASL for the lab, Exim's
# shared libraries (Exim itself is unpacked by tests/lab/exim/lab.sh fetch),
# and the tools the lab scripts call (swaks, jq, tmux, openssl, ss, unshare;
# strace for the purge durability test); debhelper, lintian, groff and
# man-db for the package test; ansible-core for the playbook test.
# Idempotent: a no-op when everything is present.  Never configures the
# system MTA: postfix is preseeded to "No configuration", and Exim is not
# installed as a package at all (the lab unpacks it with dpkg -x).
set -eu

PKGS="build-essential pkg-config libncurses-dev libcurl4-openssl-dev libssl-dev
libsqlite3-dev libcmocka-dev clang libclang-rt-14-dev clang-format valgrind
postfix sasl2-bin libsasl2-modules libidn12 libgnutls30 libdb5.3 libnsl2
libpcre2-8-0 libgnutls-dane0 swaks jq tmux openssl iproute2
util-linux patch strace python3-prometheus-client python3-jsonschema
python3-yaml debhelper dpkg-dev fakeroot lintian groff man-db ansible-core"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: need root to install:$missing" >&2
		exit 1
	fi
	echo "postfix postfix/main_mailer_type select No configuration" |
	    debconf-set-selections
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# policy-rc.d keeps package scripts from starting a system MTA.
	rcd=/usr/sbin/policy-rc.d
	made_rcd=0
	if [ ! -e "$rcd" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$rcd"
		chmod 755 "$rcd"
		made_rcd=1
	fi
	apt-get install -y -q --no-install-recommends $missing || {
		[ "$made_rcd" = 1 ] && rm -f "$rcd"
		exit 1
	}
	[ "$made_rcd" = 1 ] && rm -f "$rcd"
fi

# Exim's Debian binary runs as Debian-exim; dpkg -x does not create it.
if ! getent passwd Debian-exim >/dev/null; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: need root to create the Debian-exim user" >&2
		exit 1
	fi
	# useradd (not adduser): adduser rejects the capital letter.
	useradd --system --user-group --no-create-home \
	    --home-dir /var/spool/exim4 --shell /usr/sbin/nologin Debian-exim
fi
exit 0
