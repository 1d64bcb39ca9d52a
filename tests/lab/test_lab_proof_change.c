/*
 * test_lab_proof_change.c - the proof judges the change, with real Exim
 * (exim -bh) and real Postfix (a private instance asked with XCLIENT)
 * answering before and after: a legitimate path counts only where the
 * configuration accepted it before, envelopes come from the
 * configuration (its own local domains, a sender it takes), and a fix
 * that refuses something accepted before is still refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../core/mg_file.h"
#include "../../core/mg_lines.h"
#include "../../core/mg_str.h"
#include "../../engine/fix_apply.h"
#include "../../engine/fix_stage.h"
#include "../../engine/session.h"
#include "lab_util.h"

#define EXLAB "tests/lab/exim/lab.sh"
#define PFLAB "tests/lab/postfix/lab.sh"
#define DENY_FIX "exim.localhost.deny-remote"

static char exim_bin[4096];

/* count - lines of text holding every one of the NULL-terminated
 * strings */
static size_t
count(const char *text, ...)
{
	const char *cur = text, *line, *s;
	va_list ap;
	size_t len, n = 0;
	char *l;
	int all;

	while (mg_line_next(&cur, &line, &len)) {
		l = mg_xstrndup(line, len);
		all = 1;
		va_start(ap, text);
		while ((s = va_arg(ap, const char *)) != NULL)
			if (strstr(l, s) == NULL)
				all = 0;
		va_end(ap);
		n += all;
		free(l);
	}
	return (n);
}

/* bh - exim -C CONF -bh IP: the RCPT reply code (lab_exim_rcpt) */
static int
bh(const char *conf, const char *ip, const char *from, const char *to)
{
	int code = lab_exim_rcpt(exim_bin, conf, ip, from, to);

	if (code < 0)
		fail_msg("exim -bh %s gave no RCPT reply", ip);
	return (code);
}

/* bs - exim -C CONF -bs (local SMTP, no client host): the RCPT reply
 * code */
static int
bs(const char *conf, const char *from, const char *to)
{
	const char *argv[] = { exim_bin, "-C", conf, "-bs", NULL };
	struct mg_exec_req req;
	struct mg_exec_res res;
	struct mg_str in = MG_STR_INIT;
	struct mg_err err;
	const char *cur, *line;
	size_t len, finals = 0;
	int code = -1;

	mg_str_printf(&in, "EHLO probe.test\r\nMAIL FROM:<%s>\r\n"
	    "RCPT TO:<%s>\r\nQUIT\r\n", from, to);
	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.input = in.data;
	req.input_len = in.len;
	if (mg_exec(&req, &res, &err) < 0)
		fail_msg("%s", err.msg);
	for (cur = mg_str_cstr(&res.out); finals < 4 &&
	    mg_line_next(&cur, &line, &len);)
		if (len >= 4 && line[3] == ' ' && line[0] >= '2' &&
		    line[0] <= '5') {
			finals++;
			code = (int)strtol(line, NULL, 10);
		}
	(void)printf("    exim -bs: MAIL FROM:<%s> RCPT TO:<%s> -> %d\n",
	    from, to, code);
	(void)fflush(stdout);
	mg_exec_res_free(&res);
	mg_str_free(&in);
	return (code);
}

/* fix_exim - mailguard-tui --exim CONF fix ID --yes: its exit code,
 * stdout into out */
static int
fix_exim(const char *dir, const char *id, struct mg_str *out)
{
	char conf[4096], st[4096];
	const char *argv[] = { "./mailguard-tui", "--exim", conf,
	    "--exim-bin", exim_bin, "--state", st, "fix", id, "--yes",
	    NULL };
	int rc;

	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	rc = lab_capture(argv, out);
	(void)printf("%s", mg_str_cstr(out));
	return (rc);
}

