/*
 * check_pf_tls_floor.c - TLS protocol floors and outbound TLS.  A service
 * with mandatory TLS that still accepts TLS 1.0/1.1, and an SMTP client
 * that never tries STARTTLS (smtp_tls_security_level empty or none).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../../backends/postfix/pf_list.h"
#include "../../backends/postfix/pf_maps.h"
#include "../../core/mg_str.h"
#include "../checks.h"

#define FIX_PROTO "postfix.tls.mandatory-protocols"
#define FIX_OUT "postfix.tls.outbound-may"
#define MANDATORY "smtpd_tls_mandatory_protocols"
#define OPPORTUNISTIC "smtpd_tls_protocols"

/* postconf(5): the protocol names, oldest first */
static const char *const protos[] = { "SSLv2", "SSLv3", "TLSv1", "TLSv1.1",
	"TLSv1.2", "TLSv1.3", NULL };
#define NPROTO 6
#define TLS12 4

/* proto_index - a protocol name's place in protos[], else -1.  Postfix
 * matches the names without regard to case (tls_misc.c: name_code with
 * NAME_CODE_FLAG_NONE; the lab's smtpd refuses TLS 1.1 under
 * "!tlsv1.1" as under "!TLSv1.1") */
static int
proto_index(const char *name, size_t len)
{
	int i;

	for (i = 0; protos[i] != NULL; i++)
		if (strlen(protos[i]) == len &&
		    strncasecmp(protos[i], name, len) == 0)
			return (i);
	return (-1);
}

/* bound_index - a ">=" or "<=" bound's protocol: a name (SSLv2 is not
 * one: tls_misc.c's version table starts at SSLv3) or, as Postfix also
 * reads it, a hexadecimal version number ("0x0303" is TLS 1.2); the
 * floor is the oldest protocol at or above it, the ceiling the newest at
 * or below it.  -2 if Postfix would reject the token. */
static int
bound_index(const char *p, size_t len, int floor)
{
	static const unsigned long vers[NPROTO] = { 0x0002, 0x0300, 0x0301,
	    0x0302, 0x0303, 0x0304 };
	char buf[16], *end;
	unsigned long v;
	int i;

	if ((i = proto_index(p, len)) > 0)
		return (i);
	if (i == 0 || len >= sizeof(buf))
		return (-2);
	memcpy(buf, p, len);
	buf[len] = '\0';
	v = strtoul(buf, &end, 16);
	if (*end != '\0' || v > 0x7fffffffUL)
		return (-2);
	if (v == 0)		/* ">=" or "<=0": no bound (Postfix's 0) */
		return (floor ? 0 : NPROTO - 1);
	if (floor) {
		for (i = 0; i < NPROTO && vers[i] < v; i++)
			continue;
		return (i);	/* NPROTO: above every protocol */
	}
	for (i = NPROTO - 1; i >= 0 && vers[i] > v; i--)
		continue;
	return (i);		/* -1: below every protocol */
}

/*
 * mg_check_pf_tls_old - which protocols below TLS 1.2 a
 * smtpd_tls_protocols style value lets the server negotiate, as a
 * bit mask over SSLv2 (bit 0) .. TLSv1.1 (bit 3).  postconf(5): the value
 * is either bounds (Postfix >= 3.6: ">=TLSv1.2", "<=TLSv1.3"),
 * exclusions ("!SSLv2, !SSLv3, !TLSv1"), or an inclusion list
 * ("TLSv1.2, TLSv1.3"); separators are white space, commas and colons;
 * empty allows what OpenSSL allows.  SSLv2 is not in OpenSSL 1.1+.
 * A name Postfix does not know ("TLSv1.0") makes the whole list invalid:
 * tls_proto_mask_lims() returns TLS_PROTOCOL_INVALID and smtpd logs
 * "Invalid TLS protocol list ...: disabling TLS support" - no handshake
 * at all (the lab's smtpd refuses TLS 1.2 too); MG_PF_TLS_INVALID then.
 */
