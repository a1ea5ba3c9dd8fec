// The table of kernels that one instruction set provides. Each isa/<name>.cc fills one from the
// same generic code (isa/instantiate.inc); dispatch.cc picks one at load time.
#pragma once

#include "optim/adam.h"
#include "optim/sgd.h"
#include "optim/triad.h"

namespace fastoptim {

struct KernelTable {
  const char* isa;  // "scalar", "avx2", "avx512"
  void (*sgd)(const SgdArgs&);
  void (*adam)(const AdamArgs&);
  void (*triad)(const TriadArgs&);
};

}  // namespace fastoptim