/* replace_in - s with the first from replaced by to (a copy) */
static char *
replace_in(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	struct mg_str r = MG_STR_INIT;

	if (at == NULL)
		fail_msg("\"%s\" is not in \"%s\"", from, s);
	mg_str_append(&r, s, (size_t)(at - s));
	mg_str_puts(&r, to);
	mg_str_puts(&r, at + strlen(from));
	return (mg_str_steal(&r));
}

/*
 * apply_edited - the fix id as loaded from the configuration (Exim: the
 * file conf; Postfix: the directory etc), its first edit's new text with
 * from replaced by to (an operator's edit; from NULL: the whole text
 * becomes to; both NULL: as proposed), an extra probe on its
 * finding if given, applied through the fix engine with --yes; the
 * result, what it printed into out
 */
static enum mg_apply_result
apply_edited(const char *conf, const char *etc, const char *st,
    const char *id, const char *from, const char *to,
    const struct mg_probe *extra, struct mg_str *out)
{
	struct mg_session a;
	struct mg_apply_opts o;
	struct mg_stage stage;
	struct mg_fix *x = NULL;
	const struct mg_fix *fixes[1];
	struct mg_err err;
	enum mg_apply_result res;
	char *text, *buf = NULL;
	size_t i, k, len = 0;
	FILE *fp;

	mg_session_init(&a);
	a.opts.exim_path = conf;
	a.opts.exim_bin = conf != NULL ? exim_bin : NULL;
	a.opts.postfix_dir = etc;
	a.opts.state_dir = st;
	if (mg_session_load(&a) < 0)
		fail_msg("load: %s", a.err.msg);
	for (i = 0; i < a.report.nfixes; i++)
		if (strcmp(a.report.fixes[i].id, id) == 0)
			x = &a.report.fixes[i];
	if (x == NULL)
		fail_msg("fix %s not proposed", id);
	if (from != NULL || to != NULL) {
		text = from != NULL ? replace_in(x->edits[0].new_text, from,
		    to) : mg_xstrdup(to);
		free(x->edits[0].new_text);
		x->edits[0].new_text = text;
	}
	for (i = 0; extra != NULL && i < a.report.nfindings; i++)
		for (k = 0; k < a.report.findings[i].nfix_ids; k++)
			if (strcmp(a.report.findings[i].fix_ids[k], id) == 0) {
				mg_finding_probe(&a.report.findings[i],
				    extra->client, extra->client_name,
				    extra->sender, extra->rcpt,
				    extra->hole_if_accepted);
				extra = NULL;
				break;
			}
	fixes[0] = x;
	memset(&stage, 0, sizeof(stage));
	if (mg_stage_fixes(fixes, 1, &stage, &err) < 0)
		fail_msg("stage: %s", err.msg);
	if ((fp = open_memstream(&buf, &len)) == NULL)
		fail_msg("open_memstream");
	memset(&o, 0, sizeof(o));
	o.out = fp;
	o.yes = 1;
	mg_err_clear(&err);
	res = mg_fix_apply(&a, fixes, 1, &stage, "", &o, &err);
	(void)fclose(fp);
	mg_str_init(out);
	mg_str_puts(out, buf != NULL ? buf : "");
	if (res != MG_APPLY_DONE)
		mg_str_printf(out, "error: %s\n", err.msg);
	(void)printf("%s", mg_str_cstr(out));
	(void)fflush(stdout);
	free(buf);
	mg_stage_free(&stage);
	mg_session_free(&a);
	return (res);
}

/*
 * test_exim_plain_sender_verify - incident1-plain: "require verify =
 * sender" in acl_check_rcpt; the local path is probed with a sender that
 * verifies (root@localhost, which exim -bt routes), the remote one with
 * the null sender; every legitimate path is judged before and after, the
 * fix applies, and real Exim refuses the bot after it
 */
