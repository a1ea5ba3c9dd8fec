#include <vector>

#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// adafactor({ params, grads, factored, batch, rows, cols, one_minus_beta2, rho, row_var, col_var,
//             variance, eps1, eps2, d, decay, maximize })
Napi::Value bind_adafactor(const Napi::CallbackInfo& info) {
  GroupReader r(info, "adafactor");
  AdafactorArgs a{};
  a.eps1 = r.number("eps1");
  a.eps2 = r.number("eps2");
  a.d = r.number("d");
  a.decay = r.number("decay");
  a.maximize = r.flag("maximize");
  a.params = r.written("params");
  a.grads = r.read("grads");
  const size_t n = r.num_tensors();
  a.factored = r.per_tensor_flags("factored");
  const double* batch = r.per_tensor_sizes("batch");
  const double* rows = r.per_tensor_sizes("rows");
  const double* cols = r.per_tensor_sizes("cols");
  a.one_minus_beta2 = r.per_tensor("one_minus_beta2");
  a.rho = r.per_tensor("rho");
  // The state buffers' lengths follow from the sizes (compared in double, so a product too
  // large for any buffer never matches); a factored tensor must be exactly batch * rows * cols.
  std::vector<double> row_len(n), col_len(n), var_len(n);
  for (size_t t = 0; t < n; ++t) {
    const bool f = a.factored[t] != 0;
    if (f && batch[t] * rows[t] * cols[t] != static_cast<double>(r.numel()[t])) {
      const std::string i = "[" + std::to_string(t) + "]";
      throw r.range_error("batch" + i + " * rows" + i + " * cols" + i + " is not the " +
                          std::to_string(r.numel()[t]) + " elements of params" + i);
    }
    row_len[t] = f ? batch[t] * rows[t] : 0.0;
    col_len[t] = f ? batch[t] * cols[t] : 0.0;
    var_len[t] = f ? 0.0 : static_cast<double>(r.numel()[t]);
  }
  a.row_var = r.tensors_sized("row_var", Access::Write, row_len).data();
  a.col_var = r.tensors_sized("col_var", Access::Write, col_len).data();
  a.variance = r.tensors_sized("variance", Access::Write, var_len).data();
  r.check_no_overlap();  // before the working memory below is sized and allocated
  // Owned by the call (an async kernel runs after this function returns).
  size_t* batch_n = r.owned_sizes(n);
  size_t* rows_n = r.owned_sizes(n);
  size_t* cols_n = r.owned_sizes(n);
  for (size_t t = 0; t < n; ++t) {
    batch_n[t] = static_cast<size_t>(batch[t]);
    rows_n[t] = static_cast<size_t>(rows[t]);
    cols_n[t] = static_cast<size_t>(cols[t]);
  }
  a.num_tensors = n;
  a.numel = r.numel();
  a.batch = batch_n;
  a.rows = rows_n;
  a.cols = cols_n;
  a.scratch = r.owned_doubles(adafactor_scratch_size(a));
  return r.run(kernels().adafactor, a);
}

}  // namespace fastoptim
