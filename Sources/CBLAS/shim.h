#ifndef AIGC_CBLAS_SHIM_H
#define AIGC_CBLAS_SHIM_H
#include <cblas.h>
/* OpenBLAS threading controls (declared in openblas_config.h / cblas.h of OpenBLAS). */
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
#endif
