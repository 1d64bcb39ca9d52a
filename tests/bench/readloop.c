/*
 * readloop.c - make bench's floor for an Exim spool scan: every -H file
 * of SPOOL/input (and its one-character split directories) listed with
 * getdents64, then opened (relative to its directory), read once into a
 * buffer and closed by THREADS threads, nothing parsed.  No scan that
 * reads each -H can be cheaper; bench.sh times it beside ours and exim
 * -bp.  Prints "FILES files BYTES bytes".
 *
 * usage: readloop SPOOL [THREADS]
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define THREADS_MAX 16

/* One -H file: its directory's descriptor and its name. */
struct hname {
	int dfd;
	char *name;
};

static struct hname *names;
static size_t nnames, names_cap;
static size_t next_name;		/* atomic: the next to read */

/* linux_dirent64 as getdents64(2) gives it */
struct ldirent {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* list - the -H files of directory fd; its split directories too at
 * depth 0 */
static void
list(int fd, int depth)
{
	static char buf[1 << 16];
	struct ldirent *d;
	long n, off;
	size_t len;
	int sfd;

	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; off += d->d_reclen) {
			d = (struct ldirent *)(void *)(buf + off);
			len = strlen(d->d_name);
			if (d->d_name[0] == '.')
				continue;
			if (len == 1 && depth == 0 && d->d_type == DT_DIR) {
				sfd = openat(fd, d->d_name, O_RDONLY |
				    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				if (sfd >= 0)
					list(sfd, 1);
				continue;
			}
			if (len < 3 || strcmp(d->d_name + len - 2, "-H") != 0)
				continue;
			if (nnames == names_cap) {
				names_cap = names_cap == 0 ? 4096 :
				    names_cap * 2;
				names = realloc(names, names_cap *
				    sizeof(*names));
				if (names == NULL)
					exit(1);
			}
			names[nnames].dfd = fd;
			names[nnames++].name = strdup(d->d_name);
		}
	}
}

/* reader - open, read, close the next 256 names until none is left;
 * the bytes read */
static void *
reader(void *arg)
{
	static __thread char buf[16384];
	size_t i, end, *bytes = arg;
	ssize_t r;
	int fd;

	while ((i = __atomic_fetch_add(&next_name, 256, __ATOMIC_RELAXED)) <
	    nnames) {
		end = i + 256 < nnames ? i + 256 : nnames;
		for (; i < end; i++) {
			fd = openat(names[i].dfd, names[i].name, O_RDONLY |
			    O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0)
				continue;
			while ((r = read(fd, buf, sizeof(buf))) > 0)
				*bytes += (size_t)r;
			(void)close(fd);
		}
	}
	return (NULL);
}

int
main(int argc, char **argv)
{
	pthread_t tid[THREADS_MAX];
	size_t bytes[THREADS_MAX] = { 0 }, total = 0;
	char path[4096];
	long threads = argc > 2 ? strtol(argv[2], NULL, 10) : 2;
	int fd, i;

	if (argc < 2 || threads < 1 || threads > THREADS_MAX) {
		(void)fprintf(stderr, "usage: readloop SPOOL [THREADS]\n");
		return (2);
	}
	(void)snprintf(path, sizeof(path), "%s/input", argv[1]);
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		perror(path);
		return (1);
	}
	list(fd, 0);
	for (i = 1; i < threads; i++)
		if (pthread_create(&tid[i], NULL, reader, &bytes[i]) != 0)
			return (1);
	(void)reader(&bytes[0]);
	for (i = 1; i < threads; i++)
		(void)pthread_join(tid[i], NULL);
	for (i = 0; i < threads; i++)
		total += bytes[i];
	(void)printf("%zu files %zu bytes\n", nnames, total);
	return (0);
}