unsigned
mg_check_pf_tls_old(const char *value)
{
	static const char *const sep = " \t\r\n,:";
	int allow[NPROTO], incl[NPROTO], any_incl = 0, lo = 0, hi = NPROTO - 1;
	const char *p = value != NULL ? value : "";
	unsigned mask = 0;
	size_t len;
	int i, k;

	for (i = 0; i < NPROTO; i++)
		allow[i] = 1, incl[i] = 0;
	while (*(p += strspn(p, sep)) != '\0') {
		len = strcspn(p, sep);
		if (len >= 2 && p[0] == '>' && p[1] == '=') {
			if ((k = bound_index(p + 2, len - 2, 1)) == -2)
				return (MG_PF_TLS_INVALID);
			lo = k;
		} else if (len >= 2 && p[0] == '<' && p[1] == '=') {
			if ((k = bound_index(p + 2, len - 2, 0)) == -2)
				return (MG_PF_TLS_INVALID);
			hi = k;
		} else if (p[0] == '!') {
			if ((k = proto_index(p + 1, len - 1)) < 0)
				return (MG_PF_TLS_INVALID);
			allow[k] = 0;
		} else if ((k = proto_index(p, len)) >= 0)
			incl[k] = 1, any_incl = 1;
		else
			return (MG_PF_TLS_INVALID);
		p += len;
	}
	for (i = 0; i < TLS12; i++)
		if (allow[i] && i >= lo && i <= hi && (!any_incl || incl[i]))
			mask |= 1u << i;
	return (mask & ~1u);	/* SSLv2: gone from OpenSSL since 1.1.0 */
}

/*
 * mg_check_pf_seclevel - the OpenSSL security level a Postfix cipher
 * list sets: the last "@SECLEVEL=n" in it (OpenSSL's cipher string
 * command; a later one wins), -1 if it sets none.  OpenSSL reads the
 * command glued to a word too ("DEFAULT@SECLEVEL=2", "MEDIUM@SECLEVEL=0"
 * both take effect in s_server here), but not after another '@' command
 * of the same item: ssl_cipher_process_rulestr throws the rest of the
 * item away ("@STRENGTH@SECLEVEL=1" leaves the lab's smtpd at level 0,
 * completing TLS 1.1); and only in upper case with one digit 0-5
 * ("@seclevel=0" is "invalid command": not a level).  Postfix's
 * smtpd makes the level 0 right after SSL_CTX_new (tls_server.c:
 * "backwards compatible security as a base for opportunistic TLS"), so
 * the library's own default (2 on Debian 12, compiled in) and a system
 * openssl.cnf CipherString do not reach it; only its cipher list does.
 * Nor does openssl.cnf's MinProtocol: the lab's Postfix 3.7 smtpd given
 * a RHEL-style policy (MinProtocol = TLSv1.2, DEFAULT@SECLEVEL=2)
 * through OPENSSL_CONF still completes TLS 1.1.
 */
int
mg_check_pf_seclevel(const char *list)
{
	static const char tag[] = "@SECLEVEL=";
	static const char *const sep = ":, ;";	/* OpenSSL's ITEM_SEP */
	const char *p = list != NULL ? list : "", *seg;
	int level = -1;
	size_t len;
	char next;

	while (*(p += strspn(p, sep)) != '\0') {
		len = strcspn(p, sep);
		/* the first '@' command of the item; OpenSSL throws away
		 * the rest of the item after it */
		seg = memchr(p, '@', len);
		if (seg != NULL && (size_t)(p + len - seg) > sizeof(tag) - 1 &&
		    strncmp(seg, tag, sizeof(tag) - 1) == 0) {
			seg += sizeof(tag) - 1;
			next = seg + 1 < p + len ? seg[1] : '\0';
			if (seg[0] >= '0' && seg[0] <= '5' &&
			    !isalnum((unsigned char)next) && next != '-' &&
			    next != '.' && next != '=')
				level = seg[0] - '0';
		}
		p += len;
	}
	return (level);
}

/*
 * mg_check_pf_lib_refuses - the protocols below TLS 1.2 (mask as
 * mg_check_pf_tls_old's) the TLS library refuses at a security level.
 * OpenSSL 3.0 (migration guide): SSLv3, TLS 1.0 and 1.1 need level 0,
 * their handshake signatures (SHA-1, MD5+SHA-1) being under 80 bits -
 * the lab's smtpd with "@SECLEVEL=1" fails them with "no suitable
 * signature algorithm".  OpenSSL 1.1.x (ssl_security_default_callback):
 * SSLv3 from level 2, TLS 1.0 from 3, TLS 1.1 from 4.  lib is what
 * postconf -T run-version prints ("OpenSSL 3.0.19 27 Jan 2026"); 0 when
 * it is not known or not OpenSSL (nothing assumed refused).
 */
