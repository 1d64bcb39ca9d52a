# wide-net - incident 4 after Postfix accepted it: 210.0.0.0/8 and 218.0.0.0/8 trusted
# Two public /8 networks in mynetworks (no host bits, so Postfix uses them):
# an open relay for 33 million addresses.  A test should see a critical
# postfix.mynetworks.public finding, and real Postfix relay for XCLIENT
# ADDR=210.99.1.1 (RCPT victim@remote.test -> 250) while refusing
# 198.51.100.9 (-> 454 4.7.1 Relay access denied, stock defer_unauth_destination).
set_param "mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128 192.168.1.0/24 210.0.0.0/8 218.0.0.0/8"
