/*
 * test_lab_qact_read.c - hold and release act on the read their question
 * counted (the console's H and U, the hold and release commands), on
 * real Postfix and real Exim: the queue is read and counted, 3 more
 * messages of the same SASL login are queued before the answer, and
 * then the engine acts on that read.  The MTA's own listing judges:
 * postqueue -j's queue_name (Postfix), exim -bp's "*** frozen ***"
 * (Exim): held == the count asked about, the 3 late ones as they were.
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../backends/backend.h"
#include "../../backends/queue_act.h"
#include "../../core/mg_lines.h"
#include "../../core/mg_str.h"
#include "../../engine/queue_purge.h"
#include "lab_util.h"

#define PFLAB "tests/lab/postfix/lab.sh"
#define EXLAB "tests/lab/exim/lab.sh"
#define ROOT_N 20

static char exim_bin[4096];

/* What the MTA lists: messages held (frozen), and of those with a
 * recipient containing "late", how many are held and not. */
struct listing {
	size_t held, late_held, late_free;
};

/* pf_listing - postqueue -j of the instance whose config is etc; late
 * names the recipient's local part to count apart */
static void
pf_listing(const char *etc, const char *late, struct listing *l)
{
	const char *argv[] = { "postqueue", "-c", etc, "-j", NULL };
	struct mg_str out;
	const char *cur, *line;
	char *s;
	size_t len;
	int held;

	memset(l, 0, sizeof(*l));
	assert_int_equal(lab_capture(argv, &out), 0);
	for (cur = mg_str_cstr(&out); mg_line_next(&cur, &line, &len);) {
		s = strndup(line, len);
		assert_non_null(s);
		held = strstr(s, "\"queue_name\": \"hold\"") != NULL;
		l->held += held;
		if (strstr(s, late) != NULL) {
			l->late_held += held;
			l->late_free += !held;
		}
		free(s);
	}
	mg_str_free(&out);
}

/* ex_listing - exim -bp of conf: a message's line (age, size, ID,
 * sender, maybe "*** frozen ***") is followed by its recipients,
 * indented */
static void
ex_listing(const char *conf, const char *late, struct listing *l)
{
	const char *argv[] = { exim_bin, "-C", conf, "-bp", NULL };
	struct mg_str out;
	const char *cur, *line;
	size_t len;
	int held = 0, counted = 1;

	memset(l, 0, sizeof(*l));
	assert_int_equal(lab_capture(argv, &out), 0);
	for (cur = mg_str_cstr(&out); mg_line_next(&cur, &line, &len);) {
		if (len == 0)
			continue;
		if (line[0] != ' ' || (len > 2 && line[1] != ' ')) {
			/* a message's first line */
			held = memmem(line, len, "*** frozen ***", 14) !=
			    NULL;
			l->held += held;
			counted = 0;
			continue;
		}
		if (!counted && memmem(line, len, late, strlen(late)) !=
		    NULL) {
			l->late_held += held;
			l->late_free += !held;
			counted = 1;
		}
	}
	mg_str_free(&out);
}

/* One lab MTA: where it is, how it lists its queue, how 3 late
 * messages of root's to RCPT are queued (held: then put on hold), how
 * one message is removed from outside, and mailguard-tui's arguments
 * that name it (then the command's). */
struct mta {
	const char *dir;
	char where[4096];	/* Postfix: DIR/etc; Exim: DIR/exim4.conf */
	char st[4096];		/* --state */
	void (*list)(const struct mta *, const char *, struct listing *);
	void (*late)(const struct mta *, const char *, int);
	int (*remove)(const struct mta *, const char *);
	const char *mg[8];
	struct mg_target t;
};

/* count_root - messages of SASL user root in q */
static size_t
count_root(const struct mg_queue *q)
{
	size_t i, n = 0;

	for (i = 0; i < q->nmsgs; i++)
		n += q->msgs[i].sasl_username != NULL &&
		    strcmp(q->msgs[i].sasl_username, "root") == 0;
	return (n);
}

