// Copyright (c) dsym_mm contributors. Licensed under GPL-3.0.
//
// Fused selective scan (Mamba's S6 recurrence, DSYM eq. (4)) for CPU
// tensors: one pass over the sequence per (batch, channel), the state of
// every channel kept in a small local array, no (batch, dim, L, N)
// intermediate in memory. Built on first use by
// dsym_mm/models/layers/selective_scan_cpu.py (torch.utils.cpp_extension).
//
//   delta_t = softplus(raw_t + bias)   (or raw_t + bias, as asked)
//   h_t = exp(delta_t * A) * h_{t-1} + delta_t * u_t * B_t
//   y_t = C_t . h_t
//
// Shapes (contiguous): u, raw delta (batch, dim, L); A (dim, N);
// B, C (batch, groups, L, N) with dim % groups == 0; bias (dim) or empty.
// Like mamba-ssm's kernel it takes delta's bias and softplus itself: done
// in PyTorch they would cost more than the scan.
// The backward recomputes the states of one channel at a time (2 * L * N
// values of scratch) instead of saving them.
#include <torch/extension.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace {

// delta of one channel (and d delta / d raw if grad is given)
template <typename T>
void channel_delta(const T* __restrict__ raw, T bias, bool softplus,
                   int64_t length, T* __restrict__ delta,
                   T* __restrict__ grad = nullptr) {
#pragma omp simd
  for (int64_t t = 0; t < length; ++t) {
    const T x = raw[t] + bias;
    // softplus with PyTorch's threshold: x itself above 20
    const T e = std::exp(std::min(x, T(20)));
    delta[t] = softplus ? (x > T(20) ? x : std::log1p(e)) : x;
    if (grad) grad[t] = softplus ? (x > T(20) ? T(1) : e / (T(1) + e)) : T(1);
  }
}

template <typename T>
void scan_forward(const T* u, const T* raw_delta, const T* bias,
                  bool softplus, const T* A, const T* B, const T* C, T* y,
                  int64_t batch, int64_t dim, int64_t length, int64_t n,
                  int64_t groups) {
  const int64_t per_group = dim / groups;
  at::parallel_for(0, batch * dim, 1, [&](int64_t begin, int64_t end) {
    std::vector<T> h(n), delta(length);
    for (int64_t bd = begin; bd < end; ++bd) {
      const int64_t b = bd / dim, d = bd % dim;
      const int64_t g = d / per_group;
      const T* u_bd = u + bd * length;
      channel_delta(raw_delta + bd * length, bias ? bias[d] : T(0), softplus,
                    length, delta.data());
      const T* delta_bd = delta.data();
      const T* __restrict__ A_d = A + d * n;
      const T* B_bg = B + (b * groups + g) * length * n;
      const T* C_bg = C + (b * groups + g) * length * n;
      T* y_bd = y + bd * length;
      T* __restrict__ h_d = h.data();
      std::fill(h.begin(), h.end(), T(0));
      for (int64_t t = 0; t < length; ++t) {
        const T dt = delta_bd[t], x = dt * u_bd[t];
        const T* __restrict__ B_t = B_bg + t * n;
        const T* __restrict__ C_t = C_bg + t * n;
        T acc = 0;
#pragma omp simd reduction(+ : acc)
        for (int64_t i = 0; i < n; ++i) {
          h_d[i] = std::exp(dt * A_d[i]) * h_d[i] + x * B_t[i];
          acc += C_t[i] * h_d[i];
        }
        y_bd[t] = acc;
      }
    }
  });
}

