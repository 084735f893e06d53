/* SPDX-License-Identifier: MIT */
/*
 * jsonfast.c: memory for the filters' big buffers (an input read from a
 * pipe, the parser's tape), the part of their speed that is not parsing.
 *
 * A definition of 3 MB needs about 6 MB of fresh memory: its bytes when
 * they come through a pipe, and a tape of 16 bytes a token.  Fresh 4 KiB
 * pages cost a fault each, 1,500 of them, which was most of a filter's
 * time at that size: on the virtual machine of bench/README.md a fault
 * costs 16 us (the guest's fault and the hypervisor's exit), so 25 ms a
 * filter, against a few ms for the parsing itself.  A buffer of 256 KiB or
 * more is therefore mapped on its own, aligned to 2 MiB and marked for
 * transparent huge pages: one fault and one clearing a 2 MiB page.
 * Where huge pages are off, it is an ordinary mapping, as malloc's own
 * for a block of that size would be.  Smaller buffers come from malloc.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "aml.h"
#include "jsonfast.h"

#define BIG_MIN (1u << 18)	/* below this, malloc */
#define HUGE_SZ (2u << 20)

static size_t
rounded(size_t n)
{
	return (n + HUGE_SZ - 1) & ~(size_t)(HUGE_SZ - 1);
}

/* n bytes (a multiple of HUGE_SZ) at an address aligned to HUGE_SZ, so
 * that every 2 MiB of it can be one page; NULL when mmap fails. */
static char *
reserve(size_t n)
{
	char *p, *q;
	size_t head;

	p = mmap(NULL, n + HUGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	q = (char *)(((uintptr_t)p + HUGE_SZ - 1) & ~(uintptr_t)(HUGE_SZ - 1));
	head = (size_t)(q - p);
	if (head)
		munmap(p, head);
	munmap(q + n, HUGE_SZ - head);
	madvise(q, n, MADV_HUGEPAGE);	/* best effort: EINVAL without THP */
	return q;
}

void *
aml_big_alloc(size_t n)
{
	char *p;

	if (n < BIG_MIN)
		return aml_xmalloc(n);
	if (!(p = reserve(rounded(n))))
		aml_die("out of memory");
	return p;
}

/* The pages of a big buffer are moved to the new one, not copied. */
void *
aml_big_grow(void *p, size_t old, size_t n)
{
	char *q;

	if (n < BIG_MIN)
		return aml_xrealloc(p, n);
	if (old >= BIG_MIN && rounded(n) == rounded(old))
		return p;
	if (!(q = reserve(rounded(n))))
		aml_die("out of memory");
	if (old < BIG_MIN) {
		memcpy(q, p, old);
		free(p);
	} else if (mremap(p, rounded(old), rounded(old), MREMAP_MAYMOVE | MREMAP_FIXED,
	    q) == MAP_FAILED) {
		memcpy(q, p, old);
		munmap(p, rounded(old));
	}
	return q;
}

void
aml_big_free(void *p, size_t n)
{
	if (!p)
		return;
	if (n < BIG_MIN)
		free(p);
	else
		munmap(p, rounded(n));
}
