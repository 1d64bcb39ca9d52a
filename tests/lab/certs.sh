# certs.sh - lab certificates with chosen dates, sourced by the Postfix
# and Exim lab scenarios.  openssl req -x509 starts a certificate now;
# "openssl ca -selfsign -startdate" (OpenSSL 3.0 has no x509 -not_before)
# backdates it, so a test can hold one whose remaining life is under a
# third of its lifetime, as a short-lived ACME certificate near its end.

# lab_cert KEY CERT CN FROM TO [SAN] - a self-signed P-256 certificate
# for CN valid from FROM to TO, each an offset date(1) understands ("-5
# days", "+1 day", "now"), with subjectAltName SAN ("DNS:a,DNS:b") if
# given; the key into KEY, the certificate into CERT.  The CA files live
# in a directory beside CERT, removed before returning.
lab_cert() {
	_ca=$(mktemp -d "$(dirname "$2")/.labca.XXXXXX") ||
	    die "mktemp failed"
	cat >"$_ca/ca.cnf" <<-EOC
	[ca]
	default_ca = lab
	[lab]
	database = $_ca/index.txt
	new_certs_dir = $_ca
	serial = $_ca/serial
	default_md = sha256
	policy = any
	unique_subject = no
	x509_extensions = ext
	[any]
	commonName = supplied
	[ext]
	basicConstraints = critical,CA:TRUE
	EOC
	[ -z "${6:-}" ] || echo "subjectAltName = $6" >>"$_ca/ca.cnf"
	: >"$_ca/index.txt"
	echo 01 >"$_ca/serial"
	_from=$(date -u -d "$4" +%Y%m%d%H%M%SZ) || die "bad date: $4"
	_to=$(date -u -d "$5" +%Y%m%d%H%M%SZ) || die "bad date: $5"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -subj "/CN=$3" -keyout "$1" -out "$_ca/req.csr" \
	    >/dev/null 2>&1 || die "openssl req failed for $3"
	openssl ca -batch -config "$_ca/ca.cnf" -selfsign -keyfile "$1" \
	    -in "$_ca/req.csr" -startdate "$_from" -enddate "$_to" \
	    -notext -out "$2" >/dev/null 2>&1 ||
	    die "openssl ca failed for $3 ($4 .. $5)"
	rm -rf "$_ca"
}
