/* Helpers the C tests share: the test server's /gen/ content computed here, reading a whole
 * file, ASCII to UTF-16, and waiting for a job state. Include it after <bits.h>, in a file that
 * asks for POSIX (_POSIX_C_SOURCE or _DEFAULT_SOURCE, for nanosleep). */
#ifndef DELIVERYOPT_TEST_TESTDATA_H
#define DELIVERYOPT_TEST_TESTDATA_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Byte `i` of the test server's /gen/<len>/<seed> content (testserver/src/lib.rs). */
static inline uint64_t gen_mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline unsigned char gen_byte(uint64_t seed, uint64_t i) {
    const uint64_t g = 0x9E3779B97F4A7C15ull;
    uint64_t w = gen_mix(gen_mix(seed ^ g) + (i / 8) * g);
    return (unsigned char)(w >> (8 * (i % 8)));
}

/* Whether `len` bytes of `data` are /gen/ content of `seed` from `offset` on. */
static inline int is_gen_content(uint64_t seed, const unsigned char *data, uint64_t offset, uint64_t len) {
    for (uint64_t i = 0; i < len; i++) {
        if (data[i] != gen_byte(seed, offset + i)) return 0;
    }
    return 1;
}

static inline void to_wide(const char *s, WCHAR *out, size_t n) {
    size_t i = 0;
    for (; s[i] && i + 1 < n; i++) out[i] = (WCHAR)(unsigned char)s[i];
    out[i] = 0;
}

/* The whole file (malloc'ed; the caller frees it) and its length in *len (-1 if unreadable). */
static inline unsigned char *read_file(const char *path, long *len) {
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    *len = -1;
    if (!f) return NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = (unsigned char *)malloc((size_t)n + 1)) != NULL) {
            *len = (long)fread(buf, 1, (size_t)n, f);
        }
    }
    fclose(f);
    return buf;
}

/* Polls the job (every 10 ms, 30 s at most) until it is in state a or b; returns its state. */
static inline BG_JOB_STATE wait_for(IBackgroundCopyJob *job, BG_JOB_STATE a, BG_JOB_STATE b) {
    const struct timespec tick = {0, 10 * 1000 * 1000};
    BG_JOB_STATE st = BG_JOB_STATE_QUEUED;
    for (int i = 0; i < 3000; i++) {
        if (IBackgroundCopyJob_GetState(job, &st) != S_OK || st == a || st == b) break;
        nanosleep(&tick, NULL);
    }
    return st;
}

#endif
