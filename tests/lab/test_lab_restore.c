/*
 * test_lab_restore.c - purge, then rollback (and restore by selector), on
 * real Postfix and real Exim: the messages that come back are exactly
 * the purged ones - sender, recipients, SASL user, client, arrival time,
 * Message-ID as postcat -q and exim -Mvh print them - counted against the
 * queue, never twice; the same after a purge or a rollback killed with
 * SIGKILL at each step (every message stays in the queue or in the
 * quarantine meanwhile).  Then a relay is reachable (a loopback sink)
 * and the restored mail is delivered.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../core/mg_file.h"
#include "../../core/mg_lines.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define PFLAB "tests/lab/postfix/lab.sh"
#define EXLAB "tests/lab/exim/lab.sh"
#define ROOT_N 12		/* root's stolen-login mail, purged */
#define HELD_N 2		/* of them on hold (frozen) before */
#define OTHER_N 6		/* Exim: alice's; Postfix: 20 (lab.sh) */
#define SIGS_MAX 64

static char exim_bin[4096];

/* One lab instance and how to run mailguard-tui on it. */
struct inst {
	int exim;
	char dir[4096];
	char conf[4096];	/* Postfix: DIR/etc; Exim: DIR/exim4.conf */
	char st[4096];		/* --state */
	char spool[4096];	/* Exim's spool */
};

/* run_ok - argv must exit 0; its stdout into out (may be NULL) */
static void
run_ok(const char *const *argv, struct mg_str *out)
{
	struct mg_exec_res res;

	if (lab_run(&res, argv) != 0)
		fail_msg("%s %s failed: %s%s", argv[0], argv[1],
		    mg_str_cstr(&res.out), mg_str_cstr(&res.err));
	if (out != NULL) {
		mg_str_init(out);
		mg_str_append(out, res.out.data, res.out.len);
	}
	mg_exec_res_free(&res);
}

/* mg_env - mailguard-tui on the instance with args (env: a test hook
 * "MAILGUARD_TEST_...=STEP", or NULL); the exit code, -1 if killed;
 * output in out */
static int
mg_env(const struct inst *in, const char *env, const char *const *args,
    struct mg_str *out)
{
	const char *argv[32];
	struct mg_exec_res res;
	size_t n = 0;
	int rc;

	if (env != NULL) {
		argv[n++] = "env";
		argv[n++] = env;
	}
	argv[n++] = "./mailguard-tui";
	argv[n++] = in->exim ? "--exim" : "--postfix";
	argv[n++] = in->conf;
	if (in->exim) {
		argv[n++] = "--exim-bin";
		argv[n++] = exim_bin;
	}
	argv[n++] = "--state";
	argv[n++] = in->st;
	while (*args != NULL && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	rc = lab_run(&res, argv);
	if (rc < 0 && res.signo != 9)
		fail_msg("mailguard-tui %s died: %s", argv[n - 1],
		    mg_str_cstr(&res.err));
	if (out != NULL) {
		mg_str_init(out);
		mg_str_append(out, res.out.data, res.out.len);
		mg_str_append(out, res.err.data, res.err.len);
	}
	mg_exec_res_free(&res);
	return (rc);
}

/* mg - mailguard-tui on the instance with args (kill_at: the crash
 * hook's step, or NULL); the exit code, -1 if killed; output in out */
static int
mg(const struct inst *in, const char *kill_at, const char *const *args,
    struct mg_str *out)
{
	char env[128];

	if (kill_at == NULL)
		return (mg_env(in, NULL, args, out));
	(void)snprintf(env, sizeof(env), "MAILGUARD_TEST_KILL_AT=%s", kill_at);
	return (mg_env(in, env, args, out));
}

/* keep - line (len) is part of the signature: postcat's envelope
 * records (pfx) and the Message-ID header */
static int
keep(const char *line, size_t len, const char *const *pfx)
{
	size_t i;

	if (len >= 11 && memmem(line, len, "Message-ID:", 11) != NULL)
		return (1);
	for (i = 0; pfx[i] != NULL; i++)
		if (len >= strlen(pfx[i]) && strncmp(line, pfx[i],
		    strlen(pfx[i])) == 0)
			return (1);
	return (0);
}

/* pf_sig - one line from postcat output: arrival time, sender, SASL
 * user and method, client, HELO, recipients, Message-ID */
static void
pf_sig(const char *text, struct mg_str *sig)
{
	static const char *const pfx[] = { "message_arrival_time:",
	    "sender:", "recipient:", "named_attribute: sasl_username=",
	    "named_attribute: sasl_method=",
	    "named_attribute: client_address=",
	    "named_attribute: helo_name=", NULL };
	const char *cur, *line;
	size_t len;

	for (cur = text; mg_line_next(&cur, &line, &len);)
		if (keep(line, len, pfx))
			mg_str_printf(sig, "%.*s|", (int)len, line);
}

/* ex_sig - one line from an -H file (exim -Mvh): sender, arrival time,
 * client address, authenticator and id, recipients, Message-ID */
static void
ex_sig(const char *text, struct mg_str *sig)
{
	static const char *const pfx[] = { "--host_address", "--auth_id",
	    "--host_auth", NULL };
	const char *cur, *line;
	size_t len, no = 0;
	long rcpts = -1;

	for (cur = text; mg_line_next(&cur, &line, &len); no++) {
		if (no == 2 || no == 3 || keep(line, len, pfx) || rcpts > 0) {
			mg_str_printf(sig, "%.*s|", (int)len, line);
			if (rcpts > 0)
				rcpts--;
		} else if (rcpts == 0) {
			rcpts = strtol(line, NULL, 10);	/* the count */
			mg_str_printf(sig, "%ld rcpts|", rcpts);
			if (rcpts == 0)
				rcpts = -1;
		}
		if (len == 2 && memcmp(line, "XX", 2) == 0)
			rcpts = 0;
	}
}

/* A sorted set of signatures. */
struct sigs {
	char *s[SIGS_MAX];
	size_t n;
};

/* cmp_s - qsort on char * */
static int
cmp_s(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* sigs_add - one message's signature from its text */
static void
sigs_add(struct sigs *v, const struct inst *in, const char *text)
{
	struct mg_str sig = MG_STR_INIT;

	if (in->exim)
		ex_sig(text, &sig);
	else
		pf_sig(text, &sig);
	assert_true(v->n < SIGS_MAX);
	assert_non_null(strstr(mg_str_cstr(&sig), "Message-ID"));
	v->s[v->n++] = mg_str_steal(&sig);
	qsort(v->s, v->n, sizeof(v->s[0]), cmp_s);
}

/* sigs_free - empty the set */
static void
sigs_free(struct sigs *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		free(v->s[i]);
	v->n = 0;
}

/* sigs_has - s is in the set */
static int
sigs_has(const struct sigs *v, const char *s)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->s[i], s) == 0)
			return (1);
	return (0);
}

