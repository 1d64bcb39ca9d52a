/* test_queue_arena.c - the queue's arena: strings packed one after the
 * other (a queue ID takes its length and a NUL, not a rounded block),
 * arrays of pointers aligned for a pointer, other blocks for any type,
 * blocks larger than a chunk, and no two blocks sharing a byte. */
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mg_queue.h"
#include "mg_test.h"

#define NIDS 10000		/* more than one chunk's worth */
#define IDLEN 16		/* an Exim 4.96 message ID */

/* test_ids_are_packed - NIDS IDs of IDLEN bytes take IDLEN + 1 each:
 * what a scan of 100k messages holds per message */
static void
test_ids_are_packed(void **state)
{
	struct mg_arena a = { 0 };
	char id[IDLEN + 1];
	char **kept;
	size_t i;

	(void)state;
	kept = calloc(NIDS, sizeof(*kept));
	assert_non_null(kept);
	for (i = 0; i < NIDS; i++) {
		(void)snprintf(id, sizeof(id), "1tXm%02zu-%06zu-AB", i % 100,
		    i);
		kept[i] = mg_arena_strndup(&a, id, IDLEN);
	}
	assert_int_equal(a.total, (size_t)NIDS * (IDLEN + 1));
	/* each still what was copied: none overwrote another */
	for (i = 0; i < NIDS; i++) {
		(void)snprintf(id, sizeof(id), "1tXm%02zu-%06zu-AB", i % 100,
		    i);
		assert_string_equal(kept[i], id);
	}
	free(kept);
	mg_arena_free(&a);
	assert_null(a.head);
	assert_int_equal(a.total, 0);
}

/* test_alignment - after strings of every odd length, an array of
 * pointers is aligned for a pointer and a block for any type */
static void
test_alignment(void **state)
{
	static const char text[] = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";
	struct mg_arena a = { 0 };
	const char **p;
	void *b;
	size_t n;

	(void)state;
	for (n = 0; n < 40; n++) {
		(void)mg_arena_strndup(&a, text, n);
		p = mg_arena_ptrs(&a, n + 1);
		assert_int_equal((uintptr_t)p % alignof(const char *), 0);
		p[n] = "x";
		(void)mg_arena_strndup(&a, "z", 1);
		b = mg_arena_alloc(&a, n + 1);
		assert_int_equal((uintptr_t)b % alignof(max_align_t), 0);
	}
	mg_arena_free(&a);
}

/* test_blocks_do_not_overlap - blocks of mixed kinds and sizes (some
 * larger than a chunk) each filled with their own byte: every one still
 * holds only its own afterwards */
static void
test_blocks_do_not_overlap(void **state)
{
	struct mg_arena a = { 0 };
	unsigned char *blk[300];
	size_t len[300], i, k;
	char s[64];

	(void)state;
	for (i = 0; i < MG_NELEM(blk); i++) {
		switch (i % 3) {
		case 0:
			len[i] = i % 37;
			memset(s, 'a', len[i]);
			blk[i] = (unsigned char *)mg_arena_strndup(&a, s,
			    len[i]);
			len[i]++;	/* the NUL is the block's too */
			break;
		case 1:
			len[i] = (i % 5 + 1) * sizeof(const char *);
			blk[i] = (unsigned char *)mg_arena_ptrs(&a, i % 5 + 1);
			break;
		default:
			/* every tenth larger than a chunk (64 KiB) */
			len[i] = i % 10 == 2 ? 100000 + i : i * 7 + 1;
			blk[i] = mg_arena_alloc(&a, len[i]);
			break;
		}
		memset(blk[i], (int)(i & 0xff), len[i]);
	}
	for (i = 0; i < MG_NELEM(blk); i++)
		for (k = 0; k < len[i]; k++)
			if (blk[i][k] != (unsigned char)(i & 0xff))
				fail_msg("block %zu byte %zu overwritten", i,
				    k);
	mg_arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_are_packed),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_blocks_do_not_overlap),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
