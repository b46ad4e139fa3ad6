/* deliveryopt demo: a BITS client written in C, the way Windows programs use BITS.
 *
 *   demo              starts its own HTTP/1.1 server on 127.0.0.1 (a thread of this process,
 *                     serving 3 generated files), downloads them in one job and checks them
 *   demo URL...       downloads those URLs in one job instead, and prints their sizes and SHA-256
 *
 * What it shows: CoCreateInstance of the manager, CreateJob, AddFile for several files, a callback
 * object written in C (its own vtable: QueryInterface/AddRef/Release, JobTransferred, JobError,
 * JobModification; reference counted and freed on its last Release), SetNotifyFlags and
 * SetNotifyInterface, Resume, progress from JobModification and from polling GetProgress, Complete
 * called from inside JobTransferred (the library holds no lock while it calls back), the error
 * object on failure (GetError, GetErrorDescription, GetProtocol, GetFile) followed by Cancel, and
 * EnumFiles / IBackgroundCopyFile at the end.
 *
 * Build: gcc -std=c11 -Iinclude examples-c/demo.c -Ltarget/release -ldeliveryopt -lpthread
 * Exit status: 0 when every file arrived (and, for the built-in server, matches its content). */
#define _GNU_SOURCE
#define COBJMACROS
#include <bits.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILES 64

/* ------------------------------------------------------------------------------------------ */
/* Small utilities: UTF-8 <-> UTF-16, monotonic time, SHA-256.                                */
/* ------------------------------------------------------------------------------------------ */

/* UTF-8 to a NUL-terminated UTF-16 string (malloc'd). Invalid bytes become U+FFFD. */
static WCHAR *to_wide(const char *s) {
    size_t n = strlen(s), o = 0;
    WCHAR *w = malloc((n + 1) * sizeof(WCHAR));
    const unsigned char *p = (const unsigned char *)s;
    if (!w) return NULL;
    while (*p) {
        uint32_t c;
        int extra;
        if (*p < 0x80) { c = *p++; extra = 0; }
        else if ((*p & 0xE0) == 0xC0) { c = *p++ & 0x1F; extra = 1; }
        else if ((*p & 0xF0) == 0xE0) { c = *p++ & 0x0F; extra = 2; }
        else if ((*p & 0xF8) == 0xF0) { c = *p++ & 0x07; extra = 3; }
        else { p++; w[o++] = 0xFFFD; continue; }
        for (; extra > 0; extra--) {
            if ((*p & 0xC0) != 0x80) { c = 0xFFFD; break; }
            c = (c << 6) | (*p++ & 0x3F);
        }
        if (c >= 0x10000 && c <= 0x10FFFF) {
            c -= 0x10000;
            w[o++] = (WCHAR)(0xD800 + (c >> 10));
            w[o++] = (WCHAR)(0xDC00 + (c & 0x3FF));
        } else {
            w[o++] = (WCHAR)((c >= 0xD800 && c <= 0xDFFF) ? 0xFFFD : c);
        }
    }
    w[o] = 0;
    return w;
}