/* sigs_equal - the same multiset (both sorted) */
static void
sigs_equal(const struct sigs *a, const struct sigs *b)
{
	size_t i;

	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n; i++)
		assert_string_equal(a->s[i], b->s[i]);
}

/* queue_ids - the IDs the MTA lists: postqueue -j, exipick -i */
static size_t
queue_ids(const struct inst *in, char ids[][64], size_t max)
{
	char pick[4096];
	const char *pq[] = { "postqueue", "-c", in->conf, "-j", NULL };
	const char *ep[] = { pick, "--spool", in->spool, "-i", NULL };
	struct mg_str out;
	const char *p, *q, *line;
	size_t n = 0, len;

	(void)snprintf(pick, sizeof(pick), "%.*s/exipick",
	    (int)(strrchr(exim_bin, '/') - exim_bin), exim_bin);
	run_ok(in->exim ? ep : pq, &out);
	if (in->exim) {
		for (p = mg_str_cstr(&out); mg_line_next(&p, &line, &len);)
			if (len > 0 && len < 64 && n < max)
				(void)snprintf(ids[n++], 64, "%.*s", (int)len,
				    line);
	} else {
		for (p = mg_str_cstr(&out); (p = strstr(p,
		    "\"queue_id\": \"")) != NULL && n < max; p = q) {
			p += strlen("\"queue_id\": \"");
			q = p + strcspn(p, "\"");
			(void)snprintf(ids[n++], 64, "%.*s", (int)(q - p), p);
		}
	}
	mg_str_free(&out);
	return (n);
}

/* snap_queue - the signatures of every queued message, by the MTA's
 * own tools (postcat -q ID, exim -Mvh ID) */
static void
snap_queue(const struct inst *in, struct sigs *v)
{
	char ids[SIGS_MAX][64];
	const char *pc[] = { "postcat", "-c", in->conf, "-q", NULL, NULL };
	const char *mv[] = { exim_bin, "-C", in->conf, "-Mvh", NULL, NULL };
	struct mg_str out;
	size_t n, i;

	n = queue_ids(in, ids, SIGS_MAX);
	for (i = 0; i < n; i++) {
		pc[4] = mv[4] = ids[i];
		run_ok(in->exim ? mv : pc, &out);
		sigs_add(v, in, mg_str_cstr(&out));
		mg_str_free(&out);
	}
}

/* snap_quarantine - the signatures of quarantine/ENTRY's copies
 * (postcat FILE; an -H file as it is) */
static void
snap_quarantine(const struct inst *in, long entry, struct sigs *v)
{
	char dir[4200], path[4500];
	const char *pc[] = { "postcat", "-c", in->conf, path, NULL };
	struct mg_str out = MG_STR_INIT;
	struct mg_err err;
	struct dirent *de;
	size_t len;
	DIR *d;

	(void)snprintf(dir, sizeof(dir), "%s/quarantine/%ld", in->st, entry);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || strcmp(de->d_name, "README") ==
		    0 || strstr(de->d_name, ".part") != NULL)
			continue;
		if (in->exim && strcmp(de->d_name + len - 2, "-H") != 0)
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (in->exim)
			assert_int_equal(mg_file_read(path, MG_FILE_MAX, &out,
			    NULL, &err), 0);
		else
			run_ok(pc, &out);
		sigs_add(v, in, mg_str_cstr(&out));
		mg_str_free(&out);
	}
	(void)closedir(d);
}

/* last_entry - the newest journal entry's id */
static long
last_entry(const struct inst *in)
{
	const char *args[] = { "journal", "--json", NULL };
	struct mg_str out, id;
	char *told;
	long n;

	assert_int_equal(mg(in, NULL, args, &out), 0);
	/* after the JSON: what stderr said of unfinished entries (a purge
	 * killed on purpose) */
	if ((told = strstr(out.data, "mailguard-tui: journal entry ")) !=
	    NULL)
		*told = '\0';
	assert_int_equal(lab_jq_str(out.data, ".entries[-1].id", &id), 0);
	n = strtol(id.data, NULL, 10);
	mg_str_free(&id);
	mg_str_free(&out);
	return (n);
}

