// The table of kernels that one instruction set provides, generated from kernels.def. Each
// isa/<name>.cc fills one from the same generic code (isa/instantiate.inc); dispatch.cc picks
// one at load time.
#pragma once

#include "engine/parallel.h"
#include "optim/adadelta.h"
#include "optim/adafactor.h"
#include "optim/adagrad.h"
#include "optim/adam.h"
#include "optim/adamax.h"
#include "optim/asgd.h"
#include "optim/nadam.h"
#include "optim/radam.h"
#include "optim/rprop.h"
#include "optim/lamb.h"
#include "optim/lars.h"
#include "optim/lion.h"
#include "optim/rmsprop.h"
#include "optim/sgd.h"
#include "optim/triad.h"
#include "ops/dot.h"
#include "ops/norms.h"
#include "ops/scale.h"

namespace fastoptim {

struct KernelTable {
  const char* isa;  // "scalar", "avx2", "avx512"
#define FO_KERNEL(name, Args) void (*name)(const Args&);
#include "kernels.def"
#undef FO_KERNEL
};

}  // namespace fastoptim
