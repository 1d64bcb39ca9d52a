/* fuzz_text.c - untrusted bytes through mg_sanitize, the JSON writer, the
 * network parser, and resolv.conf / a local resolver's configuration
 * (unbound, dnsmasq, bind9): output printable, JSON-escaped, no
 * overread, at most MG_RESOLV_MAX nameservers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../core/mg_json.h"
#include "../../core/mg_net.h"
#include "../../core/mg_resolv.h"
#include "../../core/mg_sanitize.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* LLVMFuzzerTestOneInput - sanitize, encode, parse */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_str out = MG_STR_INIT, js = MG_STR_INIT;
	struct mg_json j;
	struct mg_net net;
	struct mg_net_span span;
	struct mg_resolv rv, *fw;
	struct mg_lr_file lr[2];
	char buf[128], *s;
	size_t i;

	mg_sanitize(&out, (const char *)data, size);
	for (i = 0; i < out.len; i++)
		if ((unsigned char)out.data[i] < 0x20 ||
		    (unsigned char)out.data[i] == 0x7f)
			abort();
	mg_json_init(&j, &js, 0);
	mg_json_array(&j);
	mg_json_stringn(&j, (const char *)data, size);
	mg_json_end(&j);
	s = mg_xstrndup((const char *)data, size);
	if (mg_net_parse(s, &net, NULL) == 0) {
		mg_net_span(&net, &span);
		if (span.public > span.total)
			abort();
		mg_net_format(&net, 1, buf, sizeof(buf));
	}
	(void)mg_resolv_parse(&rv, "fuzz", s);
	if (rv.nns > MG_RESOLV_MAX)
		abort();
	mg_resolv_free(&rv);
	if (mg_resolv_forwarders(&rv, "fuzz", s) > MG_RESOLV_MAX)
		abort();
	mg_resolv_free(&rv);
	(void)mg_resolv_recurses(s);
	lr[0] = (struct mg_lr_file){ "unbound", "fuzz", s };
	lr[1] = (struct mg_lr_file){ "bind9", "fuzz", s };
	mg_str_reset(&js);
	if (mg_resolv_judge(lr, 2, &fw, &js) == MG_LR_FORWARDS &&
	    (fw == NULL || fw->nns == 0 || fw->nns > MG_RESOLV_MAX))
		abort();
	mg_resolv_free(fw);
	free(fw);
	free(s);
	mg_str_free(&out);
	mg_str_free(&js);
	return (0);
}
