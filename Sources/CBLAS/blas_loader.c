/* OpenBLAS loaded at run time: see include/cblas_loader.h for why. */
#include "cblas_loader.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The CBLAS ABI (cblas.h): enums passed as int. */
enum { RowMajor = 101, NoTrans = 111, Trans = 112 };
typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
typedef void (*sgemv_fn)(int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
typedef void (*set_threads_fn)(int);
typedef int (*get_threads_fn)(void);
typedef char *(*string_fn)(void);
typedef int (*shutdown_fn)(void);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static sgemm_fn p_sgemm;
static sgemv_fn p_sgemv;
static set_threads_fn p_set_threads;
static get_threads_fn p_get_threads;
static string_fn p_corename, p_config;
static char load_error[512];

static void *open_library(void) {
    const char *chosen = getenv("AIGC_OPENBLAS");
    const char *names[] = {chosen && *chosen ? chosen : NULL, "libopenblas.so.0", "libopenblas.so"};
    size_t used = 0;
    load_error[0] = 0;
    for (int i = 0; i < 3; i++) {
        if (!names[i]) continue;
        /* RTLD_LOCAL: its symbols stay out of the global namespace; RTLD_NOW: a broken library fails here, not
           in the middle of a product. */
        void *h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (h) return h;
        const char *e = dlerror();
        int w = snprintf(load_error + used, sizeof load_error - used, "%s%s", used ? "; " : "", e ? e : names[i]);
        if (w > 0) used += (size_t)w < sizeof load_error - used ? (size_t)w : sizeof load_error - used - 1;
        if (chosen && *chosen) break; /* the user's choice only: never silently another library */
    }
    return NULL;
}

static void load_once(void) {
    void *h = open_library();
    if (!h) return;
    sgemm_fn g = (sgemm_fn)dlsym(h, "cblas_sgemm");
    sgemv_fn v = (sgemv_fn)dlsym(h, "cblas_sgemv");
    if (!g || !v) {
        snprintf(load_error, sizeof load_error, "the library has no cblas_sgemm/cblas_sgemv");
        return;
    }
    p_set_threads = (set_threads_fn)dlsym(h, "openblas_set_num_threads");
    p_get_threads = (get_threads_fn)dlsym(h, "openblas_get_num_threads");
    p_corename = (string_fn)dlsym(h, "openblas_get_corename");
    p_config = (string_fn)dlsym(h, "openblas_get_config");
    shutdown_fn stop = (shutdown_fn)dlsym(h, "blas_thread_shutdown_");
    if (stop) stop(); /* its constructor started the workers; they restart on the next threaded call */
    p_sgemv = v;
    p_sgemm = g; /* every reader calls pthread_once first, which orders these stores before its reads */
}

int aigc_blas_load(char *error, size_t size) {
    pthread_once(&once, load_once);
    if (p_sgemm) return 1;
    if (error && size) snprintf(error, size, "%s", load_error[0] ? load_error : "OpenBLAS could not be loaded");
    return 0;
}

/* The portable fallbacks: the textbook loops, only when OpenBLAS cannot be loaded. */
static void naive_sgemm(int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda, const float *b,
                        int ldb, float beta, float *c, int ldc) {
    for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++) {
            float s = 0;
            for (int p = 0; p < k; p++)
                s += (ta ? a[(size_t)p * lda + i] : a[(size_t)i * lda + p]) * (tb ? b[(size_t)j * ldb + p] : b[(size_t)p * ldb + j]);
            float *out = c + (size_t)i * ldc + j;
            *out = alpha * s + (beta == 0 ? 0 : beta * *out);
        }
}

void aigc_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda, const float *b,
                int ldb, float beta, float *c, int ldc) {
    pthread_once(&once, load_once);
    if (p_sgemm) {
        p_sgemm(RowMajor, trans_a ? Trans : NoTrans, trans_b ? Trans : NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    } else {
        naive_sgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}

void aigc_sgemv(int m, int n, const float *a, int lda, const float *x, float beta, float *y) {
    pthread_once(&once, load_once);
    if (p_sgemv) {
        p_sgemv(RowMajor, NoTrans, m, n, 1.0f, a, lda, x, 1, beta, y, 1);
        return;
    }
    for (int i = 0; i < m; i++) {
        float s = 0;
        for (int p = 0; p < n; p++) s += a[(size_t)i * lda + p] * x[p];
        y[i] = s + (beta == 0 ? 0 : beta * y[i]);
    }
}

void aigc_blas_set_threads(int n) {
    pthread_once(&once, load_once);
    if (p_set_threads) p_set_threads(n);
}

int aigc_blas_threads(void) {
    pthread_once(&once, load_once);
    return p_get_threads ? p_get_threads() : 1;
}

const char *aigc_blas_corename(void) {
    pthread_once(&once, load_once);
    return p_corename ? p_corename() : NULL;
}

const char *aigc_blas_config(void) {
    pthread_once(&once, load_once);
    return p_config ? p_config() : NULL;
}
