# incident1-split - incident 1 with dc_use_split_config='true': the
# same hole, but the source is DIR/etc/exim4/conf.d/ (the postmaster accept
# lives in conf.d/acl/30_exim4-config_check_rcpt) and the lab's overrides
# in conf.d/main/000_localmacros.  A test should observe the same -bh
# results as incident1-template and map findings to conf.d file:line.
. "$SCENDIR/incident1-template.sh"
desc="incident 1 with the split config (conf.d/acl/30_exim4-config_check_rcpt)"
dc_use_split_config='true'
