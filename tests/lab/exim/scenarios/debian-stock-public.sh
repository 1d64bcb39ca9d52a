# debian-stock-public - alias of incident1-template: Debian's stock internet
# site config with dc_local_interfaces='' (listening on all interfaces).
# incident 1; a test should observe exactly what incident1-template
# shows (postmaster@localhost accepted from 107.172.77.101).
. "$SCENDIR/incident1-template.sh"
desc="alias of incident1-template (stock internet site on all interfaces)"
