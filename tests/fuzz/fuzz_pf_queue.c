/* fuzz_pf_queue.c - bytes as a Postfix queue file through the record
 * parser, then every grouping: no crash, no overread, no leak. */
#include <stddef.h>
#include <stdint.h>

#include "../../backends/postfix/pf_queue.h"
#include "../../core/mg_queue.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* LLVMFuzzerTestOneInput - one queue file, grouped every way */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_qgrouping g;
	struct mg_queue q;
	struct mg_err err;
	int by;

	mg_queue_init(&q);
	(void)mg_pf_queue_parse(data, size, "4jXmVM2c5Fz1bY5v", "deferred",
	    &q, &err);
	for (by = MG_QBY_SENDER; by <= MG_QBY_AGE; by++) {
		mg_queue_group(&q, (enum mg_queue_by)by, 1800000000, &g);
		mg_qgrouping_free(&g);
	}
	mg_queue_free(&q);
	return (0);
}
