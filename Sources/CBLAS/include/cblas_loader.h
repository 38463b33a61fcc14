#ifndef AIGC_CBLAS_LOADER_H
#define AIGC_CBLAS_LOADER_H
#include <stddef.h>

/* OpenBLAS, loaded at run time (dlopen) the first time a matrix product or an OpenBLAS query needs it, instead of
   being linked. A linked OpenBLAS loads with the process: its library and libgfortran are mapped and relocated, its
   constructor detects the CPU and starts its worker threads, and all of that is paid by every command, including
   the ones that never multiply a matrix (`aigc normalize` or `encode` on a few MB: 3-9 ms of a 15-30 ms run).
   Loaded here only by the model code, and once (thread-safe).

   The library is `$AIGC_OPENBLAS` when set (a path or a name for dlopen), else libopenblas.so.0, else
   libopenblas.so. If none loads, the products fall back to portable loops (correct, slow) and
   `aigc_blas_load` reports why, so a caller can refuse to run instead (the CLI's model commands do). */

/* Loads OpenBLAS if it is not loaded yet. Returns 1 when it is loaded; 0 when it could not be, with the reason
   in `error` (NUL-terminated, at most `size` bytes). After loading, OpenBLAS's idle worker threads are stopped
   (they spin on the other core for ~0.1 s after every threaded call otherwise); its next threaded call starts them. */
int aigc_blas_load(char *error, size_t size);

/* Row-major C = alpha * op(A) * op(B) + beta * C, op(A) m x k, op(B) k x n (cblas_sgemm's meaning). */
void aigc_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda, const float *b,
                int ldb, float beta, float *c, int ldc);

/* Row-major y[m] = A[m, n] x[n] + beta * y (cblas_sgemv, no transpose, alpha 1, unit strides). */
void aigc_sgemv(int m, int n, const float *a, int lda, const float *x, float beta, float *y);

/* OpenBLAS's thread count (set, get); 1 without OpenBLAS. */
void aigc_blas_set_threads(int n);
int aigc_blas_threads(void);

/* openblas_get_corename() and openblas_get_config(), or NULL without OpenBLAS. */
const char *aigc_blas_corename(void);
const char *aigc_blas_config(void);

#endif