unsigned
mg_check_pf_lib_refuses(const char *lib, int level)
{
	unsigned long major = 0, minor = 0;
	unsigned mask = 0;

	if (lib == NULL || level <= 0 || sscanf(lib, "OpenSSL %lu.%lu",
	    &major, &minor) != 2)
		return (0);
	if (major >= 3)
		return (0xeu);
	if (major != 1 || minor < 1)
		return (0);
	if (level >= 2)
		mask |= 0x2u;
	if (level >= 3)
		mask |= 0x4u;
	if (level >= 4)
		mask |= 0x8u;
	return (mask);
}

/* old_names - the mask in words: "TLSv1, TLSv1.1" */
static void
old_names(unsigned mask, char *buf, size_t size)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < TLS12 && n < size; i++)
		if (mask & (1u << i))
			n += (size_t)snprintf(buf + n, size - n, "%s%s",
			    n > 0 ? ", " : "", protos[i]);
}

/* floor_value - ">=TLSv1.2" where Postfix reads bounds (3.6 and later),
 * else the exclusion list every version reads */
static const char *
floor_value(const struct mg_model *m)
{
	const char *v = mg_model_value(m, "mail_version");
	unsigned long major = 0, minor = 0;

	if (v != NULL && sscanf(v, "%lu.%lu", &major, &minor) == 2 &&
	    (major > 3 || (major == 3 && minor >= 6)))
		return (">=TLSv1.2");
	return ("!SSLv2,!SSLv3,!TLSv1,!TLSv1.1");
}

/* has_cert - a server certificate the service can present */
static int
has_cert(const struct mg_model *m, const struct mg_service *s)
{
	static const char *const certs[] = { "smtpd_tls_cert_file",
	    "smtpd_tls_eccert_file", "smtpd_tls_chain_files", NULL };
	const char *v;
	size_t i;

	for (i = 0; certs[i] != NULL; i++) {
		v = mg_service_value(m, s, certs[i], NULL);
		if (v != NULL && v[strspn(v, " \t")] != '\0')
			return (1);
	}
	return (0);
}

/* tls_level - the service's smtpd_tls_security_level, with the legacy
 * smtpd_enforce_tls / smtpd_use_tls when it is empty (postconf(5)) */
static const char *
tls_level(const struct mg_model *m, const struct mg_service *s)
{
	const char *v = mg_service_value(m, s, "smtpd_tls_security_level",
	    NULL);
	const char *e;

	if (v != NULL && *v != '\0')
		return (v);
	e = mg_service_value(m, s, "smtpd_enforce_tls", NULL);
	if (e != NULL && strcasecmp(e, "yes") == 0)
		return ("encrypt");
	e = mg_service_value(m, s, "smtpd_use_tls", NULL);
	return (e != NULL && strcasecmp(e, "yes") == 0 ? "may" : "none");
}

/*
 * lib_floor - the protocols below TLS 1.2 the TLS library refuses on a
 * service whatever its protocol list says: those the security level of
 * its cipher grade's list (GRADE = smtpd_tls_mandatory_ciphers or
 * smtpd_tls_ciphers naming tls_<grade>_cipherlist) excludes.  why gets
 * what decided it, for the evidence; *where the list's setting.
 */
