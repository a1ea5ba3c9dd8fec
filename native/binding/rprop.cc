#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// rprop({ params, grads, prev, step_size, etaminus, etaplus, step_size_min, step_size_max,
//         maximize })
Napi::Value bind_rprop(const Napi::CallbackInfo& info) {
  GroupReader r(info, "rprop");
  RpropArgs a{};
  a.etaminus = r.number("etaminus");
  a.etaplus = r.number("etaplus");
  a.step_size_min = r.number("step_size_min");
  a.step_size_max = r.number("step_size_max");
  a.maximize = r.flag("maximize");
  const auto& params = r.tensors("params", Access::Write);
  const auto& grads = r.tensors("grads", Access::Read);
  const auto& prev = r.tensors("prev", Access::Write);
  const auto& step_size = r.tensors("step_size", Access::Write);
  r.check_no_overlap();
  a.num_tensors = r.num_tensors();
  a.numel = r.numel();
  a.params = params.data();
  a.grads = as_const(grads);
  a.prev = prev.data();
  a.step_size = step_size.data();
  return r.run(kernels().rprop, a);
}

}  // namespace fastoptim
