// Baseline x86-64 (or any CPU): one float lane.
#include "kernels.h"
#include "simd/scalar.h"

#define FO_ISA scalar
#define FO_ISA_NAME "scalar"
#include "isa/instantiate.inc"
