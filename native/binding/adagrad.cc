#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// adagrad({ params, grads, sum, clr, eps, weight_decay, maximize })
Napi::Value bind_adagrad(const Napi::CallbackInfo& info) {
  GroupReader r(info, "adagrad");
  AdagradArgs a{};
  a.eps = r.number("eps");
  a.weight_decay = r.number("weight_decay");
  a.maximize = r.flag("maximize");
  const auto& params = r.tensors("params", Access::Write);
  const auto& grads = r.tensors("grads", Access::Read);
  const auto& sum = r.tensors("sum", Access::Write);
  a.clr = r.per_tensor("clr");
  r.check_no_overlap();
  a.num_tensors = r.num_tensors();
  a.numel = r.numel();
  a.params = params.data();
  a.grads = as_const(grads);
  a.sum = sum.data();
  return r.run(kernels().adagrad, a);
}

}  // namespace fastoptim
