#include "src/calib/cell_histogram.h"

#include <algorithm>
#include <cmath>

#include "src/calib/calib_kernels.h"

namespace axq {
namespace {

// Cells may not be narrower than 2^-40 of the largest magnitude: far below
// f32 resolution, and it keeps every cell index within +-2^41. For all-zero
// data any width works; the smallest normal double's is used.
int ExponentFloor(double amax) { return amax > 0.0 ? std::ilogb(amax) - 40 : -1022; }

// A first guess at or below the answer: at width 2^(ilogb(span) - 24) a
// span takes at least 2^23 cells, more than any allowed bin count.
int StartExponent(double span, int floor_exponent) {
  return span > 0.0 ? std::max(floor_exponent, std::ilogb(span) - 24) : floor_exponent;
}

// floor(k / 2^d) for any d >= 0, also where a shift would be undefined.
int64_t FloorShift(int64_t k, int d) {
  if (d >= 63) return k < 0 ? -1 : 0;
  return k >= 0 ? (k >> d) : -(((-k) - 1) >> d) - 1;
}

}  // namespace

CellGrid SignedGrid(double min, double max, uint32_t bins) {
  const int floor_exponent = ExponentFloor(std::max(std::fabs(min), std::fabs(max)));
  int e = StartExponent(max - min, floor_exponent);
  // Every value x is scaled by 2^-e exactly (a power of two), so the cell
  // counts below are exact; they only shrink as e grows.
  while (std::floor(std::ldexp(max, -e)) - std::floor(std::ldexp(min, -e)) >= static_cast<double>(bins)) ++e;
  return CellGrid{e, static_cast<int64_t>(std::floor(std::ldexp(min, -e)))};
}

CellGrid AbsGrid(double amax, uint32_t bins) {
  int e = StartExponent(amax, ExponentFloor(amax));
  while (std::floor(std::ldexp(amax, -e)) >= static_cast<double>(bins)) ++e;
  return CellGrid{e, 0};
}

double CellHistogram::cell_width() const { return std::ldexp(1.0, grid_.exponent); }

void CellHistogram::Regrid(const CellGrid& grid) {
  if (!has_grid_) {
    grid_ = grid;
    has_grid_ = true;
    return;
  }
  if (grid == grid_) return;
  scratch_.swap(counts_);
  std::fill(counts_.begin(), counts_.end(), 0);
  const CellGrid old_grid = grid_;
  grid_ = grid;
  AddShifted(scratch_, old_grid);
}

void CellHistogram::AddCounts(const CellHistogram& other) {
  if (other.has_grid_) AddShifted(other.counts_, other.grid_);
}

void CellHistogram::AddShifted(const std::vector<uint64_t>& counts, const CellGrid& from) {
  const int shift = grid_.exponent - from.exponent;
  const int64_t last = static_cast<int64_t>(counts_.size()) - 1;
  for (size_t j = 0; j < counts.size(); ++j) {
    if (counts[j] == 0) continue;
    const int64_t cell = FloorShift(from.first_cell + static_cast<int64_t>(j), shift) - grid_.first_cell;
    counts_[static_cast<size_t>(std::clamp<int64_t>(cell, 0, last))] += counts[j];
  }
}

void CellHistogram::CountCells(const int32_t* cells, size_t n) {
  uint64_t* counts = counts_.data();
  for (size_t i = 0; i < n; ++i) ++counts[cells[i]];
}

void AddToHistograms(const float* x, size_t n, CellHistogram* values, CellHistogram* magnitudes) {
  const CalibKernels& kernels = CalibKernelsFor();
  CellIndexParams params;
  params.value_scale = std::ldexp(1.0, -values->grid().exponent);
  params.value_first = static_cast<double>(values->grid().first_cell);
  params.magnitude_scale = std::ldexp(1.0, -magnitudes->grid().exponent);
  // Both histograms have the same bin count; the kernel's clamp never acts
  // while the grids cover the data, it only keeps a broken invariant from
  // writing out of bounds.
  params.last = static_cast<double>(std::min(values->bins(), magnitudes->bins()) - 1);
  constexpr size_t kBlock = 1024;
  int32_t cells[kBlock], magnitude_cells[kBlock];
  for (size_t begin = 0; begin < n; begin += kBlock) {
    const size_t len = std::min(kBlock, n - begin);
    kernels.cell_indices(x + begin, len, params, cells, magnitude_cells);
    values->CountCells(cells, len);
    magnitudes->CountCells(magnitude_cells, len);
  }
}

}  // namespace axq