/* restored - N of "restored N of M messages" in out, -1 if absent */
static long
restored(const char *out)
{
	const char *p = strstr(out, "restored ");

	return (p != NULL ? strtol(p + 9, NULL, 10) : -1);
}

/* rollback - rollback ENTRY (killed at kill_at, then again); exactly
 * want come back, a second rollback brings none */
static void
rollback(const struct inst *in, long entry, long want, const char *kill_at)
{
	char id[32];
	const char *args[] = { "rollback", id, "--yes", NULL };
	struct mg_str out;
	long got = 0;

	(void)snprintf(id, sizeof(id), "%ld", entry);
	if (kill_at != NULL) {
		assert_int_equal(mg(in, kill_at, args, &out), -1);
		mg_str_free(&out);
	}
	assert_int_equal(mg(in, NULL, args, &out), 0);
	(void)printf("      %.*s\n", (int)strcspn(strstr(out.data,
	    "restored"), "\n"), strstr(out.data, "restored"));
	got = restored(out.data);
	mg_str_free(&out);
	if (want >= 0)
		assert_int_equal(got, want);
	assert_int_equal(mg(in, NULL, args, &out), 0);
	assert_int_equal(restored(out.data), 0);
	mg_str_free(&out);
}

/* held - messages on hold (Postfix) or frozen (Exim) */
static size_t
held(const struct inst *in)
{
	const char *pq[] = { "postqueue", "-c", in->conf, "-j", NULL };
	const char *bp[] = { exim_bin, "-C", in->conf, "-bp", NULL };
	struct mg_str out;
	const char *p;
	size_t n = 0;

	run_ok(in->exim ? bp : pq, &out);
	for (p = out.data; (p = strstr(p, in->exim ? "*** frozen ***" :
	    "\"queue_name\": \"hold\"")) != NULL; p++)
		n++;
	mg_str_free(&out);
	return (n);
}

/* ex_quarantined_ids - the IDs with an -H in quarantine entry ENTRY,
 * sorted (at most max) */
static size_t
ex_quarantined_ids(const struct inst *in, long entry, char ids[][64],
    size_t max)
{
	char dir[4200];
	struct dirent *de;
	size_t n = 0, len;
	DIR *d;

	(void)snprintf(dir, sizeof(dir), "%s/quarantine/%ld", in->st, entry);
	assert_non_null(d = opendir(dir));
	while (n < max && (de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len > 2 && len < 64 && strcmp(de->d_name + len - 2,
		    "-H") == 0)
			(void)snprintf(ids[n++], 64, "%.*s", (int)len - 2,
			    de->d_name);
	}
	(void)closedir(d);
	qsort(ids, n, sizeof(ids[0]), (int (*)(const void *,
	    const void *))strcmp);
	return (n);
}

/* drop_held - remove k messages with the MTA's tool, as a purge's delete
 * step would have when it was killed midway: Postfix, on hold; Exim,
 * quarantined whole in entry (the purge copies under Exim's lock, no
 * freeze) - for Exim that is mail delivered since, unless the purge log
 * says the purge gave it to exim -Mrm */
static void
drop_held(const struct inst *in, long entry, size_t k)
{
	const char *pq[] = { "postqueue", "-c", in->conf, "-j", NULL };
	const char *pd[] = { "postsuper", "-c", in->conf, "-d", NULL, "hold",
	    NULL };
	const char *rm[] = { exim_bin, "-C", in->conf, "-Mrm", NULL, NULL };
	char id[64], qids[SIGS_MAX][64];
	struct mg_str out;
	const char *cur, *line, *p;
	size_t len, n = 0, nq;

	if (in->exim) {
		nq = ex_quarantined_ids(in, entry, qids, SIGS_MAX);
		for (n = 0; n < k && n < nq; n++) {
			rm[4] = qids[n];
			run_ok(rm, NULL);
		}
		assert_int_equal(n, k);
		return;
	}
	run_ok(pq, &out);
	for (cur = mg_str_cstr(&out); n < k && mg_line_next(&cur, &line,
	    &len);) {
		if (memmem(line, len, "\"queue_name\": \"hold\"", 20) ==
		    NULL || (p = memmem(line, len, "\"queue_id\": \"", 13)) ==
		    NULL)
			continue;
		p += 13;
		(void)snprintf(id, sizeof(id), "%.*s", (int)strcspn(p, "\""),
		    p);
		pd[4] = id;
		run_ok(pd, NULL);
		n++;
	}
	mg_str_free(&out);
	assert_int_equal(n, k);
}

/*
 * cycles - what every MTA must pass, on a queue whose signatures are
 * before (ROOT_N of root's, HELD_N of them held): purge and rollback;
 * purge, restore by selector, rollback the rest; purges killed at each
 * step (nothing lost meanwhile) and rolled back; rollbacks killed and
 * run again.  The queue equals before after each.
 */