static unsigned
lib_floor(const struct mg_model *m, const struct mg_service *s,
    const char *grade, const struct mg_param **where, char *why, size_t size)
{
	const char *g = mg_service_value(m, s, grade, NULL), *list, *req;
	const struct mg_param *rp;
	char name[64], words[64];
	unsigned refused;
	int level;

	*where = NULL;
	(void)snprintf(name, sizeof(name), "tls_%s_cipherlist", g != NULL &&
	    *g != '\0' ? g : "medium");
	for (level = 0; name[level] != '\0'; level++)
		name[level] = (char)tolower((unsigned char)name[level]);
	list = mg_service_value(m, s, name, where);
	level = mg_check_pf_seclevel(list);
	/* tls_server.c: "when authenticating the peer, use 80-bit plus
	 * OpenSSL security level" - level 1 for the session where a client
	 * certificate is required (smtpd_tls_req_ccert, mandatory TLS) */
	req = mg_service_value(m, s, "smtpd_tls_req_ccert", &rp);
	if (strcmp(grade, "smtpd_tls_mandatory_ciphers") == 0 && req != NULL &&
	    strcasecmp(req, "yes") == 0) {
		level = 1;
		*where = rp;
		refused = mg_check_pf_lib_refuses(m->tls_library, level);
		old_names(refused, words, sizeof(words));
		(void)snprintf(why, size, "smtpd_tls_req_ccert = yes: Postfix "
		    "sets OpenSSL security level 1 for sessions that must "
		    "present a client certificate; %s refuses %s at that "
		    "level", m->tls_library != NULL ? m->tls_library :
		    "the TLS library (not known: postconf -T run-version)",
		    refused != 0 ? words : "none of them");
		return (refused);
	}
	if (level <= 0) {
		(void)snprintf(why, size, "%s = %s selects %s, which sets %s: "
		    "Postfix runs its SMTP server at OpenSSL security level 0 "
		    "(tls_server.c sets it after SSL_CTX_new), so the "
		    "library's own default level (2 on Debian 12) and a "
		    "system openssl.cnf's CipherString and MinProtocol do "
		    "not refuse these protocols", grade, g != NULL ? g : "",
		    name, level == 0 ? "@SECLEVEL=0" : "no @SECLEVEL");
		return (0);
	}
	refused = mg_check_pf_lib_refuses(m->tls_library, level);
	old_names(refused, words, sizeof(words));
	if (m->tls_library == NULL)
		(void)snprintf(why, size, "%s = %s selects %s, which sets "
		    "@SECLEVEL=%d; the TLS library Postfix runs with is not "
		    "known (postconf -T run-version), so what it refuses at "
		    "that level was not judged", grade, g != NULL ? g : "",
		    name, level);
	else
		(void)snprintf(why, size, "%s = %s selects %s, which sets "
		    "@SECLEVEL=%d: %s refuses %s at that level", grade,
		    g != NULL ? g : "", name, level, m->tls_library,
		    refused != 0 ? words : "none of them");
	return (refused);
}

/* invalid - a protocol list Postfix rejects: smtpd disables TLS on the
 * service ("Invalid TLS protocol list ...: disabling TLS support"); high
 * where TLS is mandatory (no client can use the service), else medium
 * (STARTTLS silently gone: mail and logins in the clear) */
static void
invalid(const struct mg_model *m, struct mg_report *r,
    const struct mg_service *s, const char *param, const struct mg_param *p,
    int mandatory_tls)
{
	enum mg_severity sev = mandatory_tls ? MG_SEV_HIGH : MG_SEV_MEDIUM;
	struct mg_finding *f;
	char origin[128];
	size_t i;

	f = NULL;
	for (i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].id, "postfix.tls.protocols-invalid")
		    == 0)
			f = &r->findings[i];
	if (f == NULL) {
		f = mg_report_finding(r, "postfix.tls.protocols-invalid", sev,
		    "tls", "A TLS protocol list Postfix rejects: TLS is off "
		    "on the service");
		mg_finding_explain(f, "Postfix reads smtpd_tls_protocols and "
		    "smtpd_tls_mandatory_protocols as SSLv2, SSLv3, TLSv1, "
		    "TLSv1.1, TLSv1.2, TLSv1.3 (any case), each maybe after "
		    "'!', or bounds such as >=TLSv1.2 (Postfix 3.6 and "
		    "later). One other word (\"TLSv1.0\" is a common one) "
		    "makes the whole list invalid, and smtpd logs \"Invalid "
		    "TLS protocol list: disabling TLS support\": no STARTTLS "
		    "at all, so mail and logins cross in plain text, and "
		    "where TLS is mandatory no client can use the service. "
		    "Write >=TLSv1.2 (Postfix 3.6 and later) or "
		    "!SSLv2, !SSLv3, !TLSv1, !TLSv1.1.");
	} else if (sev > f->severity)
		f->severity = sev;
	mg_check_pf_origin(m, p, origin, sizeof(origin));
	mg_finding_evidence(f, p != NULL && p->file != NULL ? p->file :
	    s->file, p != NULL && p->file != NULL ? p->line : s->line,
	    "service %s %s and has %s = %s (%s): Postfix rejects the list "
	    "and disables TLS there", s->name, mandatory_tls ? "requires TLS" :
	    "offers STARTTLS", param, p != NULL && p->value != NULL ?
	    p->value : "", origin);
}

