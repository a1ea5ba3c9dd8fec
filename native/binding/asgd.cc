#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// asgd({ params, grads, ax, eta, mu, lambd, weight_decay, maximize })
Napi::Value bind_asgd(const Napi::CallbackInfo& info) {
  GroupReader r(info, "asgd");
  AsgdArgs a{};
  a.lambd = r.number("lambd");
  a.weight_decay = r.number("weight_decay");
  a.maximize = r.flag("maximize");
  const auto& params = r.tensors("params", Access::Write);
  const auto& grads = r.tensors("grads", Access::Read);
  const auto& ax = r.tensors("ax", Access::Write);
  a.eta = r.per_tensor("eta");
  a.mu = r.per_tensor("mu");
  r.check_no_overlap();
  a.num_tensors = r.num_tensors();
  a.numel = r.numel();
  a.params = params.data();
  a.grads = as_const(grads);
  a.ax = ax.data();
  return r.run(kernels().asgd, a);
}

}  // namespace fastoptim