static void
cycles(const struct inst *in, const struct sigs *before, size_t other)
{
	static const char *const purge_steps[] = { "purge-held",
	    "purge-copying", "purge-copied-5", "purge-copied", "purge-rm",
	    "purge-deleted", NULL };
	static const char *const restore_steps[] = { "restore-placed-5",
	    "restore-placed", "restore-released", NULL };
	const char *purge[] = { "purge", "--sasl", "root", "--yes", NULL };
	const char *hold[] = { "hold", "--sasl", "root", "--yes", NULL };
	const char *journal[] = { "journal", "--json", NULL };
	char filter[256];
	const char *purge_all[] = { "purge", "--client", "0.0.0.0/0", "--yes",
	    NULL };
	char id[32];
	const char *part[] = { "restore", id, "--sasl", "root", "--yes",
	    NULL };
	struct sigs now = { .n = 0 }, quar = { .n = 0 };
	struct mg_str out;
	long entry;
	size_t i, k;

	/* purge: root's mail is in the quarantine, not in the queue */
	assert_int_equal(mg(in, NULL, purge, &out), 0);
	mg_str_free(&out);
	entry = last_entry(in);
	snap_queue(in, &now);
	snap_quarantine(in, entry, &quar);
	(void)printf("    purge --sasl root: %zu queued, %zu quarantined\n",
	    now.n, quar.n);
	assert_int_equal(now.n, other);
	assert_int_equal(quar.n, ROOT_N);
	for (i = 0; i < quar.n; i++)
		assert_true(sigs_has(before, quar.s[i]) &&
		    !sigs_has(&now, quar.s[i]));
	sigs_free(&now);
	sigs_free(&quar);
	rollback(in, entry, ROOT_N, NULL);
	snap_queue(in, &now);
	sigs_equal(&now, before);
	sigs_free(&now);
	assert_int_equal(held(in), HELD_N);
	assert_int_equal(mg(in, NULL, journal, &out), 0);
	(void)snprintf(filter, sizeof(filter), ".entries[] | select(.id == "
	    "%ld) | .state == \"restored (%d of %d)\"", entry, ROOT_N,
	    ROOT_N);
	assert_int_equal(lab_jq(out.data, filter, NULL), 0);
	mg_str_free(&out);

	/* everything purged; root's restored by selector, then the rest */
	assert_int_equal(mg(in, NULL, purge_all, &out), 0);
	mg_str_free(&out);
	entry = last_entry(in);
	(void)snprintf(id, sizeof(id), "%ld", entry);
	assert_int_equal(mg(in, NULL, part, &out), 0);
	assert_int_equal(restored(out.data), ROOT_N);
	mg_str_free(&out);
	snap_queue(in, &now);
	assert_int_equal(now.n, ROOT_N);
	sigs_free(&now);
	rollback(in, entry, (long)other, NULL);
	snap_queue(in, &now);
	sigs_equal(&now, before);
	sigs_free(&now);

	/* a hold rolled back: released, what was held before stays */
	assert_int_equal(mg(in, NULL, hold, &out), 0);
	mg_str_free(&out);
	assert_int_equal(held(in), ROOT_N);
	rollback(in, last_entry(in), ROOT_N - HELD_N, NULL);
	assert_int_equal(held(in), HELD_N);
	snap_queue(in, &now);
	sigs_equal(&now, before);
	sigs_free(&now);

	/* killed purges: queue and quarantine together hold everything */
	for (k = 0; purge_steps[k] != NULL; k++) {
		/* Exim only: killed after exim -Mrm returned, before the
		 * purge log says what it removed */
		if (!in->exim && strcmp(purge_steps[k], "purge-rm") == 0)
			continue;
		assert_int_equal(mg(in, purge_steps[k], purge, &out), -1);
		mg_str_free(&out);
		entry = last_entry(in);
		/* Postfix: killed before its delete finished, part deleted.
		 * Not Exim: an exim -Mrm the purge log does not record is
		 * not the purge's - the mail was delivered, and is not put
		 * back (test_lab_exim_purge); its kill during exim -Mrm is
		 * purge-rm */
		if (!in->exim && strcmp(purge_steps[k], "purge-copied") == 0)
			drop_held(in, entry, 5);
		snap_queue(in, &now);
		snap_quarantine(in, entry, &quar);
		(void)printf("    purge killed at %s: %zu queued, %zu "
		    "quarantined\n", purge_steps[k], now.n, quar.n);
		for (i = 0; i < before->n; i++)
			assert_true(sigs_has(&now, before->s[i]) ||
			    sigs_has(&quar, before->s[i]));
		sigs_free(&now);
		sigs_free(&quar);
		rollback(in, entry, -1, NULL);
		snap_queue(in, &now);
		sigs_equal(&now, before);
		sigs_free(&now);
		assert_int_equal(held(in), HELD_N);
	}

	/* killed rollbacks: run again, everything back once */
	for (k = 0; restore_steps[k] != NULL; k++) {
		assert_int_equal(mg(in, NULL, purge, &out), 0);
		mg_str_free(&out);
		(void)printf("    rollback killed at %s\n", restore_steps[k]);
		rollback(in, last_entry(in), -1, restore_steps[k]);
		snap_queue(in, &now);
		sigs_equal(&now, before);
		sigs_free(&now);
		assert_int_equal(held(in), HELD_N);
	}
}

/*
 * pf_interrupted - Postfix: a rollback whose scan of hold/ fails after
 * postsuper -s is an error, not "restored" (the messages sit in hold/
 * until run again); a rollback killed after linking 5 copies into hold/,
 * then postsuper -s hold renaming them, puts none back twice (found by
 * the inodes journaled before the link)
 */
