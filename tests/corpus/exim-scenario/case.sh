# case - a tests/corpus case read by tests/lab/exim/lab.sh (LAB_SCENDIR
# points here, MG_CORPUS_CASE at the case directory).  A case is either
# one plain exim4.conf (layout plain) or the answers and local files of
# Debian's exim4-config (etc/exim4/update-exim4.conf.conf, layout debian)
# laid over the package's own /etc/exim4 that lab.sh unpacked.
# shellcheck disable=SC2034 # desc, layout, mailname: read by lab.sh
C=${MG_CORPUS_CASE:?MG_CORPUS_CASE: the corpus case directory}
desc="corpus case $(basename "$C")"

# corpus_etc - the case's etc/ files other than exim4/ into DIR/etc
# (aliases, relay host lists, ...), paths under /etc/ moved into DIR
corpus_etc() {
	[ -d "$C/etc" ] || return 0
	(cd "$C/etc" && find . -type f ! -path './exim4/*') |
	    while read -r f; do
		mkdir -p "$(dirname "$DIR/etc/$f")"
		corpus_paths <"$C/etc/$f" >"$DIR/etc/$f"
	    done
}

# corpus_paths - stdin to stdout with /etc/ and /var/mail/ paths pointing
# into DIR, and Debian's exim_path at the lab's binary (as lab.sh's
# localize_paths does for the package's files; no line moves)
corpus_paths() {
	sed -e "s|/etc/|@MGETC@/|g" -e "s|@MGETC@|$DIR/etc|g" \
	    -e "s|/var/mail/|$DIR/mail/|g" \
	    -e "s|^exim_path = /usr/sbin/exim4\$|exim_path = $EXIM|"
}

if [ -f "$C/exim4.conf" ]; then
	layout=plain
	# scenario_conf - the case's config, its /etc/ paths moved into
	# DIR/etc, after the lab's own main options (the runner knows their
	# number: CORPUS_PREFIX_LINES)
	scenario_conf() {
		corpus_etc
		cat <<EOF
exim_path = $EXIM
spool_directory = $DIR/spool
log_file_path = $DIR/log/%slog
pid_file_path = $DIR/exim.pid
EOF
		corpus_paths <"$C/exim4.conf"
	}
else
	layout=debian
	[ -f "$C/etc/exim4/update-exim4.conf.conf" ] ||
	    die "$C: neither exim4.conf nor etc/exim4/update-exim4.conf.conf"
	# the debconf answers; lab.sh writes them back in debconf's format
	# shellcheck disable=SC1091
	. "$C/etc/exim4/update-exim4.conf.conf"
	[ -f "$C/mailname" ] && mailname=$(cat "$C/mailname")
	# scenario_edit - the case's files over the package's: localmacros
	# are added after the lab's, every other file replaces its namesake
	scenario_edit() {
		corpus_etc
		(cd "$C/etc/exim4" && find . -type f) | while read -r f; do
			case $f in
			./update-exim4.conf.conf) continue ;;
			./exim4.conf.localmacros | ./conf.d/main/000_localmacros)
				corpus_paths <"$C/etc/exim4/$f" \
				    >>"$CONFDIR/$f"
				;;
			*)
				mkdir -p "$(dirname "$CONFDIR/$f")"
				corpus_paths <"$C/etc/exim4/$f" \
				    >"$CONFDIR/$f"
				;;
			esac
		done
	}
fi
