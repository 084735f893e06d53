/* SPDX-License-Identifier: MIT */
/*
 * hash.c: the hash of the tables that are filled from input: the keys
 * of a JSON object checked for duplicates (json.c), the keys a
 * definition's references are looked up in (defn.c).  The input may
 * come from a hostile server or file, so the hash is keyed with a secret
 * the input cannot know: SipHash-1-3 (Aumasson and Bernstein; the
 * variant Python and Rust hash with), under a 128-bit key drawn from
 * getrandom(2) when the program starts.
 *
 * Why keyed and not bounded probing with a fallback: an unkeyed hash,
 * FNV-1a as before, lets anyone compute, offline, as many keys as they
 * like that land in one slot (bench/dupflood.pl does), and linear
 * probing then compares each key with all those before it: 160,000
 * such node ids took 11 s to check, 138 s to import with their edges
 * (bench/README.md), and the work grows with the square.  A fallback
 * (sort the keys once a probe budget is spent) caps the parser's check,
 * but every other table needs its own; a keyed hash fixes them all at
 * once, and with a keyed pseudorandom function the expected cost of n
 * keys is linear whatever they are.  Without the key the input cannot
 * aim, and the key lives only in this process.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "aml.h"

static uint64_t k0, k1;

/* The key, before main().  getrandom(2) blocks only until the kernel's
 * pool is first seeded, at boot; where it is missing (an old kernel, a
 * seccomp filter) /dev/urandom stands in, and without that the clock,
 * the process and where ASLR put things, which is not secret but
 * differs from one run to the next. */
__attribute__((constructor)) static void
hash_key(void)
{
	uint64_t k[2];
	struct timespec ts;
	ssize_t r;
	int fd;

	do
		r = getrandom(k, sizeof k, 0);
	while (r < 0 && errno == EINTR);
	if (r == (ssize_t)sizeof k) {
		k0 = k[0], k1 = k[1];
		return;
	}
	if ((fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) >= 0) {
		r = read(fd, k, sizeof k);
		close(fd);
		if (r == (ssize_t)sizeof k) {
			k0 = k[0], k1 = k[1];
			return;
		}
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	k0 = (uint64_t)ts.tv_nsec << 32 ^ (uint64_t)ts.tv_sec ^ (uint64_t)(uintptr_t)&ts;
	k1 = (uint64_t)getpid() << 40 ^ (uint64_t)(uintptr_t)&hash_key ^ (uint64_t)(uintptr_t)&k0;
}

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND do { \
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2; \
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0; \
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
} while (0)

/* Little-endian, as SipHash reads its message, on any host. */
static inline uint64_t
le64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	    (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
	    (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}

uint64_t
aml_hash(const void *s, size_t n)
{
	const unsigned char *p = s, *end = p + (n & ~(size_t)7);
	uint64_t v0 = k0 ^ 0x736f6d6570736575ULL, v1 = k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k0 ^ 0x6c7967656e657261ULL, v3 = k1 ^ 0x7465646279746573ULL;
	uint64_t m, b = (uint64_t)n << 56;

	for (; p < end; p += 8) {
		m = le64(p);
		v3 ^= m;
		SIPROUND;
		v0 ^= m;
	}
	switch (n & 7) {
	case 7: b |= (uint64_t)p[6] << 48; /* FALLTHROUGH */
	case 6: b |= (uint64_t)p[5] << 40; /* FALLTHROUGH */
	case 5: b |= (uint64_t)p[4] << 32; /* FALLTHROUGH */
	case 4: b |= (uint64_t)p[3] << 24; /* FALLTHROUGH */
	case 3: b |= (uint64_t)p[2] << 16; /* FALLTHROUGH */
	case 2: b |= (uint64_t)p[1] << 8; /* FALLTHROUGH */
	case 1: b |= (uint64_t)p[0]; break;
	}
	v3 ^= b;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}