/*
 * step - one question and its answer, as the console and the command
 * line go: the queue read, root's counted (counted); 3 more of root's
 * queued to rcpt (held: on hold) before the answer; then the engine's
 * hold or release on that read.  The MTA's listing must show the
 * counted ones moved (all held after a hold; after a release only the 3
 * late ones held) and the 3 late ones as they came.
 */
static void
step(struct mta *m, enum mg_qaction a, size_t counted, const char *rcpt,
    int held)
{
	struct mg_purge_result res;
	struct mg_queue q;
	struct mg_qsel sel;
	struct mg_err err;
	struct listing l;
	FILE *devnull = fopen("/dev/null", "w");

	assert_non_null(devnull);
	memset(&sel, 0, sizeof(sel));
	sel.sasl = "root";
	mg_queue_init(&q);
	assert_int_equal(mg_backend_load_queue(&m->t, &q, NULL, NULL, &err),
	    0);
	assert_int_equal(count_root(&q), counted);
	m->late(m, rcpt, held);
	m->list(m, rcpt, &l);
	assert_int_equal(l.late_held + l.late_free, 3);
	assert_int_equal(l.late_held, held ? 3 : 0);
	mg_err_clear(&err);
	if (mg_queue_act_scanned(&m->t, &q, a, &sel, devnull, NULL, &res,
	    &err) < 0)
		fail_msg("%s: %s", mg_qaction_name(a), err.msg);
	(void)fclose(devnull);
	mg_queue_free(&q);
	m->list(m, rcpt, &l);
	(void)printf("    %s of the %zu counted: %zu moved; the MTA lists "
	    "%zu held; the 3 queued meanwhile: %zu held, %zu not\n",
	    mg_qaction_name(a), res.selected, res.held, l.held, l.late_held,
	    l.late_free);
	assert_int_equal(res.selected, counted);
	assert_int_equal(res.held, counted);
	assert_int_equal(res.remaining, 0);
	assert_int_equal(l.late_held, held ? 3 : 0);
	assert_int_equal(l.late_free, held ? 0 : 3);
	assert_int_equal(l.held, (a == MG_QA_HOLD ? counted : 0) +
	    l.late_held);
}

/*
 * paused_hold - mailguard-tui hold --sasl root --yes, as an operator
 * runs it, paused just before it asks the MTA
 * (MAILGUARD_TEST_PAUSE_AT=queue-act, after its last read); then
 * meanwhile(m, id) and on.  Its exit code (-1: killed), stdout and
 * stderr in out.
 */
