/* SPDX-License-Identifier: MIT */
/* bench/hold.c: the least a pipeline stage that must have all of its
 * input before it writes can do: read standard input whole into memory
 * (doubling the buffer, as aml_slurp does), then write it out.
 * bench/filters.sh times three of them beside the three filters. */
#include <stdlib.h>
#include <unistd.h>

int
main(void)
{
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	ssize_t r;

	for (;;) {
		if (cap - len < 1 << 16 && !(buf = realloc(buf, cap *= 2)))
			return 1;
		if ((r = read(0, buf + len, cap - len)) <= 0)
			break;
		len += (size_t)r;
	}
	for (size_t off = 0; off < len; off += (size_t)r)
		if ((r = write(1, buf + off, len - off)) <= 0)
			return 1;
	return 0;
}