/* mandatory - services with mandatory TLS whose protocols reach below
 * TLS 1.2: medium, fixed in main.cf (or the service's own -o) */
static void
mandatory(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_service *s;
	const struct mg_param *p, *lp;
	struct mg_finding *f = NULL;
	struct mg_fix *x = NULL;
	int global = 0;
	char names[64], origin[128], why[512];
	unsigned mask;
	size_t i;

	for (i = 0; i < m->nservices; i++) {
		s = &m->services[i];
		if (strcmp(s->type, "inet") != 0 || s->command == NULL ||
		    strcmp(s->command, "smtpd") != 0 || !has_cert(m, s) ||
		    strcasecmp(tls_level(m, s), "encrypt") != 0)
			continue;
		mask = mg_check_pf_tls_old(mg_service_value(m, s, MANDATORY,
		    &p));
		if (mask & MG_PF_TLS_INVALID) {
			invalid(m, r, s, MANDATORY, p, 1);
			continue;
		}
		mask &= ~lib_floor(m, s, "smtpd_tls_mandatory_ciphers", &lp,
		    why, sizeof(why));
		if (mask == 0)
			continue;
		old_names(mask, names, sizeof(names));
		if (f == NULL) {
			f = mg_report_finding(r, "postfix.tls.old-protocols",
			    MG_SEV_MEDIUM, "tls", "Mandatory TLS accepts "
			    "protocols below TLS 1.2");
			mg_finding_explain(f, "Where TLS is mandatory "
			    "(smtpd_tls_security_level=encrypt: submission, "
			    "where clients log in) Postfix negotiates the "
			    "protocols smtpd_tls_mandatory_protocols allows. "
			    "TLS 1.0 and 1.1 are deprecated (RFC 8996) and "
			    "mail clients have spoken TLS 1.2 for a decade; "
			    "allowing them keeps a downgrade target for "
			    "passwords. OpenSSL 3 refuses them at security "
			    "level 1 and above, but Postfix runs its server "
			    "at level 0 unless its cipher list sets "
			    "@SECLEVEL, so the library's default does not "
			    "stop them; the evidence says what decided.");
		}
		mg_check_pf_origin(m, p, origin, sizeof(origin));
		mg_finding_evidence(f, p != NULL && p->file != NULL ?
		    p->file : s->file, p != NULL && p->file != NULL ?
		    p->line : s->line, "service %s requires TLS and has %s = "
		    "%s (%s): allows %s", s->name, MANDATORY, p != NULL &&
		    p->value != NULL ? p->value : "", origin, names);
		mg_finding_evidence(f, lp != NULL && lp->file != NULL ?
		    lp->file : s->file, lp != NULL && lp->file != NULL ?
		    lp->line : s->line, "service %s: %s", s->name, why);
		if (x == NULL)
			x = mg_report_fix(r, FIX_PROTO, "Require TLS 1.2 or "
			    "newer where TLS is mandatory "
			    "(smtpd_tls_mandatory_protocols)");
		if (mg_service_override(s, MANDATORY) == NULL) {
			if (!global)
				mg_check_pf_set_global(m, x, MANDATORY,
				    floor_value(m));
			global = 1;
		} else if (p->file == NULL || p->line == 0 ||
		    !mg_check_pf_edit_override(m, x, p, floor_value(m)))
			/* postconf -P lists it, master.cf's text does not
			 * place it: main.cf does not reach this service */
			mg_finding_evidence(f, s->file, s->line, "service %s: "
			    "set -o %s=%s in its master.cf entry by hand",
			    s->name, MANDATORY, floor_value(m));
	}
	if (x == NULL)
		return;
	if (x->nedits == 0) {
		mg_report_drop_fix(r, FIX_PROTO);
		return;
	}
	mg_check_pf_reload(m, x);
	mg_finding_add_fix(f, FIX_PROTO);
}