static void
pf_interrupted(const struct inst *in, const struct sigs *before)
{
	const char *purge[] = { "purge", "--sasl", "root", "--yes", NULL };
	const char *ps[] = { "postsuper", "-c", in->conf, "-s", "hold",
	    NULL };
	char id[32];
	const char *args[] = { "rollback", id, "--yes", NULL };
	struct sigs now = { .n = 0 };
	struct mg_str out;

	assert_int_equal(mg(in, NULL, purge, &out), 0);
	mg_str_free(&out);
	(void)snprintf(id, sizeof(id), "%ld", last_entry(in));
	assert_int_not_equal(mg_env(in, "MAILGUARD_TEST_FAIL_AT="
	    "restore-rescan", args, &out), 0);
	assert_null(strstr(out.data, "restored 12 of"));
	mg_str_free(&out);
	rollback(in, strtol(id, NULL, 10), ROOT_N, NULL);
	snap_queue(in, &now);
	sigs_equal(&now, before);
	sigs_free(&now);
	assert_int_equal(held(in), HELD_N);
	(void)printf("    hold/ unreadable after postsuper -s: refused, "
	    "then all back\n");

	assert_int_equal(mg(in, NULL, purge, &out), 0);
	mg_str_free(&out);
	(void)snprintf(id, sizeof(id), "%ld", last_entry(in));
	assert_int_equal(mg(in, "restore-placed-5", args, &out), -1);
	mg_str_free(&out);
	run_ok(ps, NULL);
	rollback(in, strtol(id, NULL, 10), -1, NULL);
	snap_queue(in, &now);
	sigs_equal(&now, before);
	sigs_free(&now);
	assert_int_equal(held(in), HELD_N);
	(void)printf("    killed after 5 links, postsuper -s: none twice\n");
}

/* pf_held_ids - the IDs postqueue -j lists on hold */
static size_t
pf_held_ids(const struct inst *in, char ids[][64], size_t max)
{
	const char *pq[] = { "postqueue", "-c", in->conf, "-j", NULL };
	struct mg_str out;
	const char *cur, *line, *p;
	size_t len, n = 0;

	run_ok(pq, &out);
	for (cur = mg_str_cstr(&out); n < max && mg_line_next(&cur, &line,
	    &len);) {
		if (memmem(line, len, "\"queue_name\": \"hold\"", 20) ==
		    NULL || (p = memmem(line, len, "\"queue_id\": \"", 13)) ==
		    NULL)
			continue;
		p += 13;
		(void)snprintf(ids[n++], 64, "%.*s", (int)strcspn(p, "\""), p);
	}
	mg_str_free(&out);
	return (n);
}

/*
 * pf_hold_interrupted - Postfix, a hold rolled back: postsuper -H failing
 * counts none as restored (and the next run releases them); a rollback
 * killed before the release, then the inode it journaled found under
 * another name in hold/ (another message, as an inode reused would be):
 * that one is not released
 */
static void
pf_hold_interrupted(const struct inst *in, const struct sigs *before)
{
	const char *hold[] = { "hold", "--sasl", "root", "--yes", NULL };
	const char *qd[] = { "postconf", "-c", in->conf, "-h",
	    "queue_directory", NULL };
	char pre[SIGS_MAX][64], ids[SIGS_MAX][64], from[4200], to[4300];
	char id[32];
	const char *args[] = { "rollback", id, "--yes", NULL };
	const char *rel[] = { "postsuper", "-c", in->conf, "-H", NULL, NULL };
	const char *journal[] = { "journal", "--json", NULL };
	char filter[256], *p;
	struct sigs now = { .n = 0 };
	struct mg_str out, qdir;
	size_t npre, n, i, k;

	assert_int_equal(mg(in, NULL, hold, &out), 0);
	mg_str_free(&out);
	(void)snprintf(id, sizeof(id), "%ld", last_entry(in));
	assert_int_not_equal(mg_env(in, "MAILGUARD_TEST_FAIL_AT="
	    "restore-release", args, &out), 0);
	assert_int_equal(restored(out.data), 0);
	mg_str_free(&out);
	assert_int_equal(held(in), ROOT_N);
	/* the failed rollback leaves the entry unfinished, not restored:
	 * journal says so (stderr, after the JSON) and its state shows it */
	assert_int_equal(mg(in, NULL, journal, &out), 0);
	assert_non_null(strstr(out.data, "putting its mail back was "
	    "interrupted"));
	p = strstr(out.data, "mailguard-tui: journal entry");
	assert_non_null(p);
	*p = '\0';
	(void)snprintf(filter, sizeof(filter), ".entries[] | select(.id == "
	    "%s) | .state == \"rolling-back\"", id);
	assert_int_equal(lab_jq(out.data, filter, NULL), 0);
	mg_str_free(&out);
	rollback(in, strtol(id, NULL, 10), ROOT_N - HELD_N, NULL);
	assert_int_equal(held(in), HELD_N);
	(void)printf("    postsuper -H failed: none counted, then all "
	    "released\n");

	npre = pf_held_ids(in, pre, SIGS_MAX);
	assert_int_equal(mg(in, NULL, hold, &out), 0);
	mg_str_free(&out);
	(void)snprintf(id, sizeof(id), "%ld", last_entry(in));
	assert_int_equal(mg(in, "restore-placed", args, &out), -1);
	mg_str_free(&out);
	/* one the entry held, under another name */
	n = pf_held_ids(in, ids, SIGS_MAX);
	for (i = 0; i < n; i++) {
		for (k = 0; k < npre && strcmp(pre[k], ids[i]) != 0; k++)
			;
		if (k == npre)
			break;
	}
	assert_true(i < n);
	run_ok(qd, &qdir);
	(void)snprintf(from, sizeof(from), "%.*s/hold/%s",
	    (int)strcspn(qdir.data, "\n"), qdir.data, ids[i]);
	mg_str_free(&qdir);
	(void)snprintf(to, sizeof(to), "%sZ", from);
	assert_int_equal(rename(from, to), 0);
	assert_int_equal(mg(in, NULL, args, &out), 0);
	mg_str_free(&out);
	assert_int_equal(held(in), HELD_N + 1);
	assert_int_equal(rename(to, from), 0);
	rel[4] = ids[i];
	run_ok(rel, NULL);
	assert_int_equal(held(in), HELD_N);
	snap_queue(in, &now);
	sigs_equal(&now, before);
	sigs_free(&now);
	(void)printf("    its inode under another name in hold/: not "
	    "released\n");
}