// Gradients of y = scan(u, delta, A, B, C) given dy. With a_t = exp(delta_t
// A), x_t = delta_t u_t and g_t = dL/dh_t = dy_t C_t + a_{t+1} g_{t+1}:
//   dC_t += dy_t h_t          dB_t += x_t g_t
//   dx_t  = B_t . g_t         du_t = delta_t dx_t
//   ddelta_t = u_t dx_t + sum_n g_t h_{t-1} a_t A
//   dA      += g_t h_{t-1} a_t delta_t
// and ddelta goes back through the softplus to the raw delta and the bias.
// Parallel over (batch, group): dB and dC sum over the group's channels.
template <typename T>
void scan_backward(const T* u, const T* raw_delta, const T* bias,
                   bool softplus, const T* A, const T* B, const T* C,
                   const T* dy, T* du, T* draw_delta, T* dbias_batch,
                   T* dA_batch, T* dB, T* dC, int64_t batch, int64_t dim,
                   int64_t length, int64_t n, int64_t groups) {
  const int64_t per_group = dim / groups;
  at::parallel_for(0, batch * groups, 1, [&](int64_t begin, int64_t end) {
    std::vector<T> h_all((length + 1) * n), decay(length * n), g(n);
    std::vector<T> delta(length), ddelta_draw(length);
    for (int64_t bg = begin; bg < end; ++bg) {
      const int64_t b = bg / groups, grp = bg % groups;
      const T* B_bg = B + bg * length * n;
      const T* C_bg = C + bg * length * n;
      T* dB_bg = dB + bg * length * n;
      T* dC_bg = dC + bg * length * n;
      for (int64_t d = grp * per_group; d < (grp + 1) * per_group; ++d) {
        const int64_t bd = b * dim + d;
        const T* u_bd = u + bd * length;
        channel_delta(raw_delta + bd * length, bias ? bias[d] : T(0),
                      softplus, length, delta.data(), ddelta_draw.data());
        const T* delta_bd = delta.data();
        T dbias = 0;
        const T* dy_bd = dy + bd * length;
        const T* __restrict__ A_d = A + d * n;
        T* __restrict__ dA_bd = dA_batch + bd * n;
        T* __restrict__ g_d = g.data();
        // states h_0 = 0, h_1 .. h_L (row t + 1 holds h_t of step t)
        std::fill(h_all.begin(), h_all.begin() + n, T(0));
        for (int64_t t = 0; t < length; ++t) {
          const T dt = delta_bd[t], x = dt * u_bd[t];
          const T* __restrict__ B_t = B_bg + t * n;
          const T* __restrict__ h_prev = &h_all[t * n];
          T* __restrict__ h_t = &h_all[(t + 1) * n];
          T* __restrict__ a_t = &decay[t * n];
#pragma omp simd
          for (int64_t i = 0; i < n; ++i) {
            a_t[i] = std::exp(dt * A_d[i]);
            h_t[i] = a_t[i] * h_prev[i] + x * B_t[i];
          }
        }
        std::fill(g.begin(), g.end(), T(0));
        for (int64_t t = length - 1; t >= 0; --t) {
          const T dt = delta_bd[t], ut = u_bd[t], x = dt * ut;
          const T dyt = dy_bd[t];
          const T* __restrict__ B_t = B_bg + t * n;
          const T* __restrict__ C_t = C_bg + t * n;
          const T* __restrict__ h_prev = &h_all[t * n];
          const T* __restrict__ h_t = &h_all[(t + 1) * n];
          const T* __restrict__ a_t = &decay[t * n];
          T* __restrict__ dB_t = dB_bg + t * n;
          T* __restrict__ dC_t = dC_bg + t * n;
          T dx = 0, dd = 0;
#pragma omp simd reduction(+ : dx, dd)
          for (int64_t i = 0; i < n; ++i) {
            g_d[i] += dyt * C_t[i];  // g held a_{t+1} g_{t+1}
            dC_t[i] += dyt * h_t[i];
            dB_t[i] += x * g_d[i];
            dx += B_t[i] * g_d[i];
            const T da = g_d[i] * h_prev[i] * a_t[i];
            dd += da * A_d[i];
            dA_bd[i] += da * dt;
            g_d[i] *= a_t[i];  // becomes a_t g_t for step t - 1
          }
          du[bd * length + t] = dx * dt;
          const T draw = (dx * ut + dd) * ddelta_draw[t];
          draw_delta[bd * length + t] = draw;
          dbias += draw;
        }
        dbias_batch[bd] = dbias;
      }
    }
  });
}

