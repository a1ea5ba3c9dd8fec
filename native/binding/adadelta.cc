#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// adadelta({ params, grads, square_avg, acc_delta, lr, rho, eps, weight_decay, maximize })
Napi::Value bind_adadelta(const Napi::CallbackInfo& info) {
  GroupReader r(info, "adadelta");
  AdadeltaArgs a{};
  a.lr = r.number("lr");
  a.rho = r.number("rho");
  a.eps = r.number("eps");
  a.weight_decay = r.number("weight_decay");
  a.maximize = r.flag("maximize");
  const auto& params = r.tensors("params", Access::Write);
  const auto& grads = r.tensors("grads", Access::Read);
  const auto& square_avg = r.tensors("square_avg", Access::Write);
  const auto& acc_delta = r.tensors("acc_delta", Access::Write);
  r.check_no_overlap();
  a.num_tensors = r.num_tensors();
  a.numel = r.numel();
  a.params = params.data();
  a.grads = as_const(grads);
  a.square_avg = square_avg.data();
  a.acc_delta = acc_delta.data();
  return r.run(kernels().adadelta, a);
}

}  // namespace fastoptim