/* wait_queue - until the queue holds want messages (30 s at most) */
static size_t
wait_queue(const struct inst *in, size_t want)
{
	char ids[SIGS_MAX][64];
	size_t n = 0, i;

	for (i = 0; i < 300; i++) {
		if ((n = queue_ids(in, ids, SIGS_MAX)) == want)
			break;
		(void)usleep(100000);
	}
	return (n);
}

/* deliver - a sink on the relay's address; flush; everything but the
 * held mail is delivered, root's among it */
static void
deliver(const struct inst *in, const char *addr, size_t total)
{
	char port[32], log[4200], path[4200];
	const char *flush_pf[] = { "postqueue", "-c", in->conf, "-f", NULL };
	const char *flush_ex[] = { exim_bin, "-C", in->conf, "-qf", NULL };
	struct mg_str text = MG_STR_INIT;
	struct mg_err err;
	size_t root, all;
	int pid;

	(void)snprintf(path, sizeof(path), "%s/closed_port", in->dir);
	assert_int_equal(mg_file_read(path, 64, &text, NULL, &err), 0);
	(void)snprintf(port, sizeof(port), "%.*s", (int)strcspn(text.data,
	    "\n"), text.data);
	mg_str_free(&text);
	(void)snprintf(log, sizeof(log), "%s/sink.log", in->dir);
	pid = lab_sink_start(addr, port, log);
	assert_true(pid > 0);
	run_ok(in->exim ? flush_ex : flush_pf, NULL);
	(void)wait_queue(in, HELD_N);
	lab_sink_stop(pid);
	root = lab_sink_count(log, in->exim ? "from=<root@mail.example.com>" :
	    "from=<root@example.com>");
	all = lab_sink_count(log, "");
	(void)printf("    relay reachable: %zu delivered, %zu of them root's; "
	    "%zu still held\n", all, root, held(in));
	assert_int_equal(root, ROOT_N - HELD_N);
	assert_int_equal(all, total - HELD_N);
	assert_int_equal(held(in), HELD_N);
}

/* test_postfix_purge_rollback - incident 3's queue on real Postfix */
static void
test_postfix_purge_rollback(void **state)
{
	struct inst in = { .exim = 0 };
	const char *dir = lab_dir(PFLAB, "sasl-root");
	const char *setup[] = { "setup", "sasl-root", dir, NULL };
	const char *start[] = { "start", dir, NULL };
	const char *fill[] = { "fill-incident3", dir, "12", NULL };
	const char *flush[] = { "flush-wait", dir, NULL };
	char ids[SIGS_MAX][64];
	const char *pc[] = { "postcat", "-c", in.conf, "-q", NULL, NULL };
	const char *ph[] = { "postsuper", "-c", in.conf, "-h", NULL, NULL };
	struct sigs before = { .n = 0 };
	struct mg_str out;
	size_t n, i, h = 0;

	(void)state;
	(void)snprintf(in.dir, sizeof(in.dir), "%s", dir);
	(void)snprintf(in.conf, sizeof(in.conf), "%s/etc", dir);
	(void)snprintf(in.st, sizeof(in.st), "%s/state", dir);
	assert_int_equal(lab_script(PFLAB, setup), 0);
	assert_int_equal(lab_script(PFLAB, start), 0);
	assert_int_equal(lab_script(PFLAB, fill), 0);
	assert_int_equal(lab_script(PFLAB, flush), 0);
	/* two of root's on hold before any purge */
	n = queue_ids(&in, ids, SIGS_MAX);
	for (i = 0; i < n && h < HELD_N; i++) {
		pc[4] = ph[4] = ids[i];
		run_ok(pc, &out);
		if (strstr(out.data, "sasl_username=root\n") != NULL) {
			run_ok(ph, NULL);
			h++;
		}
		mg_str_free(&out);
	}
	snap_queue(&in, &before);
	(void)printf("    postcat: %zu queued, %zu held\n", before.n,
	    held(&in));
	assert_int_equal(before.n, ROOT_N + 20);
	assert_int_equal(held(&in), HELD_N);
	cycles(&in, &before, 20);
	pf_interrupted(&in, &before);
	pf_hold_interrupted(&in, &before);
	deliver(&in, "127.0.0.1", ROOT_N + 20);
	sigs_free(&before);
}

