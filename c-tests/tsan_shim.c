/* Linked into the C tests when they run under ThreadSanitizer with a TSan-instrumented library
 * (bench/tsan.sh). Rust's (LLVM's) instrumentation calls __tsan_memcpy/memmove/memset, which
 * GCC's libtsan does not define: these forward to the intercepted functions, which check the
 * accesses. */
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif
void *__tsan_memcpy(void *dst, const void *src, size_t n) { return memcpy(dst, src, n); }
void *__tsan_memmove(void *dst, const void *src, size_t n) { return memmove(dst, src, n); }
void *__tsan_memset(void *dst, int c, size_t n) { return memset(dst, c, n); }
#ifdef __cplusplus
}
#endif