/* opportunistic - STARTTLS offered (level may) with protocols below TLS
 * 1.2: low where AUTH is offered, else info; no fix - old MTAs still
 * send inbound mail over TLS 1.0, and refusing it sends them to plain
 * text (or, with mandatory TLS, bounces their mail) */
static void
opportunistic(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_service *s;
	const struct mg_param *p, *lp;
	struct mg_finding *f = NULL;
	enum mg_severity sev;
	const char *auth;
	char names[64], origin[128], why[512];
	unsigned mask;
	size_t i;

	for (i = 0; i < m->nservices; i++) {
		s = &m->services[i];
		if (strcmp(s->type, "inet") != 0 || s->command == NULL ||
		    strcmp(s->command, "smtpd") != 0 || !has_cert(m, s) ||
		    strcasecmp(tls_level(m, s), "may") != 0)
			continue;
		mask = mg_check_pf_tls_old(mg_service_value(m, s,
		    OPPORTUNISTIC, &p));
		if (mask & MG_PF_TLS_INVALID) {
			invalid(m, r, s, OPPORTUNISTIC, p, 0);
			continue;
		}
		mask &= ~lib_floor(m, s, "smtpd_tls_ciphers", &lp, why,
		    sizeof(why));
		if (mask == 0)
			continue;
		auth = mg_service_value(m, s, "smtpd_sasl_auth_enable", NULL);
		sev = auth != NULL && strcasecmp(auth, "yes") == 0 ?
		    MG_SEV_LOW : MG_SEV_INFO;
		old_names(mask, names, sizeof(names));
		if (f == NULL) {
			f = mg_report_finding(r,
			    "postfix.tls.old-protocols-opportunistic", sev,
			    "tls", "Opportunistic STARTTLS accepts protocols "
			    "below TLS 1.2");
			mg_finding_explain(f, "smtpd_tls_protocols governs "
			    "STARTTLS where it is optional. Old sending MTAs "
			    "still use TLS 1.0; refusing it does not stop "
			    "their mail, it sends it in plain text, so no fix "
			    "is proposed for port 25. Where AUTH is offered "
			    "on such a port, logins can use the old "
			    "protocols: move them to a submission port with "
			    "mandatory TLS, or set smtpd_tls_protocols = "
			    ">=TLSv1.2 on that service only.");
		} else if (sev > f->severity)
			f->severity = sev;
		mg_check_pf_origin(m, p, origin, sizeof(origin));
		mg_finding_evidence(f, p != NULL && p->file != NULL ?
		    p->file : s->file, p != NULL && p->file != NULL ?
		    p->line : s->line, "service %s offers STARTTLS%s with %s "
		    "= %s (%s): allows %s", s->name, sev == MG_SEV_LOW ?
		    " and AUTH" : "", OPPORTUNISTIC, p != NULL &&
		    p->value != NULL ? p->value : "", origin, names);
		mg_finding_evidence(f, lp != NULL && lp->file != NULL ?
		    lp->file : s->file, lp != NULL && lp->file != NULL ?
		    lp->line : s->line, "service %s: %s", s->name, why);
	}
}

/* smtp_level - the SMTP client's effective TLS level, with the legacy
 * smtp_enforce_tls / smtp_use_tls when it is empty (postconf(5)) */
static const char *
smtp_level(const struct mg_model *m, const struct mg_service *s,
    const struct mg_param **where)
{
	const char *v = mg_service_value(m, s, "smtp_tls_security_level",
	    where);
	const char *e;

	if (v != NULL && *v != '\0')
		return (v);
	e = mg_service_value(m, s, "smtp_enforce_tls", NULL);
	if (e != NULL && strcasecmp(e, "yes") == 0)
		return ("encrypt");
	e = mg_service_value(m, s, "smtp_use_tls", NULL);
	return (e != NULL && strcasecmp(e, "yes") == 0 ? "may" : "none");
}

/* names_transport - a transport setting ("smtp", "smtp:[relay]:587")
 * names this master.cf service */
static int
names_transport(const char *v, const char *name)
{
	size_t n = strlen(name);

	return (v != NULL && strncmp(v, name, n) == 0 &&
	    (v[n] == '\0' || v[n] == ':'));
}