static int
paused_hold(struct mta *m, const char *id,
    int (*meanwhile)(const struct mta *, const char *), struct mg_str *out)
{
	const char *argv[16];
	char outp[4200];
	size_t i, n = 0;
	int status, fd, done;
	pid_t pid;

	for (i = 0; m->mg[i] != NULL; i++)
		argv[n++] = m->mg[i];
	argv[n++] = "--state";
	argv[n++] = m->st;
	argv[n++] = "hold";
	argv[n++] = "--sasl";
	argv[n++] = "root";
	argv[n++] = "--yes";
	argv[n] = NULL;
	(void)snprintf(outp, sizeof(outp), "%s/hold.out", m->dir);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		fd = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			(void)dup2(fd, STDOUT_FILENO);
			(void)dup2(fd, STDERR_FILENO);
		}
		(void)setenv("MAILGUARD_TEST_PAUSE_AT", "queue-act", 1);
		(void)execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status)) {
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, &status, 0);
		fail_msg("hold did not stop at queue-act");
	}
	/* no assertion while it is stopped: a failure would leave it so */
	done = meanwhile(m, id);
	(void)kill(pid, SIGCONT);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(done, 0);
	lab_slurp(outp, out);
	return (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* root_id - the ID of one of root's messages (held or not as held),
 * into id; how many root has */
static size_t
root_id(struct mta *m, int held, char *id, size_t size)
{
	struct mg_queue q;
	struct mg_err err;
	size_t i, nroot = 0;

	*id = '\0';
	mg_queue_init(&q);
	assert_int_equal(mg_backend_load_queue(&m->t, &q, NULL, NULL, &err),
	    0);
	for (i = 0; i < q.nmsgs; i++) {
		if (q.msgs[i].sasl_username == NULL ||
		    strcmp(q.msgs[i].sasl_username, "root") != 0)
			continue;
		nroot++;
		if (*id == '\0' && mg_qmsg_held(&q.msgs[i]) == held)
			(void)snprintf(id, size, "%s", q.msgs[i].id);
	}
	mg_queue_free(&q);
	assert_true(*id != '\0');
	return (nroot);
}

/*
 * vanish - the hold paused after its last read; one of root's messages
 * not held is removed from outside then, as a delivery would take it
 * (exim -Mf exits 1 for the whole call on an ID it cannot find).  The
 * MTA holds every other one; the command counts the one gone apart,
 * says so and exits 0.
 */
static void
vanish(struct mta *m)
{
	char id[64];
	struct mg_str out, want;
	struct listing l;
	size_t nroot = root_id(m, 0, id, sizeof(id));
	int rc;

	rc = paused_hold(m, id, m->remove, &out);
	m->list(m, "nobody-at-all", &l);
	(void)printf("    hold paused, %s removed from outside: exit %d, "
	    "the MTA lists %zu held of root's %zu; said: %s", id, rc, l.held,
	    nroot, out.data);
	assert_int_equal(rc, 0);
	assert_int_equal(l.held, nroot - 1);
	mg_str_init(&want);
	mg_str_printf(&want, "hold: %zu of %zu selected (journal entry ",
	    nroot - 1, nroot);
	assert_non_null(strstr(out.data, mg_str_cstr(&want)));
	assert_non_null(strstr(out.data, "; 1 left the queue meanwhile "
	    "(delivered or removed)\n"));
	assert_null(strstr(out.data, "did not move"));
	mg_str_free(&want);
	mg_str_free(&out);
}

/* ex_take_d - Exim: ID's -D file taken away, its -H left (a spool
 * damaged by hand); 0 if it was */
static int
ex_take_d(const struct mta *m, const char *id)
{
	char path[8300];

	(void)snprintf(path, sizeof(path), "%s/spool/input/%s-D", m->dir, id);
	if (unlink(path) == 0)
		return (0);
	(void)snprintf(path, sizeof(path), "%s/spool/input/%c/%s-D", m->dir,
	    id[5], id);
	return (unlink(path));
}

/*
 * ex_broken - Exim: one of root's messages thawed; the hold paused after
 * its last read, and the message's -D taken away then (its -H stays):
 * exim -Mf says "Spool data file ... does not exist" as it does for a
 * message delivered meanwhile, but this one's -H is still in the spool,
 * so the hold fails: exit 70 with Exim's words; the MTA lists it not
 * frozen
 */
static void
ex_broken(struct mta *m)
{
	char id[64];
	const char *thaw[] = { exim_bin, "-C", m->where, "-Mt", id, NULL };
	struct listing before, after;
	struct mg_str out, msg;
	int rc;

	(void)root_id(m, 1, id, sizeof(id));
	assert_int_equal(lab_capture(thaw, &msg), 0);
	mg_str_free(&msg);
	m->list(m, "nobody-at-all", &before);
	rc = paused_hold(m, id, ex_take_d, &out);
	m->list(m, "nobody-at-all", &after);
	(void)printf("    hold paused, %s's -D taken away: exit %d, held %zu "
	    "-> %zu; said: %s", id, rc, before.held, after.held, out.data);
	assert_int_equal(rc, 70);
	assert_int_equal(after.held, before.held);
	mg_str_init(&msg);
	mg_str_printf(&msg, "Spool data file for %s does not exist", id);
	assert_non_null(strstr(out.data, mg_str_cstr(&msg)));
	mg_str_free(&msg);
	mg_str_free(&out);
}

/* pf_remove - postsuper -d ID; its exit code */
static int
pf_remove(const struct mta *m, const char *id)
{
	const char *argv[] = { "postsuper", "-c", m->where, "-d", id, NULL };
	struct mg_str out;
	int rc = lab_capture(argv, &out);

	mg_str_free(&out);
	return (rc);
}

/* ex_remove - exim -Mrm ID; its exit code */
static int
ex_remove(const struct mta *m, const char *id)
{
	const char *argv[] = { exim_bin, "-C", m->where, "-Mrm", id, NULL };
	struct mg_str out;
	int rc = lab_capture(argv, &out);

	mg_str_free(&out);
	return (rc);
}

/* pf_list - postqueue -j */
static void
pf_list(const struct mta *m, const char *rcpt, struct listing *l)
{
	pf_listing(m->where, rcpt, l);
}

/* pf_hold_late - postsuper -h ID of each message to late */
static void
pf_hold_late(const char *etc, const char *late)
{
	const char *pq[] = { "postqueue", "-c", etc, "-j", NULL };
	const char *argv[12] = { "postsuper", "-c", etc };
	struct mg_str out, id;
	const char *cur, *line;
	char *s;
	size_t len, n = 0;

	assert_int_equal(lab_capture(pq, &out), 0);
	for (cur = mg_str_cstr(&out); mg_line_next(&cur, &line, &len);) {
		s = strndup(line, len);
		assert_non_null(s);
		if (strstr(s, late) != NULL) {
			assert_int_equal(lab_jq_str(s, ".queue_id", &id), 0);
			assert_true(n < 3);
			argv[3 + 2 * n] = "-h";
			argv[4 + 2 * n++] = mg_str_steal(&id);
		}
		free(s);
	}
	mg_str_free(&out);
	assert_int_equal(n, 3);
	argv[3 + 2 * n] = NULL;
	assert_int_equal(lab_capture(argv, &out), 0);
	mg_str_free(&out);
	while (n-- > 0)
		free((char *)argv[4 + 2 * n]);
}

/* pf_late - 3 more of root's from 93.122.252.5 to rcpt, until postqueue
 * lists them (bounded); held: postsuper -h ID for each */
static void
pf_late(const struct mta *m, const char *rcpt, int held)
{
	char pass[256], auth[300];
	const char *fill[] = { "fill", m->dir, "--xclient-addr",
	    "93.122.252.5", "--xclient-name", "[UNAVAILABLE]", "--helo",
	    "[93.122.252.5]", "--auth-plain", auth, "--from",
	    "root@example.com", "--to", rcpt, "--count", "3", "--subject",
	    "Late statement", "--size", "600", NULL };
	struct listing l;
	double end = lab_now() + lab_wait_s();

	assert_int_equal(lab_sasl_pass(m->dir, "root", pass, sizeof(pass)),
	    0);
	(void)snprintf(auth, sizeof(auth), "root:%s", pass);
	assert_int_equal(lab_script(PFLAB, fill), 0);
	for (;;) {
		pf_listing(m->where, rcpt, &l);
		if (l.late_held + l.late_free == 3)
			break;
		if (lab_now() > end)
			fail_msg("postqueue does not list the 3 to %s", rcpt);
		lab_nap_ms(100);
	}
	if (held)
		pf_hold_late(m->where, rcpt);
}

/* ex_list - exim -bp */
static void
ex_list(const struct mta *m, const char *rcpt, struct listing *l)
{
	ex_listing(m->where, rcpt, l);
}

/* ex_late - 3 more of root's to rcpt (held: frozen) */
static void
ex_late(const struct mta *m, const char *rcpt, int held)
{
	const char *fill[] = { "fill", m->dir, "3", "--auth-id", "root",
	    "--host-address", "93.122.252.5", "--sender",
	    "root@mail.example.com", "--rcpt", rcpt, held ? "--freeze" :
	    NULL, NULL };

	assert_int_equal(lab_script(EXLAB, fill), 0);
}

/* test_pf_hold_release_confirmed_read - Postfix, incident 3's queue */
static void
test_pf_hold_release_confirmed_read(void **state)
{
	struct mta m = { .list = pf_list, .late = pf_late,
	    .remove = pf_remove };
	char n[16];
	const char *fill[] = { "fill-incident3", NULL, n, NULL };
	const char *flush[] = { "flush-wait", NULL, NULL };
	struct mg_detect_opts o;
	struct mg_err err;

	(void)state;
	m.dir = fill[1] = flush[1] = lab_instance(PFLAB, "sasl-root", 1);
	(void)snprintf(n, sizeof(n), "%d", ROOT_N);
	(void)snprintf(m.where, sizeof(m.where), "%s/etc", m.dir);
	(void)snprintf(m.st, sizeof(m.st), "%s/state", m.dir);
	m.mg[0] = "./mailguard-tui";
	m.mg[1] = "--postfix";
	m.mg[2] = m.where;
	assert_int_equal(lab_script(PFLAB, fill), 0);
	assert_int_equal(lab_script(PFLAB, flush), 0);
	memset(&o, 0, sizeof(o));
	o.postfix_dir = m.where;
	o.state_dir = m.st;
	if (mg_backend_detect(&o, &m.t, &err) < 0)
		fail_msg("detect: %s", err.msg);
	step(&m, MG_QA_HOLD, ROOT_N, "late@comcast.net", 0);
	step(&m, MG_QA_RELEASE, ROOT_N + 3, "later@comcast.net", 1);
	vanish(&m);
	mg_target_free(&m.t);
	lab_stop(PFLAB, m.dir);
}

/* test_ex_hold_release_confirmed_read - Exim: hold is exim -Mf, release
 * exim -Mt */
static void
test_ex_hold_release_confirmed_read(void **state)
{
	struct mta m = { .list = ex_list, .late = ex_late,
	    .remove = ex_remove };
	const char *setup[] = { "setup", "incident1-template", NULL, NULL };
	char n[16];
	const char *fill[] = { "fill", NULL, n, "--auth-id", "root",
	    "--host-address", "93.122.252.5", "--sender",
	    "root@mail.example.com", NULL };
	const char *other[] = { "fill", NULL, "10", NULL };
	struct mg_detect_opts o;
	struct mg_err err;

	(void)state;
	m.dir = setup[2] = fill[1] = other[1] = lab_dir(EXLAB,
	    "incident1-template");
	(void)snprintf(n, sizeof(n), "%d", ROOT_N);
	(void)snprintf(m.where, sizeof(m.where), "%s/exim4.conf", m.dir);
	(void)snprintf(m.st, sizeof(m.st), "%s/state", m.dir);
	m.mg[0] = "./mailguard-tui";
	m.mg[1] = "--exim";
	m.mg[2] = m.where;
	m.mg[3] = "--exim-bin";
	m.mg[4] = exim_bin;
	assert_int_equal(lab_script(EXLAB, setup), 0);
	assert_int_equal(lab_script(EXLAB, fill), 0);
	assert_int_equal(lab_script(EXLAB, other), 0);
	memset(&o, 0, sizeof(o));
	o.exim_path = m.where;
	o.exim_bin = exim_bin;
	o.state_dir = m.st;
	if (mg_backend_detect(&o, &m.t, &err) < 0)
		fail_msg("detect: %s", err.msg);
	step(&m, MG_QA_HOLD, ROOT_N, "late@example.net", 0);
	step(&m, MG_QA_RELEASE, ROOT_N + 3, "later@example.net", 1);
	vanish(&m);
	ex_broken(&m);
	mg_target_free(&m.t);
}

/* setup - private root, the lab's exim */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-qact-read");
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pf_hold_release_confirmed_read),
		cmocka_unit_test(test_ex_hold_release_confirmed_read),
	};

	return (cmocka_run_group_tests_name("lab_qact_read", tests, setup,
	    lab_teardown));
}