/* test_exim_purge_rollback - a stolen login's mail on real Exim */
static void
test_exim_purge_rollback(void **state)
{
	struct inst in = { .exim = 1 };
	const char *dir = lab_dir(EXLAB, "incident1-template");
	const char *setup[] = { "setup", "incident1-template", dir, NULL };
	const char *root[] = { "fill", dir, "10", "--auth-id", "root",
	    "--host-address", "93.122.252.5", "--sender",
	    "root@mail.example.com", NULL };
	const char *frozen[] = { "fill", dir, "2", "--auth-id", "root",
	    "--host-address", "93.122.252.5", "--sender",
	    "root@mail.example.com", "--freeze", NULL };
	const char *alice[] = { "fill", dir, "6", "--auth-id", "alice",
	    "--host-address", "192.0.2.10", "--sender", "alice@example.com",
	    "--rcpt", "orders@example.org", "--rcpt", "info@example.net",
	    NULL };
	struct sigs before = { .n = 0 };

	(void)state;
	(void)snprintf(in.dir, sizeof(in.dir), "%s", dir);
	(void)snprintf(in.conf, sizeof(in.conf), "%s/exim4.conf", dir);
	(void)snprintf(in.st, sizeof(in.st), "%s/state", dir);
	(void)snprintf(in.spool, sizeof(in.spool), "%s/spool", dir);
	assert_int_equal(lab_script(EXLAB, setup), 0);
	assert_int_equal(lab_script(EXLAB, root), 0);
	assert_int_equal(lab_script(EXLAB, frozen), 0);
	assert_int_equal(lab_script(EXLAB, alice), 0);
	snap_queue(&in, &before);
	(void)printf("    exim -Mvh: %zu queued, %zu frozen\n", before.n,
	    held(&in));
	assert_int_equal(before.n, ROOT_N + OTHER_N);
	assert_int_equal(held(&in), HELD_N);
	cycles(&in, &before, OTHER_N);
	deliver(&in, "127.0.0.2", ROOT_N + OTHER_N);
	sigs_free(&before);
}

/* count_dir - entries of dir (but . and ..) */
static size_t
count_dir(const char *dir)
{
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") !=
		    0;
	(void)closedir(d);
	return (n);
}

/*
 * as_frozen - the quarantine -H copies of entry made frozen ("-frozen
 * TIME" after the fourth line, where Exim writes it), as a purge that
 * froze before copying left them (purges did until they copied under
 * the spool lock instead): their rollback thaws them
 */
static void
as_frozen(const struct inst *in, long entry)
{
	char dir[4200], path[4500], tmp[4600];
	struct mg_str buf = MG_STR_INIT, out;
	struct mg_err err;
	struct dirent *de;
	const char *p;
	size_t n;
	int i;
	FILE *f;
	DIR *d;

	(void)snprintf(dir, sizeof(dir), "%s/quarantine/%ld", in->st, entry);
	assert_non_null(d = opendir(dir));
	for (n = 0; (de = readdir(d)) != NULL;) {
		if ((p = strstr(de->d_name, "-H")) == NULL || p[2] != '\0')
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_int_equal(mg_file_read(path, 1 << 20, &buf, NULL,
		    &err), 0);
		for (p = buf.data, i = 0; i < 4 && p != NULL; i++)
			if ((p = strchr(p, '\n')) != NULL)
				p++;
		assert_non_null(p);
		mg_str_init(&out);
		mg_str_append(&out, buf.data, (size_t)(p - buf.data));
		mg_str_puts(&out, "-frozen 1700000000\n");
		mg_str_puts(&out, p);
		(void)snprintf(tmp, sizeof(tmp), "%s.new", path);
		assert_non_null(f = fopen(tmp, "w"));
		assert_int_equal(fwrite(out.data, 1, out.len, f), out.len);
		assert_int_equal(fclose(f), 0);
		assert_int_equal(rename(tmp, path), 0);
		mg_str_free(&out);
		mg_str_free(&buf);
		n++;
	}
	(void)closedir(d);
	assert_true(n > 0);
}

/*
 * ex_split_attacks - Exim, split spool, queue before (none frozen):
 * input/X swapped for a symlink is refused (nothing written through it)
 * and a temp file left in input/X/ is removed; an -Mt that fails (the
 * -D locked) leaves that message "placed" for the next run; a rollback
 * killed after the thaw whose mail is then delivered (removed) puts
 * nothing back again
 */
