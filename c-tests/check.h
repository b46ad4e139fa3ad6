/* Minimal assertion helpers for the C and C++ tests: every failure is printed with its line,
 * and main() returns check_summary(name), non-zero when any check failed. */
#ifndef DELIVERYOPT_TEST_CHECK_H
#define DELIVERYOPT_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_count = 0;
static int check_failed = 0;

#define CHECK(cond)                                                                       \
    do {                                                                                  \
        check_count++;                                                                    \
        if (!(cond)) {                                                                    \
            check_failed++;                                                               \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);      \
        }                                                                                 \
    } while (0)

#define CHECK_HR(expr, expected)                                                          \
    do {                                                                                  \
        HRESULT check_hr_ = (expr);                                                       \
        check_count++;                                                                    \
        if (check_hr_ != (HRESULT)(expected)) {                                           \
            check_failed++;                                                               \
            fprintf(stderr, "%s:%d: %s returned 0x%08x, expected 0x%08x (%s)\n", __FILE__, \
                    __LINE__, #expr, (unsigned)check_hr_, (unsigned)(expected), #expected); \
        }                                                                                 \
    } while (0)

static inline int check_summary(const char *name) {
    printf("%s: %d checks, %d failed\n", name, check_count, check_failed);
    return check_failed == 0 ? 0 : 1;
}

/* Compares a NUL-terminated UTF-16 string with ASCII text. */
static inline int wide_equals(const WCHAR *w, const char *ascii) {
    size_t i = 0;
    if (w == NULL) return 0;
    for (; ascii[i] != '\0'; i++) {
        if (w[i] != (WCHAR)(unsigned char)ascii[i]) return 0;
    }
    return w[i] == 0;
}

#endif