/* UTF-16 to UTF-8 into buf (always NUL-terminated, truncated to size). */
static const char *to_utf8(const WCHAR *w, char *buf, size_t size) {
    size_t o = 0;
    if (size == 0) return buf;
    for (; w && *w; w++) {
        uint32_t c = *w;
        char tmp[4];
        size_t k = 0, i;
        if (c >= 0xD800 && c <= 0xDBFF && w[1] >= 0xDC00 && w[1] <= 0xDFFF) {
            c = 0x10000 + ((c - 0xD800) << 10) + (w[1] - 0xDC00);
            w++;
        }
        if (c < 0x80) tmp[k++] = (char)c;
        else if (c < 0x800) { tmp[k++] = (char)(0xC0 | (c >> 6)); tmp[k++] = (char)(0x80 | (c & 0x3F)); }
        else if (c < 0x10000) {
            tmp[k++] = (char)(0xE0 | (c >> 12));
            tmp[k++] = (char)(0x80 | ((c >> 6) & 0x3F));
            tmp[k++] = (char)(0x80 | (c & 0x3F));
        } else {
            tmp[k++] = (char)(0xF0 | (c >> 18));
            tmp[k++] = (char)(0x80 | ((c >> 12) & 0x3F));
            tmp[k++] = (char)(0x80 | ((c >> 6) & 0x3F));
            tmp[k++] = (char)(0x80 | (c & 0x3F));
        }
        if (o + k >= size) break;
        for (i = 0; i < k; i++) buf[o++] = tmp[i];
    }
    buf[o] = '\0';
    /* Error texts end with a line break: drop trailing white space. */
    while (o > 0 && (buf[o - 1] == '\n' || buf[o - 1] == '\r' || buf[o - 1] == ' ')) buf[--o] = '\0';
    return buf;
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct {
    uint32_t h[8];
    uint64_t len;
    unsigned char buf[64];
    size_t used;
} Sha256;

static const uint32_t SHA_K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR32(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(Sha256 *s, const unsigned char *p) {
    uint32_t w[64], a, b, c, d, e, f, g, h;
    int i;
    for (i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
               (uint32_t)p[4 * i + 3];
    for (i = 16; i < 64; i++) {
        uint32_t s0 = ROR32(w[i - 15], 7) ^ ROR32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR32(w[i - 2], 17) ^ ROR32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
    e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
    for (i = 0; i < 64; i++) {
        uint32_t t1 = h + (ROR32(e, 6) ^ ROR32(e, 11) ^ ROR32(e, 25)) + ((e & f) ^ (~e & g)) + SHA_K[i] + w[i];
        uint32_t t2 = (ROR32(a, 2) ^ ROR32(a, 13) ^ ROR32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
    s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

static void sha256_init(Sha256 *s) {
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, h0, sizeof h0);
    s->len = 0;
    s->used = 0;
}

static void sha256_update(Sha256 *s, const void *data, size_t n) {
    const unsigned char *p = data;
    s->len += n;
    if (s->used > 0) {
        size_t take = 64 - s->used < n ? 64 - s->used : n;
        memcpy(s->buf + s->used, p, take);
        s->used += take; p += take; n -= take;
        if (s->used == 64) { sha256_block(s, s->buf); s->used = 0; }
    }
    for (; n >= 64; p += 64, n -= 64) sha256_block(s, p);
    if (n > 0) { memcpy(s->buf, p, n); s->used = n; }
}

/* Finishes and writes the 64 hex digits (plus NUL) to hex. */
static void sha256_hex(Sha256 *s, char hex[65]) {
    uint64_t bits = s->len * 8;
    unsigned char pad = 0x80, zero = 0, lenbuf[8];
    int i;
    sha256_update(s, &pad, 1);
    while (s->used != 56) sha256_update(s, &zero, 1);
    for (i = 0; i < 8; i++) lenbuf[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha256_update(s, lenbuf, 8);
    for (i = 0; i < 8; i++) snprintf(hex + 8 * i, 9, "%08x", (unsigned)s->h[i]);
}

/* SHA-256 and size of a file on disk; returns 0 on success. */
static int sha256_file(const char *path, char hex[65], uint64_t *size) {
    static unsigned char chunk[1 << 16];
    Sha256 s;
    size_t n;
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    sha256_init(&s);
    *size = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        sha256_update(&s, chunk, n);
        *size += n;
    }
    if (ferror(f)) { fclose(f); return -1; }
    fclose(f);
    sha256_hex(&s, hex);
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* The built-in HTTP/1.1 server: 127.0.0.1, ephemeral port, a thread per connection, GET/HEAD,  */
/* Content-Length, ETag, Last-Modified, Accept-Ranges, single Range (bytes=a- or a-b) with     */
/* If-Range, Connection: close.                                                                */
/* ------------------------------------------------------------------------------------------ */

typedef struct {
    const char *name;          /* URL path without the leading slash */
    size_t size;
    unsigned char *data;       /* generated content */
    char etag[40];
    char sha256[65];
} ServedFile;

#define SERVED_COUNT 3
static ServedFile served[SERVED_COUNT] = {
    {"small-64KiB.bin", 64 * 1024, NULL, "", ""},
    {"medium-1MiB.bin", 1024 * 1024, NULL, "", ""},
    {"large-8MiB.bin", 8 * 1024 * 1024, NULL, "", ""},
};
static const char *LAST_MODIFIED = "Tue, 25 Nov 2025 06:00:00 GMT";

typedef struct {
    int listen_fd;
    unsigned short port;
    pthread_t acceptor;
    atomic_int stopping;
    pthread_mutex_t lock;
    pthread_cond_t idle;
    int active;                /* connection threads still running */
    unsigned long requests;
} Server;

/* Deterministic content: an xorshift64* stream seeded by the file's index. */
static int generate_files(void) {
    int i;
    for (i = 0; i < SERVED_COUNT; i++) {
        ServedFile *f = &served[i];
        uint64_t x = 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1);
        size_t k;
        Sha256 s;
        char hex[65];
        f->data = malloc(f->size);
        if (!f->data) return -1;
        for (k = 0; k < f->size; k += 8) {
            uint64_t v;
            size_t j;
            x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
            v = x * 0x2545F4914F6CDD1Dull;
            for (j = 0; j < 8 && k + j < f->size; j++) f->data[k + j] = (unsigned char)(v >> (8 * j));
        }
        sha256_init(&s);
        sha256_update(&s, f->data, f->size);
        sha256_hex(&s, hex);
        memcpy(f->sha256, hex, sizeof hex);
        snprintf(f->etag, sizeof f->etag, "\"%.16s\"", hex);
    }
    return 0;
}

static void free_files(void) {
    int i;
    for (i = 0; i < SERVED_COUNT; i++) {
        free(served[i].data);
        served[i].data = NULL;
    }
}

static int send_all(int fd, const void *buf, size_t n) {
    const char *p = buf;
    while (n > 0) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Value of header `name` in the request head (case-insensitive), copied into out. */
static int find_header(const char *head, const char *name, char *out, size_t size) {
    size_t len = strlen(name);
    const char *line = strstr(head, "\r\n");
    while (line && line[2] != '\0' && line[2] != '\r') {
        const char *p = line + 2, *end = strstr(p, "\r\n");
        if (!end) break;
        if ((size_t)(end - p) > len && strncasecmp(p, name, len) == 0 && p[len] == ':') {
            size_t n;
            p += len + 1;
            while (*p == ' ' || *p == '\t') p++;
            n = (size_t)(end - p);
            if (n >= size) n = size - 1;
            memcpy(out, p, n);
            out[n] = '\0';
            return 1;
        }
        line = end;
    }
    return 0;
}

static void respond_simple(int fd, const char *status, const char *extra) {
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %s\r\nServer: deliveryopt-demo\r\nContent-Length: 0\r\n%s"
                     "Connection: close\r\n\r\n",
                     status, extra ? extra : "");
    send_all(fd, head, (size_t)n);
}

static void handle_request(Server *srv, int fd) {
    char req[8192], method[16], path[1024], value[256], head[1024];
    size_t used = 0;
    const ServedFile *file = NULL;
    unsigned long long first = 0, last;
    int partial = 0, i, n, is_head;

    /* Read the request head (no body is expected). */
    for (;;) {
        ssize_t k = recv(fd, req + used, sizeof req - 1 - used, 0);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return;
        used += (size_t)k;
        req[used] = '\0';
        if (strstr(req, "\r\n\r\n")) break;
        if (used == sizeof req - 1) {
            respond_simple(fd, "431 Request Header Fields Too Large", NULL);
            return;
        }
    }
    pthread_mutex_lock(&srv->lock);
    srv->requests++;
    pthread_mutex_unlock(&srv->lock);
    if (sscanf(req, "%15s %1023s", method, path) != 2) {
        respond_simple(fd, "400 Bad Request", NULL);
        return;
    }
    is_head = strcmp(method, "HEAD") == 0;
    if (!is_head && strcmp(method, "GET") != 0) {
        respond_simple(fd, "405 Method Not Allowed", "Allow: GET, HEAD\r\n");
        return;
    }
    for (i = 0; i < SERVED_COUNT; i++)
        if (path[0] == '/' && strcmp(path + 1, served[i].name) == 0) file = &served[i];
    if (!file) {
        respond_simple(fd, "404 Not Found", NULL);
        return;
    }
    last = file->size ? file->size - 1 : 0;
    if (find_header(req, "Range", value, sizeof value)) {
        char *dash;
        int honour = 1;
        char cond[256];
        /* If-Range: serve the whole file when the validator is not the current one. */
        if (find_header(req, "If-Range", cond, sizeof cond) && strcmp(cond, file->etag) != 0 &&
            strcmp(cond, LAST_MODIFIED) != 0)
            honour = 0;
        if (honour && strncmp(value, "bytes=", 6) == 0 && !strchr(value, ',') &&
            (dash = strchr(value + 6, '-')) != NULL && dash > value + 6) {
            char *endp;
            first = strtoull(value + 6, &endp, 10);
            if (endp == dash) {
                if (dash[1] != '\0') {
                    unsigned long long l = strtoull(dash + 1, &endp, 10);
                    if (*endp == '\0' && l < last) last = l;
                }
                if (first >= file->size || first > last) {
                    char extra[96];
                    snprintf(extra, sizeof extra, "Content-Range: bytes */%zu\r\n", file->size);
                    respond_simple(fd, "416 Range Not Satisfiable", extra);
                    return;
                }
                partial = 1;
            }
        }
    }
    if (!partial) {
        first = 0;
        last = file->size ? file->size - 1 : 0;
    }
    n = snprintf(head, sizeof head,
                 "HTTP/1.1 %s\r\nServer: deliveryopt-demo\r\n"
                 "Content-Type: application/octet-stream\r\nContent-Length: %llu\r\n"
                 "ETag: %s\r\nLast-Modified: %s\r\nAccept-Ranges: bytes\r\n",
                 partial ? "206 Partial Content" : "200 OK",
                 file->size ? last - first + 1 : 0ull, file->etag, LAST_MODIFIED);
    if (partial)
        n += snprintf(head + n, sizeof head - (size_t)n, "Content-Range: bytes %llu-%llu/%zu\r\n",
                      first, last, file->size);
    n += snprintf(head + n, sizeof head - (size_t)n, "Connection: close\r\n\r\n");
    if (send_all(fd, head, (size_t)n) != 0 || is_head || file->size == 0) return;
    /* Bodies go out in 128 KiB pieces at about 6 MiB/s, like a modest network link, so that
     * the progress reports have something to show. */
    while (first <= last) {
        size_t piece = last - first + 1 < 128 * 1024 ? (size_t)(last - first + 1) : 128 * 1024;
        struct timespec pause = {0, 20 * 1000 * 1000};
        if (send_all(fd, file->data + first, piece) != 0) return;
        first += piece;
        if (first <= last) nanosleep(&pause, NULL);
    }
}

typedef struct {
    Server *srv;
    int fd;
} Connection;

static void *connection_thread(void *arg) {
    Connection *c = arg;
    Server *srv = c->srv;
    struct timeval tv = {5, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    handle_request(srv, c->fd);
    shutdown(c->fd, SHUT_WR);
    close(c->fd);
    free(c);
    pthread_mutex_lock(&srv->lock);
    if (--srv->active == 0) pthread_cond_broadcast(&srv->idle);
    pthread_mutex_unlock(&srv->lock);
    return NULL;
}

static void *accept_thread(void *arg) {
    Server *srv = arg;
    while (!atomic_load(&srv->stopping)) {
        pthread_t t;
        pthread_attr_t attr;
        Connection *c;
        int fd = accept(srv->listen_fd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            break; /* the listening socket was shut down */
        }
        c = malloc(sizeof *c);
        if (!c) { close(fd); continue; }
        c->srv = srv;
        c->fd = fd;
        pthread_mutex_lock(&srv->lock);
        srv->active++;
        pthread_mutex_unlock(&srv->lock);
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&t, &attr, connection_thread, c) != 0) {
            close(fd);
            free(c);
            pthread_mutex_lock(&srv->lock);
            srv->active--;
            pthread_mutex_unlock(&srv->lock);
        }
        pthread_attr_destroy(&attr);
    }
    return NULL;
}

static int server_start(Server *srv) {
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int one = 1;
    memset(srv, 0, sizeof *srv);
    atomic_init(&srv->stopping, 0);
    pthread_mutex_init(&srv->lock, NULL);
    pthread_cond_init(&srv->idle, NULL);
    srv->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (srv->listen_fd < 0) return -1;
    setsockopt(srv->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0; /* ephemeral */
    if (bind(srv->listen_fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        listen(srv->listen_fd, 64) != 0 ||
        getsockname(srv->listen_fd, (struct sockaddr *)&addr, &len) != 0) {
        close(srv->listen_fd);
        return -1;
    }
    srv->port = ntohs(addr.sin_port);
    if (pthread_create(&srv->acceptor, NULL, accept_thread, srv) != 0) {
        close(srv->listen_fd);
        return -1;
    }
    return 0;
}

static void server_stop(Server *srv) {
    atomic_store(&srv->stopping, 1);
    shutdown(srv->listen_fd, SHUT_RDWR); /* wakes accept() */
    pthread_join(srv->acceptor, NULL);
    close(srv->listen_fd);
    pthread_mutex_lock(&srv->lock);
    while (srv->active > 0) pthread_cond_wait(&srv->idle, &srv->lock);
    pthread_mutex_unlock(&srv->lock);
    pthread_cond_destroy(&srv->idle);
    pthread_mutex_destroy(&srv->lock);
}

/* ------------------------------------------------------------------------------------------ */
/* The callback object: an IBackgroundCopyCallback implemented in C.                          */
/* ------------------------------------------------------------------------------------------ */

typedef struct DemoCallback {
    IBackgroundCopyCallback iface;  /* first member: the interface pointer is the object */
    atomic_ulong refs;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int finished;                   /* JobTransferred or JobError ran */
    int failed;                     /* JobError ran, or Complete failed */
    HRESULT complete_hr;
    unsigned modifications;
} DemoCallback;

static DemoCallback *impl(IBackgroundCopyCallback *This) { return (DemoCallback *)This; }

static const char *state_name(BG_JOB_STATE s) {
    static const char *names[] = {"QUEUED", "CONNECTING", "TRANSFERRING", "SUSPENDED", "ERROR",
                                  "TRANSIENT_ERROR", "TRANSFERRED", "ACKNOWLEDGED", "CANCELLED"};
    return ((int)s >= 0 && (int)s <= 8) ? names[s] : "?";
}

static void print_progress(const char *who, const BG_JOB_PROGRESS *p, BG_JOB_STATE state) {
    if (p->BytesTotal == BG_SIZE_UNKNOWN)
        printf("  %-8s %12llu bytes (total unknown yet), %lu/%lu files, %s\n", who,
               (unsigned long long)p->BytesTransferred, (unsigned long)p->FilesTransferred,
               (unsigned long)p->FilesTotal, state_name(state));
    else
        printf("  %-8s %12llu / %llu bytes (%3.0f%%), %lu/%lu files, %s\n", who,
               (unsigned long long)p->BytesTransferred, (unsigned long long)p->BytesTotal,
               p->BytesTotal ? 100.0 * (double)p->BytesTransferred / (double)p->BytesTotal : 100.0,
               (unsigned long)p->FilesTransferred, (unsigned long)p->FilesTotal, state_name(state));
    fflush(stdout);
}

/* Prints a text of several lines, each after the prefix. */
static void print_lines(const char *prefix, const char *text) {
    while (*text) {
        size_t n = strcspn(text, "\r\n");
        printf("%s%.*s\n", prefix, (int)n, text);
        text += n;
        while (*text == '\r' || *text == '\n') text++;
    }
}

static void print_error(IBackgroundCopyError *err) {
    BG_ERROR_CONTEXT ctx = BG_ERROR_CONTEXT_NONE;
    HRESULT code = S_OK;
    LPWSTR text = NULL, proto = NULL, remote = NULL;
    IBackgroundCopyFile *file = NULL;
    char buf[2048];
    IBackgroundCopyError_GetError(err, &ctx, &code);
    printf("  error: context %d, code 0x%08x\n", (int)ctx, (unsigned)code);
    if (SUCCEEDED(IBackgroundCopyError_GetErrorDescription(err, 0x409, &text))) {
        print_lines("  error: ", to_utf8(text, buf, sizeof buf));
        CoTaskMemFree(text);
    }
    if (SUCCEEDED(IBackgroundCopyError_GetErrorContextDescription(err, 0x409, &text))) {
        print_lines("  error: ", to_utf8(text, buf, sizeof buf));
        CoTaskMemFree(text);
    }
    if (SUCCEEDED(IBackgroundCopyError_GetProtocol(err, &proto))) {
        printf("  error: protocol %s\n", to_utf8(proto, buf, sizeof buf));
        CoTaskMemFree(proto);
    }
    if (SUCCEEDED(IBackgroundCopyError_GetFile(err, &file)) && file) {
        if (SUCCEEDED(IBackgroundCopyFile_GetRemoteName(file, &remote))) {
            printf("  error: file %s\n", to_utf8(remote, buf, sizeof buf));
            CoTaskMemFree(remote);
        }
        IBackgroundCopyFile_Release(file);
    }
    fflush(stdout);
}

static HRESULT STDMETHODCALLTYPE cb_query_interface(IBackgroundCopyCallback *This, REFIID riid, void **ppv) {
    if (ppv == NULL) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &IID_IBackgroundCopyCallback)) {
        atomic_fetch_add(&impl(This)->refs, 1);
        *ppv = This;
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE cb_add_ref(IBackgroundCopyCallback *This) {
    return (ULONG)(atomic_fetch_add(&impl(This)->refs, 1) + 1);
}

static ULONG STDMETHODCALLTYPE cb_release(IBackgroundCopyCallback *This) {
    DemoCallback *cb = impl(This);
    ULONG left = (ULONG)(atomic_fetch_sub(&cb->refs, 1) - 1);
    if (left == 0) {
        pthread_cond_destroy(&cb->changed);
        pthread_mutex_destroy(&cb->lock);
        free(cb);
    }
    return left;
}

static void cb_finish(DemoCallback *cb, int failed, HRESULT complete_hr) {
    pthread_mutex_lock(&cb->lock);
    cb->finished = 1;
    cb->failed |= failed;
    cb->complete_hr = complete_hr;
    pthread_cond_broadcast(&cb->changed);
    pthread_mutex_unlock(&cb->lock);
}

/* Every file arrived: make them available under their names. Called on a library thread with
 * no library lock held, so calling Complete from here is allowed. */
static HRESULT STDMETHODCALLTYPE cb_job_transferred(IBackgroundCopyCallback *This, IBackgroundCopyJob *job) {
    BG_JOB_PROGRESS p;
    BG_JOB_STATE state = BG_JOB_STATE_ERROR;
    HRESULT hr;
    if (SUCCEEDED(IBackgroundCopyJob_GetProgress(job, &p)) && SUCCEEDED(IBackgroundCopyJob_GetState(job, &state)))
        print_progress("callback", &p, state);
    hr = IBackgroundCopyJob_Complete(job);
    printf("JobTransferred: Complete() = 0x%08x%s\n", (unsigned)hr,
           hr == S_OK ? " (files renamed into place)" : "");
    fflush(stdout);
    cb_finish(impl(This), FAILED(hr), hr);
    return S_OK;
}

/* The job failed: say why and give up on it. */
static HRESULT STDMETHODCALLTYPE cb_job_error(IBackgroundCopyCallback *This, IBackgroundCopyJob *job,
                                              IBackgroundCopyError *err) {
    HRESULT hr;
    printf("JobError:\n");
    print_error(err);
    hr = IBackgroundCopyJob_Cancel(job);
    printf("JobError: Cancel() = 0x%08x\n", (unsigned)hr);
    fflush(stdout);
    cb_finish(impl(This), 1, E_FAIL);
    return S_OK;
}

/* Something changed (at most every 500 ms): show the progress. */
static HRESULT STDMETHODCALLTYPE cb_job_modification(IBackgroundCopyCallback *This, IBackgroundCopyJob *job,
                                                     DWORD reserved) {
    BG_JOB_PROGRESS p;
    BG_JOB_STATE state;
    (void)reserved;
    pthread_mutex_lock(&impl(This)->lock);
    impl(This)->modifications++;
    pthread_mutex_unlock(&impl(This)->lock);
    if (SUCCEEDED(IBackgroundCopyJob_GetProgress(job, &p)) && SUCCEEDED(IBackgroundCopyJob_GetState(job, &state)))
        print_progress("callback", &p, state);
    return S_OK;
}

static const IBackgroundCopyCallbackVtbl demo_callback_vtbl = {
    cb_query_interface, cb_add_ref,          cb_release,
    cb_job_transferred, cb_job_error,        cb_job_modification,
};

static DemoCallback *demo_callback_new(void) {
    DemoCallback *cb = calloc(1, sizeof *cb);
    if (!cb) return NULL;
    cb->iface.lpVtbl = &demo_callback_vtbl;
    atomic_init(&cb->refs, 1);
    pthread_mutex_init(&cb->lock, NULL);
    pthread_cond_init(&cb->changed, NULL);
    cb->complete_hr = S_FALSE;
    return cb;
}

/* ------------------------------------------------------------------------------------------ */
/* main                                                                                       */
/* ------------------------------------------------------------------------------------------ */

typedef struct {
    char url[2048];
    char local[4096];
    const ServedFile *expected;     /* NULL for user URLs */
} Download;

static int fail_hr(const char *what, HRESULT hr) {
    fprintf(stderr, "demo: %s failed: 0x%08x\n", what, (unsigned)hr);
    return 1;
}

/* A file name for a URL: its last path segment, made safe, prefixed with its index. */
static void local_name_for(const char *url, int index, const char *dir, char *out, size_t size) {
    char name[256];
    const char *start = strstr(url, "://"), *end, *slash;
    size_t n = 0;
    start = start ? start + 3 : url;
    end = start + strcspn(start, "?#");
    slash = NULL;
    for (const char *p = start; p < end; p++)
        if (*p == '/') slash = p;
    if (slash && slash + 1 < end) {
        for (const char *p = slash + 1; p < end && n < sizeof name - 1; p++) {
            char c = *p;
            name[n++] = (c == '.' || c == '-' || c == '_' || (c >= '0' && c <= '9') ||
                         (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) ? c : '_';
        }
    }
    name[n] = '\0';
    if (n == 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) snprintf(name, sizeof name, "download");
    snprintf(out, size, "%s/%d-%s", dir, index + 1, name);
}

int main(int argc, char **argv) {
    Server srv;
    int own_server = argc < 2, server_up = 0, nfiles, i, rc = 1, timed_out = 0;
    Download *dl = NULL;
    char dir[] = "/tmp/deliveryopt-demo-XXXXXX";
    IBackgroundCopyManager *mgr = NULL;
    IBackgroundCopyJob *job = NULL;
    DemoCallback *cb = NULL;
    GUID id;
    HRESULT hr;
    double start, deadline, last_print = 0;
    BG_JOB_PROGRESS last = {0, 0, 0, 0};
    BG_JOB_STATE state = BG_JOB_STATE_QUEUED, last_state = (BG_JOB_STATE)-1;
    ULONG last_errors = 0;
    uint64_t total_bytes = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf("usage: %s            download from a built-in loopback server and verify\n"
               "       %s URL...     download these URLs (http, https) into a temporary directory\n",
               argv[0], argv[0]);
        return 0;
    }
    nfiles = own_server ? SERVED_COUNT : argc - 1;
    if (nfiles > MAX_FILES) {
        fprintf(stderr, "demo: at most %d URLs\n", MAX_FILES);
        return 2;
    }
    dl = calloc((size_t)nfiles, sizeof *dl);
    if (!dl) return 1;
    if (!mkdtemp(dir)) {
        perror("demo: mkdtemp");
        free(dl);
        return 1;
    }
    printf("destination: %s\n", dir);

    if (own_server) {
        if (generate_files() != 0 || server_start(&srv) != 0) {
            perror("demo: cannot start the built-in HTTP server");
            goto out;
        }
        server_up = 1;
        printf("built-in HTTP server on http://127.0.0.1:%u/ serving %d files\n", srv.port, SERVED_COUNT);
        for (i = 0; i < nfiles; i++) {
            snprintf(dl[i].url, sizeof dl[i].url, "http://127.0.0.1:%u/%s", srv.port, served[i].name);
            snprintf(dl[i].local, sizeof dl[i].local, "%s/%s", dir, served[i].name);
            dl[i].expected = &served[i];
        }
    } else {
        for (i = 0; i < nfiles; i++) {
            snprintf(dl[i].url, sizeof dl[i].url, "%s", argv[i + 1]);
            local_name_for(argv[i + 1], i, dir, dl[i].local, sizeof dl[i].local);
        }
    }

    /* The manager and one job with every file. */
    hr = CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_LOCAL_SERVER,
                          &IID_IBackgroundCopyManager, (void **)&mgr);
    if (FAILED(hr)) { fail_hr("CoCreateInstance", hr); goto out; }
    hr = IBackgroundCopyManager_CreateJob(mgr, u"deliveryopt demo", BG_JOB_TYPE_DOWNLOAD, &id, &job);
    if (FAILED(hr)) { fail_hr("CreateJob", hr); goto out; }
    printf("job {%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}\n", (unsigned)id.Data1, id.Data2, id.Data3,
           id.Data4[0], id.Data4[1], id.Data4[2], id.Data4[3], id.Data4[4], id.Data4[5], id.Data4[6], id.Data4[7]);
    for (i = 0; i < nfiles; i++) {
        WCHAR *remote = to_wide(dl[i].url), *local = to_wide(dl[i].local);
        hr = (remote && local) ? IBackgroundCopyJob_AddFile(job, remote, local) : E_OUTOFMEMORY;
        free(remote);
        free(local);
        if (FAILED(hr)) {
            fprintf(stderr, "demo: AddFile(%s, %s) failed: 0x%08x\n", dl[i].url, dl[i].local, (unsigned)hr);
            goto out;
        }
        printf("  AddFile %s -> %s\n", dl[i].url, dl[i].local);
    }
    if (!own_server) {
        /* A dead server is a transient error that BITS retries; give up after 20 s without
         * progress (the job then goes to ERROR and JobError is called). */
        IBackgroundCopyJob_SetMinimumRetryDelay(job, 5);
        IBackgroundCopyJob_SetNoProgressTimeout(job, 20);
    }

    /* The callback object. */
    cb = demo_callback_new();
    if (!cb) goto out;
    hr = IBackgroundCopyJob_SetNotifyFlags(job, BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_ERROR |
                                                    BG_NOTIFY_JOB_MODIFICATION);
    if (FAILED(hr)) { fail_hr("SetNotifyFlags", hr); goto out; }
    hr = IBackgroundCopyJob_SetNotifyInterface(job, (IUnknown *)&cb->iface);
    if (FAILED(hr)) { fail_hr("SetNotifyInterface", hr); goto out; }

    start = now_seconds();
    hr = IBackgroundCopyJob_Resume(job);
    if (FAILED(hr)) { fail_hr("Resume", hr); goto out; }
    printf("Resume: transferring %d file(s)\n", nfiles);

    /* Wait for JobTransferred / JobError, showing progress from GetProgress meanwhile. */
    deadline = start + (own_server ? 60.0 : 600.0);
    for (;;) {
        struct timespec until;
        int finished;
        BG_JOB_PROGRESS p;
        ULONG errors = 0;
        pthread_mutex_lock(&cb->lock);
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 100 * 1000 * 1000;
        if (until.tv_nsec >= 1000000000L) { until.tv_sec++; until.tv_nsec -= 1000000000L; }
        if (!cb->finished) pthread_cond_timedwait(&cb->changed, &cb->lock, &until);
        finished = cb->finished;
        pthread_mutex_unlock(&cb->lock);
        if (finished) break;
        if (now_seconds() > deadline) { timed_out = 1; break; }
        if (FAILED(IBackgroundCopyJob_GetProgress(job, &p)) || FAILED(IBackgroundCopyJob_GetState(job, &state)))
            continue;
        if (state != last_state || p.FilesTransferred != last.FilesTransferred ||
            (p.BytesTransferred != last.BytesTransferred && now_seconds() - last_print >= 0.25)) {
            print_progress("poll", &p, state);
            last = p;
            last_state = state;
            last_print = now_seconds();
        }
        /* Transient errors are retried by the library: show them once each. */
        if (state == BG_JOB_STATE_TRANSIENT_ERROR && SUCCEEDED(IBackgroundCopyJob_GetErrorCount(job, &errors)) &&
            errors != last_errors) {
            IBackgroundCopyError *err = NULL;
            last_errors = errors;
            if (SUCCEEDED(IBackgroundCopyJob_GetError(job, &err)) && err) {
                BG_ERROR_CONTEXT ctx;
                HRESULT code;
                if (last_errors == 1) {
                    printf("transient error (the library retries the job):\n");
                    print_error(err);
                } else if (SUCCEEDED(IBackgroundCopyError_GetError(err, &ctx, &code))) {
                    printf("transient error #%lu: context %d, code 0x%08x (retrying)\n", (unsigned long)errors,
                           (int)ctx, (unsigned)code);
                }
                IBackgroundCopyError_Release(err);
            }
        }
    }
    if (timed_out) {
        fprintf(stderr, "demo: no JobTransferred/JobError after %.0f s (state %s): cancelling\n",
                now_seconds() - start, state_name(state));
        IBackgroundCopyJob_Cancel(job);
        goto out;
    }
    {
        int failed;
        unsigned modifications;
        pthread_mutex_lock(&cb->lock);
        failed = cb->failed;
        modifications = cb->modifications;
        pthread_mutex_unlock(&cb->lock);
        if (failed) {
            fprintf(stderr, "demo: the job failed\n");
            goto out;
        }
        IBackgroundCopyJob_GetState(job, &state);
        printf("transferred in %.2f s, job state %s, %u JobModification call(s)\n", now_seconds() - start,
               state_name(state), modifications);
    }
    if (state != BG_JOB_STATE_ACKNOWLEDGED) {
        fprintf(stderr, "demo: expected ACKNOWLEDGED after Complete\n");
        goto out;
    }

    /* What the job says about each file, then what is on disk. */
    {
        IEnumBackgroundCopyFiles *files = NULL;
        IBackgroundCopyFile *f = NULL;
        ULONG fetched = 0;
        char buf[4096];
        hr = IBackgroundCopyJob_EnumFiles(job, &files);
        if (FAILED(hr)) { fail_hr("EnumFiles", hr); goto out; }
        while (IEnumBackgroundCopyFiles_Next(files, 1, &f, &fetched) == S_OK && fetched == 1) {
            LPWSTR name = NULL;
            BG_FILE_PROGRESS fp;
            if (SUCCEEDED(IBackgroundCopyFile_GetLocalName(f, &name)) &&
                SUCCEEDED(IBackgroundCopyFile_GetProgress(f, &fp)))
                printf("  file %s: %llu/%llu bytes, %s\n", to_utf8(name, buf, sizeof buf),
                       (unsigned long long)fp.BytesTransferred, (unsigned long long)fp.BytesTotal,
                       fp.Completed ? "completed" : "NOT completed");
            CoTaskMemFree(name);
            IBackgroundCopyFile_Release(f);
        }
        IEnumBackgroundCopyFiles_Release(files);
    }

    rc = 0;
    for (i = 0; i < nfiles; i++) {
        char hex[65];
        uint64_t size = 0;
        if (sha256_file(dl[i].local, hex, &size) != 0) {
            fprintf(stderr, "demo: cannot read %s: %s\n", dl[i].local, strerror(errno));
            rc = 1;
            continue;
        }
        total_bytes += size;
        if (dl[i].expected) {
            int ok = size == dl[i].expected->size && strcmp(hex, dl[i].expected->sha256) == 0;
            printf("  verify %-16s %9llu bytes sha256 %.16s... %s\n", dl[i].expected->name,
                   (unsigned long long)size, hex, ok ? "matches" : "DIFFERS");
            if (!ok) {
                fprintf(stderr, "demo: %s: expected %zu bytes sha256 %s\n", dl[i].local, dl[i].expected->size,
                        dl[i].expected->sha256);
                rc = 1;
            }
        } else {
            printf("  %s: %llu bytes, sha256 %s\n", dl[i].local, (unsigned long long)size, hex);
        }
    }
    if (rc == 0) {
        if (own_server) {
            pthread_mutex_lock(&srv.lock);
            printf("(the built-in server answered %lu HTTP requests)\n", srv.requests);
            pthread_mutex_unlock(&srv.lock);
        }
    }

out:
    if (job) IBackgroundCopyJob_Release(job);
    if (mgr) IBackgroundCopyManager_Release(mgr);
    if (cb) {
        /* The library gives its reference back once the job has ended. */
        double until = now_seconds() + 5.0;
        while (atomic_load(&cb->refs) > 1 && now_seconds() < until) usleep(10 * 1000);
        if (atomic_load(&cb->refs) > 1) {
            fprintf(stderr, "demo: the library still holds %lu reference(s) to the callback\n",
                    (unsigned long)atomic_load(&cb->refs) - 1);
            rc = 1;
        }
        cb_release(&cb->iface);
    }
    if (server_up) server_stop(&srv);
    free_files();
    if (own_server && rc == 0) {
        /* The generated files were only for checking: leave nothing behind. */
        for (i = 0; i < nfiles; i++) unlink(dl[i].local);
    }
    if (rmdir(dir) == 0) printf("removed %s\n", dir); /* only when empty */
    free(dl);
    if (rc == 0)
        printf("demo: %d files, %llu bytes, OK\n", nfiles, (unsigned long long)total_bytes);
    else
        fprintf(stderr, "demo: FAILED\n");
    return rc;
}