static void
test_exim_plain_sender_verify(void **state)
{
	const char *dir = lab_dir(EXLAB, "incident1-plain");
	const char *setup[] = { "setup", "incident1-plain", dir, NULL };
	char conf[4096];
	struct mg_str out;

	(void)state;
	assert_int_equal(lab_script(EXLAB, setup), 0);
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	/* what the old probe met: refused before any change */
	assert_int_equal(bh(conf, "127.0.0.1", "cron@localhost",
	    "root@localhost"), 550);
	assert_int_equal(fix_exim(dir, DENY_FIX, &out), 0);
	assert_int_equal(count(out.data, "stage: exim -bh 127.0.0.1: MAIL "
	    "FROM:<root@localhost> RCPT TO:<root@localhost> -> 250 ",
	    "- still accepted (before the change: 250 ", NULL), 1);
	assert_int_equal(count(out.data, "stage: exim -bh 198.51.100.9: MAIL "
	    "FROM:<> RCPT TO:<postmaster@mail.example.com> -> 250 ",
	    "- still accepted (before the change: 250 ", NULL), 1);
	assert_int_equal(count(out.data, "stage: exim -bh 107.172.77.101: ",
	    "RCPT TO:<postmaster@localhost> -> 550 ", "- closed (before the "
	    "change: 250 ", NULL), 1);
	/* every probe judged on the stage and again on the live files */
	assert_int_equal(count(out.data, "stage: exim -bh ", "(before the "
	    "change: ", NULL), 3);
	assert_int_equal(count(out.data, "live: exim -bh ", "(before the "
	    "change: ", NULL), 3);
	assert_int_equal(count(out.data, "cron@localhost", NULL), 0);
	assert_true(lab_applied(out.data));
	mg_str_free(&out);
	assert_int_equal(bh(conf, "107.172.77.101", "spam@bulk.test",
	    "postmaster@localhost"), 550);
	assert_int_equal(bh(conf, "127.0.0.1", "root@localhost",
	    "root@localhost"), 250);
}

/*
 * test_exim_hostname_not_local - incident1-fjord: primary_hostname is no
 * local domain, sender verification comes first.  The proof's remote
 * path is postmaster of a real local domain; a fix edited to refuse
 * every remote client (postmaster@fjord.example too, accepted before) is
 * refused with the file untouched; the fix as proposed applies
 */
static void
test_exim_hostname_not_local(void **state)
{
	const char *dir = lab_dir(EXLAB, "incident1-fjord");
	const char *setup[] = { "setup", "incident1-fjord", dir, NULL };
	char conf[4096], st[4096];
	struct mg_str before, after, out;

	(void)state;
	assert_int_equal(lab_script(EXLAB, setup), 0);
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	/* the probes of old: not paths this server offers */
	assert_int_equal(bh(conf, "198.51.100.9", "friend@other.test",
	    "postmaster@gw3.lan.fjord.example"), 550);
	assert_int_equal(bh(conf, "127.0.0.1", "cron@localhost",
	    "root@localhost"), 550);
	lab_slurp(conf, &before);

	/* the deny without its domains: every remote client refused */
	assert_int_equal(apply_edited(conf, NULL, st, DENY_FIX,
	    "\n    domains = localhost : localhost.localdomain", "", NULL,
	    &out), MG_APPLY_REFUSED);
	assert_int_equal(count(out.data, "stage: exim -bh 198.51.100.9: MAIL "
	    "FROM:<> RCPT TO:<postmaster@fjord.example> -> 550 ", "- BROKEN: "
	    "a legitimate path is refused (before the change: 250 ", NULL),
	    1);
	assert_int_equal(count(out.data, "refused: the proof failed", NULL),
	    1);
	assert_int_equal(count(out.data, "the fix breaks a legitimate path",
	    NULL), 1);
	mg_str_free(&out);
	lab_slurp(conf, &after);
	assert_string_equal(mg_str_cstr(&before), mg_str_cstr(&after));
	mg_str_free(&after);

	assert_int_equal(fix_exim(dir, DENY_FIX, &out), 0);
	assert_int_equal(count(out.data, "gw3.lan.fjord.example", NULL), 0);
	assert_int_equal(count(out.data, "stage: exim -bh 198.51.100.9: MAIL "
	    "FROM:<> RCPT TO:<postmaster@fjord.example> -> 250 ", "- still "
	    "accepted (before the change: 250 ", NULL), 1);
	assert_int_equal(count(out.data, "stage: exim -bh 127.0.0.1: MAIL "
	    "FROM:<root@localhost> RCPT TO:<root@localhost> -> 250 ",
	    "- still accepted (before the change: 250 ", NULL), 1);
	assert_true(lab_applied(out.data));
	mg_str_free(&out);
	lab_slurp(conf, &after);
	assert_string_not_equal(mg_str_cstr(&before), mg_str_cstr(&after));
	mg_str_free(&before);
	mg_str_free(&after);
	assert_int_equal(bh(conf, "107.172.77.101", "spam@bulk.test",
	    "postmaster@localhost"), 550);
	assert_int_equal(bh(conf, "198.51.100.9", "", "postmaster@"
	    "fjord.example"), 250);
}

