#ifndef AIGC_CBLAS_SHIM_H
#define AIGC_CBLAS_SHIM_H
#include <cblas.h>
/* OpenBLAS threading controls (declared in openblas_config.h / cblas.h of OpenBLAS). */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
/* The kernels OpenBLAS chose for this CPU (DYNAMIC_ARCH builds: e.g. "Haswell", "SkylakeX", or "Prescott" when it
   does not know the CPU), and its build configuration. */
char *openblas_get_corename(void);
char *openblas_get_config(void);
#endif