void check_inputs(const torch::Tensor& u, const torch::Tensor& delta,
                  const torch::Tensor& bias, const torch::Tensor& A,
                  const torch::Tensor& B, const torch::Tensor& C) {
  TORCH_CHECK(bias.numel() == 0 || (bias.dim() == 1 &&
                                    bias.size(0) == u.size(1)),
              "selective_scan_cpu: delta_bias must be (dim, ) or empty");
  for (const auto* t : {&u, &delta, &bias, &A, &B, &C}) {
    TORCH_CHECK(t->device().is_cpu(), "selective_scan_cpu: CPU tensors only");
    TORCH_CHECK(t->is_contiguous(), "selective_scan_cpu: contiguous only");
    TORCH_CHECK(t->scalar_type() == u.scalar_type(),
                "selective_scan_cpu: one dtype for all inputs");
  }
  TORCH_CHECK(u.dim() == 3 && delta.sizes() == u.sizes(),
              "selective_scan_cpu: u and delta must be (batch, dim, L)");
  TORCH_CHECK(A.dim() == 2 && A.size(0) == u.size(1),
              "selective_scan_cpu: A must be (dim, N)");
  TORCH_CHECK(B.dim() == 4 && B.size(0) == u.size(0) &&
                  B.size(2) == u.size(2) && B.size(3) == A.size(1) &&
                  u.size(1) % B.size(1) == 0 && C.sizes() == B.sizes(),
              "selective_scan_cpu: B and C must be (batch, groups, L, N)");
}

}  // namespace

torch::Tensor forward(torch::Tensor u, torch::Tensor delta,
                      torch::Tensor delta_bias, bool delta_softplus,
                      torch::Tensor A, torch::Tensor B, torch::Tensor C) {
  check_inputs(u, delta, delta_bias, A, B, C);
  auto y = torch::empty_like(u);
  AT_DISPATCH_FLOATING_TYPES(u.scalar_type(), "selective_scan_cpu_fwd", [&] {
    scan_forward<scalar_t>(
        u.data_ptr<scalar_t>(), delta.data_ptr<scalar_t>(),
        delta_bias.numel() ? delta_bias.data_ptr<scalar_t>() : nullptr,
        delta_softplus, A.data_ptr<scalar_t>(), B.data_ptr<scalar_t>(),
        C.data_ptr<scalar_t>(), y.data_ptr<scalar_t>(), u.size(0),
        u.size(1), u.size(2), A.size(1), B.size(1));
  });
  return y;
}

std::vector<torch::Tensor> backward(torch::Tensor u, torch::Tensor delta,
                                    torch::Tensor delta_bias,
                                    bool delta_softplus, torch::Tensor A,
                                    torch::Tensor B, torch::Tensor C,
                                    torch::Tensor dy) {
  check_inputs(u, delta, delta_bias, A, B, C);
  dy = dy.contiguous();
  auto du = torch::empty_like(u);
  auto ddelta = torch::empty_like(delta);
  auto dbias_batch = torch::empty({u.size(0), u.size(1)}, u.options());
  auto dA_batch = torch::zeros({u.size(0), A.size(0), A.size(1)}, A.options());
  auto dB = torch::zeros_like(B);
  auto dC = torch::zeros_like(C);
  AT_DISPATCH_FLOATING_TYPES(u.scalar_type(), "selective_scan_cpu_bwd", [&] {
    scan_backward<scalar_t>(
        u.data_ptr<scalar_t>(), delta.data_ptr<scalar_t>(),
        delta_bias.numel() ? delta_bias.data_ptr<scalar_t>() : nullptr,
        delta_softplus, A.data_ptr<scalar_t>(), B.data_ptr<scalar_t>(),
        C.data_ptr<scalar_t>(), dy.data_ptr<scalar_t>(),
        du.data_ptr<scalar_t>(), ddelta.data_ptr<scalar_t>(),
        dbias_batch.data_ptr<scalar_t>(), dA_batch.data_ptr<scalar_t>(), dB.data_ptr<scalar_t>(),
        dC.data_ptr<scalar_t>(), u.size(0), u.size(1), u.size(2), A.size(1),
        B.size(1));
  });
  return {du, ddelta, dbias_batch.sum(0), dA_batch.sum(0), dB, dC};
}

PYBIND11_MODULE(TORCH_EXTENSION_NAME, m) {
  m.def("forward", &forward, "selective scan forward (CPU)");
  m.def("backward", &backward, "selective scan backward (CPU)");
}
