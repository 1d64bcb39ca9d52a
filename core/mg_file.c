/* mg_file.c - read a regular file, at most max bytes; no FIFOs or devices. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mg_file.h"

/*
 * mg_file_read - append up to max bytes of path to out; *truncated says
 * whether more was there.  Opens non-blocking so a planted FIFO cannot hang
 * us, and refuses anything that is not a regular file.
 */
int
mg_file_read(const char *path, size_t max, struct mg_str *out,
    int *truncated, struct mg_err *err)
{
	char buf[65536];
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd;

	if (truncated != NULL)
		*truncated = 0;
	if (out->data == NULL)
		mg_str_init(out);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return (mg_err_errno(err, "cannot read %s", path));
	if (fstat(fd, &st) < 0) {
		mg_err_errno(err, "cannot read %s", path);
		(void)close(fd);
		return (-1);
	}
	if (!S_ISREG(st.st_mode)) {
		(void)close(fd);
		return (mg_err_set(err, "cannot read %s: not a regular file",
		    path));
	}
	for (;;) {
		size_t want = sizeof(buf);

		if (got >= max) {
			if (truncated != NULL)
				*truncated = read(fd, buf, 1) > 0;
			break;
		}
		if (want > max - got)
			want = max - got;
		n = read(fd, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			mg_err_errno(err, "cannot read %s", path);
			(void)close(fd);
			return (-1);
		}
		if (n == 0)
			break;
		mg_str_append(out, buf, (size_t)n);
		got += (size_t)n;
	}
	(void)close(fd);
	return (0);
}

/* mg_write_all - every byte to fd, retrying short writes; 0 or -1 */
int
mg_write_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return (-1);
		data += n;
		len -= (size_t)n;
	}
	return (0);
}