static void
ex_split_attacks(const struct inst *in, const struct sigs *before)
{
	const char *purge[] = { "purge", "--sasl", "root", "--yes", NULL };
	char ids[SIGS_MAX][64], x[4200], away[4200], path[4500], id[32];
	const char *args[] = { "rollback", id, "--yes", NULL };
	const char *rm[] = { exim_bin, "-C", in->conf, "-Mrm", NULL, NULL };
	struct sigs now = { .n = 0 };
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	struct mg_str out;
	struct stat st;
	size_t n, i;
	int fd;

	n = queue_ids(in, ids, SIGS_MAX);
	assert_int_equal(n, before->n);
	(void)snprintf(x, sizeof(x), "%s/input/%c", in->spool, ids[0][5]);
	(void)snprintf(away, sizeof(away), "%s/away", in->dir);
	assert_int_equal(mkdir(away, 0755), 0);

	/* input/X a symlink: refused, nothing written through it */
	assert_int_equal(mg(in, NULL, purge, &out), 0);
	mg_str_free(&out);
	(void)snprintf(id, sizeof(id), "%ld", last_entry(in));
	assert_int_equal(rmdir(x), 0);
	assert_int_equal(symlink(away, x), 0);
	assert_int_not_equal(mg(in, NULL, args, &out), 0);
	mg_str_free(&out);
	assert_int_equal(count_dir(away), 0);
	/* a temp file of an interrupted run in input/X/: removed */
	assert_int_equal(unlink(x), 0);
	assert_int_equal(mkdir(x, 0750), 0);
	(void)snprintf(path, sizeof(path), "%s/input", in->spool);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(chown(x, st.st_uid, st.st_gid), 0);
	(void)snprintf(path, sizeof(path), "%s/.mailguard.AbCd12", x);
	assert_true((fd = open(path, O_WRONLY | O_CREAT, 0600)) >= 0);
	(void)close(fd);
	rollback(in, strtol(id, NULL, 10), -1, NULL);
	assert_int_equal(access(path, F_OK), -1);
	snap_queue(in, &now);
	sigs_equal(&now, before);
	sigs_free(&now);
	(void)printf("    input/X a symlink: refused; temp in input/X/ "
	    "removed\n");

	/* exim -Mt fails for a locked -D: that one stays to be thawed */
	assert_int_equal(mg(in, NULL, purge, &out), 0);
	mg_str_free(&out);
	(void)snprintf(id, sizeof(id), "%ld", last_entry(in));
	as_frozen(in, last_entry(in));
	assert_int_equal(mg(in, "restore-placed", args, &out), -1);
	mg_str_free(&out);
	(void)snprintf(path, sizeof(path), "%s/%s-D", x, ids[0]);
	assert_true((fd = open(path, O_RDWR)) >= 0);
	assert_int_equal(fcntl(fd, F_SETLK, &lk), 0);
	assert_int_not_equal(mg(in, NULL, args, &out), 0);
	assert_int_equal(restored(out.data), (long)n - 1);
	mg_str_free(&out);
	assert_int_equal(held(in), 1);
	(void)close(fd);
	assert_int_equal(mg(in, NULL, args, &out), 0);
	assert_int_equal(restored(out.data), 1);
	mg_str_free(&out);
	assert_int_equal(held(in), 0);
	snap_queue(in, &now);
	sigs_equal(&now, before);
	sigs_free(&now);
	(void)printf("    exim -Mt failed for one: thawed by the next run\n");

	/* killed after the thaw, then delivered: never put back again */
	assert_int_equal(mg(in, NULL, purge, &out), 0);
	mg_str_free(&out);
	(void)snprintf(id, sizeof(id), "%ld", last_entry(in));
	assert_int_equal(mg(in, "restore-released", args, &out), -1);
	mg_str_free(&out);
	for (i = 0; i < n; i++) {
		rm[4] = ids[i];
		run_ok(rm, NULL);
	}
	assert_int_equal(mg(in, NULL, args, &out), 0);
	assert_int_equal(restored(out.data), 0);
	mg_str_free(&out);
	assert_int_equal(queue_ids(in, ids, SIGS_MAX), 0);
	(void)printf("    killed after the thaw, then delivered: none "
	    "twice\n");
}

/* test_exim_split_spool - with split_spool_directory the copies go back
 * into input/X/, where Exim looks for them */
static void
test_exim_split_spool(void **state)
{
	struct inst in = { .exim = 1 };
	const char *dir = lab_dir(EXLAB, "incident1-template");
	const char *setup[] = { "setup", "incident1-template", dir, NULL };
	const char *root[] = { "fill", dir, "4", "--auth-id", "root",
	    "--host-address", "93.122.252.5", "--sender",
	    "root@mail.example.com", NULL };
	const char *purge[] = { "purge", "--sasl", "root", "--yes", NULL };
	struct sigs before = { .n = 0 }, now = { .n = 0 };
	struct mg_str text = MG_STR_INIT, out;
	struct mg_err err;
	struct dirent *de;
	char path[4200];
	size_t top = 0;
	FILE *fp;
	DIR *d;

	(void)state;
	(void)snprintf(in.dir, sizeof(in.dir), "%s", dir);
	(void)snprintf(in.conf, sizeof(in.conf), "%s/exim4.conf", dir);
	(void)snprintf(in.st, sizeof(in.st), "%s/state", dir);
	(void)snprintf(in.spool, sizeof(in.spool), "%s/spool", dir);
	assert_int_equal(lab_script(EXLAB, setup), 0);
	/* a main option: before the first "begin" */
	assert_int_equal(mg_file_read(in.conf, MG_FILE_MAX, &text, NULL,
	    &err), 0);
	assert_non_null(fp = fopen(in.conf, "w"));
	(void)fprintf(fp, "split_spool_directory = true\n%s", text.data);
	assert_int_equal(fclose(fp), 0);
	mg_str_free(&text);
	assert_int_equal(lab_script(EXLAB, root), 0);
	snap_queue(&in, &before);
	assert_int_equal(before.n, 4);
	assert_int_equal(mg(&in, NULL, purge, &out), 0);
	mg_str_free(&out);
	snap_queue(&in, &now);
	assert_int_equal(now.n, 0);
	rollback(&in, last_entry(&in), 4, NULL);
	snap_queue(&in, &now);
	sigs_equal(&now, &before);
	/* none of them at the top of input/ */
	(void)snprintf(path, sizeof(path), "%s/input", in.spool);
	assert_non_null(d = opendir(path));
	while ((de = readdir(d)) != NULL)
		top += strstr(de->d_name, "-H") != NULL;
	(void)closedir(d);
	assert_int_equal(top, 0);
	(void)printf("    split_spool_directory: %zu back in input/X/\n",
	    now.n);
	sigs_free(&now);
	ex_split_attacks(&in, &before);
	sigs_free(&before);
}

/* setup - private root, the lab's exim */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-restore");
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

int
main(void)
{
	const char *only = getenv("MG_LAB_ONLY");

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_postfix_purge_rollback),
		cmocka_unit_test(test_exim_purge_rollback),
		cmocka_unit_test(test_exim_split_spool),
	};

	if (only != NULL)
		cmocka_set_test_filter(only);	/* one test while working */
	return (cmocka_run_group_tests_name("lab_restore", tests, setup,
	    lab_teardown));
}
