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
  static Vec keep(Vec v, Full) { return v; }

  using Acc = double;
  static Acc acc_zero() { return 0.0; }
  static Acc acc_add(Acc acc, Vec v) { return acc + static_cast<double>(v); }
  static Acc acc_add_sq(Acc acc, Vec v) {
    const double d = v;
    return acc + d * d;
  }
  static Acc acc_add_prod(Acc acc, Vec a, Vec b) { return acc + static_cast<double>(a) * b; }
  static double acc_sum(Acc acc) { return acc; }
  static Acc acc_load(const double* p) { return *p; }
  static void acc_store(double* p, Acc acc) { *p = acc; }
  static float reduce_max(Vec v) { return v; }
};

}  // namespace fastoptim::scalar
