# relay-domains-split - relay-domains-template with the split config
# (the ACL in conf.d/acl/30_exim4-config_check_rcpt): the same -bh
# answers and finding, its evidence at conf.d file:line.
. "$SCENDIR/relay-domains-template.sh"
desc="relay-domains-template with the split config"
dc_use_split_config='true'
