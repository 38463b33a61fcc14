/* The serving engine's fp32 linear kernel (ck_linear_rows, Sources/CKernels/decode.c) against OpenBLAS sgemm on the
   shapes of a prompt prefill and a decode step, weights cycling through 24 matrices (more than the L3 cache holds),
   so both read them from memory as a server step does; one thread each, GFLOP/s, three repetitions.
   Build and run (repository root):
     clang -O3 -ISources/CKernels/include -c Sources/CKernels/decode.c -o /tmp/decode.o
     clang -O3 -ISources/CKernels/include Benchmarks/Micro/c/linear_rows_vs_sgemm.c /tmp/decode.o -o /tmp/linear_rows_vs_sgemm \
       $(pkg-config --cflags --libs openblas) -lm
     for s in "100 384 1152" "100 384 1536" "100 1536 384" "16 384 1536" "16 1536 384"; do /tmp/linear_rows_vs_sgemm $s 200; done
   Arguments: rows C OC iterations. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cblas.h>
#include "ckernels_decode.h"
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
  int rows=atoi(argv[1]), C=atoi(argv[2]), OC=atoi(argv[3]), iters=atoi(argv[4]);
  openblas_set_num_threads(1);
  /* 24 distinct weight matrices so the weights come from memory as in a real step */
  int NW=24; float **w=malloc(NW*sizeof(float*));
  for(int i=0;i<NW;i++){w[i]=aligned_alloc(64,(size_t)OC*C*4); for(size_t j=0;j<(size_t)OC*C;j++) w[i][j]=(rand()%1000)/1000.0f-0.5f;}
  float *x=aligned_alloc(64,(size_t)rows*C*4), *o=aligned_alloc(64,(size_t)rows*OC*4), *b=calloc(OC,4);
  for(size_t j=0;j<(size_t)rows*C;j++) x[j]=(rand()%1000)/1000.0f;
  for(int rep=0;rep<3;rep++){
  double t0=now(); for(int it=0;it<iters;it++) ck_linear_rows(o,x,w[it%NW],b,rows,C,OC); double t1=now();
  for(int it=0;it<iters;it++) cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasTrans,rows,OC,C,1,x,C,w[it%NW],C,0,o,OC); double t2=now();
  double fl=2.0*rows*C*OC*iters;
  printf("rows %d C %d OC %d: ck_linear_rows %.1f GFLOP/s, sgemm %.1f GFLOP/s\n",rows,C,OC,fl/(t1-t0)/1e9,fl/(t2-t1)/1e9);}
}