/*
 * test_exim_local_smtp - incident1-nolocal: no "accept hosts = :", so
 * local SMTP (exim -bs) runs the whole ACL, and a deny limited only by
 * "hosts = ! 127.0.0.0/8 : ! ::::1" (the fix as it was) catches it: the
 * proof asks exim -bs before and after and refuses that fix; the fix as
 * proposed (the deny asks for a client address) applies, and real Exim
 * still takes local SMTP mail for root@localhost
 */
static void
test_exim_local_smtp(void **state)
{
	const char *dir = lab_dir(EXLAB, "incident1-nolocal");
	const char *setup[] = { "setup", "incident1-nolocal", dir, NULL };
	char conf[4096], st[4096];
	struct mg_str before, after, out;

	(void)state;
	assert_int_equal(lab_script(EXLAB, setup), 0);
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	assert_int_equal(bs(conf, "root@localhost", "root@localhost"), 250);
	lab_slurp(conf, &before);
	assert_int_equal(apply_edited(conf, NULL, st, DENY_FIX,
	    "\n    condition = ${if def:sender_host_address}", "", NULL, &out),
	    MG_APPLY_REFUSED);
	assert_int_equal(count(out.data, "stage: exim -bs (local SMTP): MAIL "
	    "FROM:<root@localhost> RCPT TO:<root@localhost> -> 550 ",
	    "- BROKEN: a legitimate path is refused (before the change: 250 ",
	    NULL), 1);
	/* the same path over TCP from 127.0.0.1 is not caught */
	assert_int_equal(count(out.data, "stage: exim -bh 127.0.0.1: ",
	    "- still accepted (before the change: 250 ", NULL), 1);
	mg_str_free(&out);
	lab_slurp(conf, &after);
	assert_string_equal(mg_str_cstr(&before), mg_str_cstr(&after));
	mg_str_free(&after);

	assert_int_equal(fix_exim(dir, DENY_FIX, &out), 0);
	assert_int_equal(count(out.data, "exim -bs (local SMTP): MAIL "
	    "FROM:<root@localhost> RCPT TO:<root@localhost> -> 250 ",
	    "- still accepted (before the change: 250 ", NULL), 2);
	assert_int_equal(count(out.data, "acl_not_smtp (not asked)", NULL),
	    1);
	assert_true(lab_applied(out.data));
	mg_str_free(&out);
	lab_slurp(conf, &after);
	assert_string_not_equal(mg_str_cstr(&before), mg_str_cstr(&after));
	mg_str_free(&before);
	mg_str_free(&after);
	assert_int_equal(bs(conf, "root@localhost", "root@localhost"), 250);
	assert_int_equal(bh(conf, "107.172.77.101", "spam@bulk.test",
	    "postmaster@localhost"), 550);
}

