/* fuzz_exim_queue.c - bytes as an Exim -H spool file through the spool
 * reader (named after its own first line when that looks like one, so
 * the fuzzer gets past the name check), then every grouping: no crash,
 * no overread, no leak.  Seeds: tests/unit/data/exim_queue. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../backends/exim/exim_queue.h"
#include "../../core/mg_queue.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* LLVMFuzzerTestOneInput - one -H file, grouped every way */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_qgrouping g;
	struct mg_queue q;
	struct mg_err err;
	char name[64] = "1xVQOt-0002YG-2u-H";
	const uint8_t *nl;
	size_t n;
	int by;

	nl = memchr(data, '\n', size < sizeof(name) ? size : sizeof(name));
	n = nl != NULL ? (size_t)(nl - data) : 0;
	if (n > 2 && memchr(data, '\0', n) == NULL && data[n - 2] == '-' &&
	    data[n - 1] == 'H')
		(void)snprintf(name, sizeof(name), "%.*s", (int)n,
		    (const char *)data);
	mg_queue_init(&q);
	(void)mg_exim_queue_parse((const char *)data, size, name, 120, &q,
	    &err);
	for (by = MG_QBY_SENDER; by <= MG_QBY_AGE; by++) {
		mg_queue_group(&q, (enum mg_queue_by)by, 1800000000, &g);
		mg_qgrouping_free(&g);
	}
	mg_queue_free(&q);
	return (0);
}
