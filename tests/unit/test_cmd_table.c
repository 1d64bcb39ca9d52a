/* test_cmd_table.c - the command table and what is made from it: every
 * command found by its name, its help within the columns, and --help
 * listing each command once, in table order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../cli/cmd.h"
#include "mg_test.h"

/* help - mg_cmd_help's output into *buf (caller frees) */
static void
help(char **buf)
{
	size_t len;
	FILE *fp;

	*buf = NULL;
	assert_non_null(fp = open_memstream(buf, &len));
	mg_cmd_help(fp);
	(void)fclose(fp);
	assert_non_null(*buf);
}

/* widest - the longest line of text */
static size_t
widest(const char *text)
{
	size_t w = 0, n;

	while (text != NULL && *text != '\0') {
		n = strcspn(text, "\n");
		if (n > w)
			w = n;
		text += n + (text[n] == '\n');
	}
	return (w);
}

/* named - where name starts a synopsis line ("\n  NAME" or "|NAME",
 * then " " or "|") in text; NULL if nowhere */
static const char *
named(const char *text, const char *name)
{
	const char *p;
	size_t n = strlen(name);

	for (p = text; (p = strstr(p, name)) != NULL; p++)
		if ((p[-1] == '|' || (p[-1] == ' ' && p[-2] == ' ' &&
		    p[-3] == '\n')) && (p[n] == ' ' || p[n] == '|'))
			return (p);
	return (NULL);
}

/* test_find_each - each entry by its name, names unique; none else */
static void
test_find_each(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; mg_cmd_table[i] != NULL; i++) {
		assert_ptr_equal(mg_cmd_find(mg_cmd_table[i]->name),
		    mg_cmd_table[i]);
		assert_non_null(mg_cmd_table[i]->exec);
		assert_non_null(mg_cmd_table[i]->args);
		assert_true(widest(mg_cmd_table[i]->summary) <= 56);
		assert_null(strchr(mg_cmd_table[i]->summary, '\n'));
		assert_true(widest(mg_cmd_table[i]->options) <= 56);
		for (k = 0; k < i; k++)
			assert_string_not_equal(mg_cmd_table[k]->name,
			    mg_cmd_table[i]->name);
	}
	assert_int_equal(i, 11);
	assert_null(mg_cmd_find("pending"));
	assert_null(mg_cmd_find(""));
}

/* test_help_lists_each - every command named once at the start of a
 * line of the Commands section, in table order; shared blocks joined;
 * a long synopsis wrapped; no line past 76 columns */
static void
test_help_lists_each(void **state)
{
	const char *cmds, *p, *prev;
	char *h;
	size_t i, listed = 0;

	(void)state;
	help(&h);
	assert_true(widest(h) <= 76);
	assert_non_null(cmds = strstr(h, "\nCommands:\n"));
	assert_non_null(strstr(h, "\n  report [--format F] [--json] "
	    "[--output FILE] [--warn R] [--crit R]\n                   "
	    "findings, worst first\n"));
	assert_non_null(strstr(h, "\n  journal [--json] applied changes "
	    "and purges\n"));
	assert_non_null(strstr(h, "\n  hold|release|requeue SELECTOR... "
	    "[--dry-run] [--yes]\n                   the same selection"));
	assert_non_null(strstr(h, "[--export-diff FILE [--force]] [--yes]\n"
	    "                   [--force] [--value TEXT]\n"
	    "                   apply"));
	prev = cmds;
	for (i = 0; mg_cmd_table[i] != NULL; i++) {
		p = named(cmds, mg_cmd_table[i]->name);
		assert_non_null(p);
		assert_true(p > prev);
		assert_null(named(p + 1, mg_cmd_table[i]->name));
		prev = p;
		listed++;
	}
	assert_int_equal(listed, 11);
	assert_non_null(strstr(h, "\nExit status 64: bad command line"));
	/* the areas of the checks, each once, after the commands */
	assert_non_null(p = strstr(h, "\nChecks (report; "));
	assert_true(p > prev);
	assert_non_null(strstr(p, "\n  relay:   "));
	assert_non_null(strstr(p, "\n  aliases: "));
	assert_non_null(strstr(p, "\n  sasl:    "));
	assert_non_null(strstr(p, "\n  tls:     "));
	assert_non_null(strstr(p, "\n  smtpd:   "));
	assert_non_null(strstr(p, "\n  queue:   "));
	free(h);
}

/* usage_error_text - what mg_cmd_usage_error(cmd, "%s%s", what, arg)
 * writes
 * on stderr (caught in a temporary file); the caller frees */
static char *
usage_error_text(const char *cmd, const char *what, const char *arg)
{
	char tmpl[] = "/tmp/mg-test-usage.XXXXXX", *buf;
	int fd, saved;
	ssize_t n;

	assert_true((fd = mkstemp(tmpl)) >= 0);
	(void)unlink(tmpl);
	(void)fflush(stderr);
	assert_true((saved = dup(2)) >= 0);
	assert_true(dup2(fd, 2) == 2);
	assert_int_equal(mg_cmd_usage_error(cmd, "%s%s", what, arg),
	    MG_EXIT_USAGE);
	(void)fflush(stderr);
	assert_true(dup2(saved, 2) == 2);
	(void)close(saved);
	buf = calloc(1, 4096);
	assert_non_null(buf);
	assert_true(lseek(fd, 0, SEEK_SET) == 0);
	n = read(fd, buf, 4095);
	assert_true(n > 0);
	(void)close(fd);
	return (buf);
}

/* test_usage_error_sanitizes_arguments - an ESC, a C1 CSI or a bidi
 * override in an argument is shown escaped, never sent to the terminal;
 * the usage lines themselves stay as they are */
static void
test_usage_error_sanitizes_arguments(void **state)
{
	char *t;

	(void)state;
	t = usage_error_text(NULL, "unknown option ",
	    "--x\x1b]0;pwned\x07\x1b[2J\xc2\x9b" "31m\xe2\x80\xae");
	assert_null(strchr(t, '\x1b'));
	assert_null(strchr(t, '\x07'));
	assert_null(strstr(t, "\xc2\x9b"));
	assert_null(strstr(t, "\xe2\x80\xae"));
	assert_non_null(strstr(t, "mailguard-tui: unknown option --x\\x1b]0;"
	    "pwned\\x07\\x1b[2J"));
	assert_non_null(strstr(t, "\nTry 'mailguard-tui --help'.\n"));
	free(t);
	t = usage_error_text("queue", "--by takes sender, not ",
	    "a\x1b" "b");
	assert_null(strchr(t, '\x1b'));
	assert_non_null(strstr(t, "mailguard-tui: queue: --by takes sender, "
	    "not a\\x1bb\nusage: mailguard-tui queue [--by "));
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_each),
		cmocka_unit_test(test_help_lists_each),
		cmocka_unit_test(test_usage_error_sanitizes_arguments),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