/* outbound_transport - the service carries mail to other sites:
 * default_transport or relay_transport (postconf(5): smtp, relay) names
 * it.  Other smtp(8) services - a content filter's "amavis" on loopback,
 * often with its own -o smtp_tls_security_level=none - are not judged */
static int
outbound_transport(const struct mg_model *m, const char *name)
{
	const char *d = mg_model_value(m, "default_transport");
	const char *r = mg_model_value(m, "relay_transport");

	if (d == NULL && r == NULL)
		return (strcmp(name, "smtp") == 0 || strcmp(name, "relay") ==
		    0);
	return (names_transport(d, name) || names_transport(r, name));
}

/* relay_tls - relayhost is set and smtp_tls_policy_maps gives it a level
 * other than none (TLS_README, per-destination policy): what the SMTP
 * client sends goes there under that policy, whatever
 * smtp_tls_security_level says.  The entry's value, or NULL. */
static const char *
relay_tls(const struct mg_model *m)
{
	const char *rh = mg_model_value(m, "relayhost");
	const char *v = mg_model_value(m, "smtp_tls_policy_maps");
	const char *cur, *elem, *val;
	const struct mg_map *t;
	char ref[4096];
	size_t len, k;

	if (rh == NULL || *rh == '\0' || strpbrk(rh, " \t,") != NULL)
		return (NULL);	/* none, or a list: not judged */
	for (cur = v != NULL ? v : ""; mg_pf_list_next(&cur, &elem, &len);) {
		if (!mg_pf_map_ref(elem, len, ref, sizeof(ref)) ||
		    (t = mg_model_map(m, ref)) == NULL || t->error != NULL)
			continue;
		for (k = 0; k < t->nentries; k++) {
			val = t->entries[k].value;
			if (strcasecmp(t->entries[k].key, rh) != 0 ||
			    val == NULL)
				continue;
			val += strspn(val, " \t");
			return (strncasecmp(val, "none", 4) == 0 &&
			    (val[4] == '\0' || val[4] == ' ' ||
			    val[4] == '\t') ? NULL : val);
		}
	}
	return (NULL);
}

/* outbound - the SMTP client (master.cf's smtp and relay services)
 * delivers in the clear even where the peer offers STARTTLS */
static void
outbound(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_service *s;
	const struct mg_param *p;
	struct mg_finding *f = NULL;
	struct mg_fix *x = NULL;
	int global = 0;
	char origin[128];
	size_t i;

	if (relay_tls(m) != NULL)
		return;		/* everything leaves through the relay host */
	for (i = 0; i < m->nservices; i++) {
		s = &m->services[i];
		if (strcmp(s->type, "unix") != 0 || s->command == NULL ||
		    strcmp(s->command, "smtp") != 0 || !outbound_transport(m,
		    s->name) || strcasecmp(smtp_level(m, s, &p), "none") != 0)
			continue;
		if (f == NULL) {
			f = mg_report_finding(r, "postfix.tls.outbound-none",
			    MG_SEV_LOW, "tls", "Outbound mail goes in the "
			    "clear: smtp_tls_security_level is empty or "
			    "none");
			mg_finding_explain(f, "With no client TLS level the "
			    "Postfix SMTP client never issues STARTTLS, even "
			    "to servers that offer it - most of them today - "
			    "so every message it relays crosses the network "
			    "readable. Opportunistic TLS (may) encrypts where "
			    "the peer offers it and falls back to plain text "
			    "where the handshake fails, so no delivery is "
			    "lost.");
		}
		mg_check_pf_origin(m, p, origin, sizeof(origin));
		mg_finding_evidence(f, p != NULL && p->file != NULL ?
		    p->file : s->file, p != NULL && p->file != NULL ?
		    p->line : s->line, "service %s (unix, smtp) has "
		    "smtp_tls_security_level = %s (%s)", s->name, p != NULL &&
		    p->value != NULL && *p->value != '\0' ? p->value :
		    "(empty)", origin);
		if (x == NULL)
			x = mg_report_fix(r, FIX_OUT, "Use TLS outbound where "
			    "the peer offers it (smtp_tls_security_level = "
			    "may)");
		if (mg_service_override(s, "smtp_tls_security_level") ==
		    NULL) {
			if (!global)
				mg_check_pf_set_global(m, x,
				    "smtp_tls_security_level", "may");
			global = 1;
		} else if (p->file == NULL || p->line == 0 ||
		    !mg_check_pf_edit_override(m, x, p, "may"))
			mg_finding_evidence(f, s->file, s->line, "service %s: "
			    "set -o smtp_tls_security_level=may in its "
			    "master.cf entry by hand", s->name);
	}
	if (x == NULL)
		return;
	if (x->nedits == 0) {
		mg_report_drop_fix(r, FIX_OUT);
		return;
	}
	mg_check_pf_reload(m, x);
	mg_finding_add_fix(f, FIX_OUT);
}