/*
 * test_postfix_sender_checks - verify-sender-net: a public /16 in
 * mynetworks on a server with reject_unknown_sender_domain and
 * reject_unverified_sender.  A forged sender at an example domain from
 * loopback is refused before and after the fix: said, and ignored; the
 * mynetworks fix applies, proven on the stage and on the live files
 */
static void
test_postfix_sender_checks(void **state)
{
	const char *dir = lab_dir(PFLAB, "verify-sender-net");
	const char *setup[] = { "setup", "verify-sender-net", dir, NULL };
	char etc[4096], st[4096], maincf[4200];
	struct mg_probe forged;
	struct mg_str out, now;

	(void)state;
	assert_int_equal(lab_script(PFLAB, setup), 0);
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(maincf, sizeof(maincf), "%s/main.cf", etc);
	memset(&forged, 0, sizeof(forged));
	forged.client = (char *)"127.0.0.1";
	forged.sender = (char *)"accounts@example.com";
	forged.rcpt = (char *)"postmaster@heron-post.test";
	assert_int_equal(apply_edited(NULL, etc, st,
	    "postfix.mynetworks.narrow", NULL, NULL, &forged, &out),
	    MG_APPLY_DONE);
	assert_int_equal(count(out.data, "stage: postfix smtpd (XCLIENT) "
	    "127.0.0.1: MAIL FROM:<accounts@example.com> RCPT TO:<postmaster"
	    "@heron-post.test> -> ", "- refused before and after - not a "
	    "path this server offers (ignored) (before the change: ", NULL),
	    1);
	assert_int_equal(count(out.data, "stage: postfix smtpd (XCLIENT) "
	    "81.200.", "RCPT TO:<mailguard-probe@example.net> -> ",
	    "Relay access denied - closed (before the change: 250 ", NULL),
	    1);
	assert_int_equal(count(out.data, "stage: postfix smtpd (XCLIENT) "
	    "127.0.0.1: MAIL FROM:<> RCPT TO:<mailguard-probe@example.net> "
	    "-> 250 ", "- still accepted (before the change: 250 ", NULL),
	    1);
	assert_int_equal(count(out.data, "before: private Postfix from ",
	    NULL), 1);
	assert_int_equal(count(out.data, "live: postfix smtpd (XCLIENT) ",
	    "(before the change: ", NULL), 3);
	assert_int_equal(count(out.data, "BROKEN", NULL), 0);
	assert_int_equal(count(out.data, "pickup(8)", NULL), 1);
	mg_str_free(&out);
	lab_slurp(maincf, &now);
	assert_null(strstr(mg_str_cstr(&now), "81.200.0.0/16"));
	mg_str_free(&now);
}

/*
 * test_postfix_localhost_only - localhost-open: smtpd on every interface
 * takes root@localhost from anyone.  Edited to refuse localhost to every
 * client, the fix breaks loopback (250 before, 554 after) and is refused
 * with main.cf untouched; as proposed it closes the outsider's path and
 * keeps loopback and postmaster of this host's own name
 */
