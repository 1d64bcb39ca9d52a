/* fuzz_smtp.c - untrusted server bytes through the SMTP reply reader
 * (mg_smtp_read): the bytes sit in the session's buffer as if received,
 * the handle is a libcurl easy handle that was never connected, so the
 * reader sees "read error" where the bytes end.  Each reply read must
 * carry a 2xx-5xx code, at most MG_SMTP_LINES_MAX lines and a terminated
 * text; the transcript holds no control byte but its newlines. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "../../core/mg_smtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* LLVMFuzzerTestOneInput - read replies until the bytes run out */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static CURL *idle;
	struct mg_smtp s;
	struct mg_smtp_reply r;
	struct mg_err err;
	size_t i, replies = 0;

	if (idle == NULL && (idle = curl_easy_init()) == NULL)
		abort();
	memset(&s, 0, sizeof(s));
	s.curl = idle;
	s.sock = -1;
	s.timeout_ms = 1000;
	if (size > sizeof(s.buf))
		size = sizeof(s.buf);
	memcpy(s.buf, data, size);
	s.end = size;
	while (mg_smtp_read(&s, &r, &err) == 0) {
		if (r.code < 200 || r.code > 599 || r.lines < 1 ||
		    r.lines > MG_SMTP_LINES_MAX ||
		    memchr(r.text, '\0', sizeof(r.text)) == NULL)
			abort();
		(void)mg_smtp_has(&r, "STARTTLS");
		(void)mg_smtp_has(&r, "XCLIENT");
		if (++replies > size)
			abort();	/* a reply consumes bytes */
	}
	if (err.msg[0] == '\0' || s.start > s.end || s.end > sizeof(s.buf))
		abort();
	for (i = 0; i < s.transcript.len; i++)
		if (((unsigned char)s.transcript.data[i] < 0x20 &&
		    s.transcript.data[i] != '\n') ||
		    s.transcript.data[i] == 0x7f)
			abort();
	mg_str_free(&s.transcript);
	return (0);
}