/* speaks_tls - the service offers TLS: STARTTLS (level may/encrypt) or
 * wrapper mode */
static int
speaks_tls(const struct mg_model *m, const struct mg_service *s)
{
	const char *w = mg_service_value(m, s, "smtpd_tls_wrappermode", NULL);

	return (strcasecmp(tls_level(m, s), "none") != 0 ||
	    (w != NULL && strcasecmp(w, "yes") == 0));
}

/* seen - the file was judged already (several services share one) */
static int
seen(char **done, size_t ndone, const char *path)
{
	size_t i;

	for (i = 0; i < ndone; i++)
		if (strcmp(done[i], path) == 0)
			return (1);
	return (0);
}

/* certs - each certificate file a TLS service presents
 * (smtpd_tls_chain_files alone when it is set): expired, expiring or not
 * naming myhostname (what the banner and EHLO announce: postconf(5)
 * smtpd_banner = $myhostname ESMTP) */
static void
certs(const struct mg_model *m, struct mg_report *r)
{
	static const char *const params[] = { "smtpd_tls_cert_file",
	    "smtpd_tls_eccert_file", "smtpd_tls_chain_files", NULL };
	static const char *const sep = " \t,";
	const struct mg_service *s;
	const struct mg_param *p;
	struct mg_cert_use u;
	char *done[32], *path;
	size_t i, k, ndone = 0, len;
	const char *v;
	time_t now = m->now != 0 ? m->now : time(NULL);
	int chain;

	for (i = 0; i < m->nservices; i++) {
		s = &m->services[i];
		if (strcmp(s->type, "inet") != 0 || s->command == NULL ||
		    strcmp(s->command, "smtpd") != 0 || !speaks_tls(m, s))
			continue;
		/* postconf(5): with smtpd_tls_chain_files set, the legacy
		 * smtpd_tls_cert_file and _eccert_file are ignored (Debian's
		 * snakeoil line left beside the real chain is not served) */
		v = mg_service_value(m, s, "smtpd_tls_chain_files", NULL);
		chain = v != NULL && v[strspn(v, sep)] != '\0';
		for (k = 0; params[k] != NULL; k++) {
			if (chain && strcmp(params[k],
			    "smtpd_tls_chain_files") != 0)
				continue;
			v = mg_service_value(m, s, params[k], &p);
			for (; v != NULL && *(v += strspn(v, sep)) != '\0';
			    v += len) {
				len = strcspn(v, sep);
				path = strndup(v, len);
				if (path == NULL || seen(done, ndone, path) ||
				    ndone == sizeof(done) / sizeof(done[0])) {
					free(path);
					continue;
				}
				done[ndone++] = path;
				memset(&u, 0, sizeof(u));
				u.mta = "postfix";
				u.param = params[k];
				u.path = path;
				u.file = p != NULL && p->file != NULL ?
				    p->file : s->file;
				u.line = p != NULL && p->file != NULL ?
				    p->line : s->line;
				u.hosts[0] = mg_service_value(m, s,
				    "myhostname", NULL);
				u.nhosts = 1;
				u.key_files = strcmp(params[k],
				    "smtpd_tls_chain_files") == 0;
				u.mx = m->mx;
				u.host = m->host;
				mg_check_cert(r, &u, now);
			}
		}
	}
	for (i = 0; i < ndone; i++)
		free(done[i]);
}

/* mg_check_pf_tls_floor - protocol floors in, TLS out, the certificate */
void
mg_check_pf_tls_floor(const struct mg_model *m, struct mg_report *r)
{
	mandatory(m, r);
	opportunistic(m, r);
	outbound(m, r);
	certs(m, r);
}