static void
test_postfix_localhost_only(void **state)
{
	const char *dir = lab_dir(PFLAB, "localhost-open");
	const char *setup[] = { "setup", "localhost-open", dir, NULL };
	char etc[4096], st[4096], maincf[4200];
	const char *fix[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "fix", "postfix.localhost.local-only", "--yes", NULL };
	struct mg_str out, before, after;

	(void)state;
	assert_int_equal(lab_script(PFLAB, setup), 0);
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(maincf, sizeof(maincf), "%s/main.cf", etc);
	lab_slurp(maincf, &before);
	assert_int_equal(apply_edited(NULL, etc, st,
	    "postfix.localhost.local-only", "{localhost=permit_mynetworks "
	    "reject}", "{localhost=reject}", NULL, &out), MG_APPLY_REFUSED);
	assert_int_equal(count(out.data, "stage: postfix smtpd (XCLIENT) "
	    "127.0.0.1: MAIL FROM:<> RCPT TO:<root@localhost> -> 554 ",
	    "- BROKEN: a legitimate path is refused (before the change: 250 ",
	    NULL), 1);
	mg_str_free(&out);
	lab_slurp(maincf, &after);
	assert_string_equal(mg_str_cstr(&before), mg_str_cstr(&after));
	mg_str_free(&before);
	mg_str_free(&after);

	assert_int_equal(lab_capture(fix, &out), 0);
	(void)printf("%s", mg_str_cstr(&out));
	assert_int_equal(count(out.data, "stage: postfix smtpd (XCLIENT) "
	    "198.51.100.9: MAIL FROM:<> RCPT TO:<root@localhost> -> 554 ",
	    "- closed (before the change: 250 ", NULL), 1);
	assert_int_equal(count(out.data, "stage: postfix smtpd (XCLIENT) "
	    "127.0.0.1: MAIL FROM:<> RCPT TO:<root@localhost> -> 250 ",
	    "- still accepted (before the change: 250 ", NULL), 1);
	assert_int_equal(count(out.data, "stage: postfix smtpd (XCLIENT) "
	    "198.51.100.9: MAIL FROM:<> RCPT TO:<postmaster@relay2.osprey."
	    "test> -> 250 ", "- still accepted (before the change: 250 ",
	    NULL), 1);
	assert_int_equal(count(out.data, "live: postfix smtpd (XCLIENT) ",
	    "(before the change: 250 ", NULL), 3);
	assert_true(lab_applied(out.data));
	mg_str_free(&out);
}

/*
 * test_postfix_mask_typo_widened - incident 4's mask typo: Postfix
 * tempfails (451) every client past the bad entry, so mynetworks relays
 * for nobody there now.  Edited to 210.0.0.0/8 (what Postfix's own
 * warning suggests), the value relays for the whole /8: the proof says
 * the change opens it (451 before, 250 after) and refuses it; as
 * proposed, the hole is closed and the tempfail before is said
 */
static void
test_postfix_mask_typo_widened(void **state)
{
	const char *dir = lab_dir(PFLAB, "mask-typo");
	const char *setup[] = { "setup", "mask-typo", dir, NULL };
	char etc[4096], st[4096];
	struct mg_str out;

	(void)state;
	assert_int_equal(lab_script(PFLAB, setup), 0);
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	assert_int_equal(apply_edited(NULL, etc, st,
	    "postfix.mynetworks.narrow", NULL, "127.0.0.0/8 210.0.0.0/8",
	    NULL, &out), MG_APPLY_REFUSED);
	assert_int_equal(count(out.data, "stage: postfix smtpd (XCLIENT) 210.",
	    "RCPT TO:<mailguard-probe@example.net> -> 250 ", "- OPENED: not "
	    "accepted before the change, accepted after it (before the "
	    "change: 451 ", NULL), 1);
	mg_str_free(&out);
	assert_int_equal(apply_edited(NULL, etc, st,
	    "postfix.mynetworks.narrow", NULL, NULL, NULL, &out),
	    MG_APPLY_DONE);
	assert_int_equal(count(out.data, "stage: postfix smtpd (XCLIENT) 210.",
	    "Relay access denied - closed (it was only tempfailed, 4xx: "
	    "refused for now, not shut) (before the change: 451 ",
	    NULL), 1);
	assert_int_equal(count(out.data, "BROKEN", NULL), 0);
	mg_str_free(&out);
}

/* setup - a temp root; the lab's exim binary */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-proofchg");
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exim_plain_sender_verify),
		cmocka_unit_test(test_exim_hostname_not_local),
		cmocka_unit_test(test_exim_local_smtp),
		cmocka_unit_test(test_postfix_sender_checks),
		cmocka_unit_test(test_postfix_localhost_only),
		cmocka_unit_test(test_postfix_mask_typo_widened),
	};

	return (cmocka_run_group_tests(tests, setup, lab_teardown));
}
