// One lane of float: the portable path, and the reference for what each wider type must do.
#pragma once

#include "optim/common.h"

namespace fastoptim::scalar {

struct Lanes {
  static constexpr size_t N = 1;
  using Vec = float;
  struct Full {};
  using Partial = Full;  // one lane is never partial; present so for_each_vector compiles
  static Partial first(size_t) { return {}; }
  static Vec set(float x) { return x; }
  static Vec load(const float* p, Full) { return *p; }
  static void store(float* p, Vec v, Full) { *p = v; }
};

}  // namespace fastoptim::scalar
